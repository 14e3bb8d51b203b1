/**
 * What both sides of the flow agree on about one Kafka record, with no dependency on any other
 * loghaul package: the record contract ({@link io.loghaul.record.RecordContract}: header names and
 * content types written by ingest and read by the pipeline), the one W3C {@code traceparent} parser
 * ({@link io.loghaul.record.Traceparent}), the {@link io.loghaul.record.Durable} flag that work
 * holding a record raises once the record is safe downstream, the commit-metadata description of
 * rows that may be stored but not committed ({@link io.loghaul.record.UncommittedRows}), and the
 * time and retry primitives the stages share ({@link io.loghaul.record.NanoClock}, {@link
 * io.loghaul.record.Backoff}).
 */
package io.loghaul.record;
