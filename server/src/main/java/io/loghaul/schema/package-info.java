/**
 * The one strict schema every log record must pass (docs/record-schema.md): the reusable byte-oriented {@link
 * io.loghaul.schema.LogEntry}, the single-pass JSON {@link io.loghaul.schema.LogEntryParser} for
 * Kafka record values, the {@link io.loghaul.schema.LogEntryValidator} applying the same content
 * rules to entries built from OTLP or protobuf, and the closed set of {@link
 * io.loghaul.schema.ErrorType}s a rejection carries, as a {@link io.loghaul.schema.Rejected} value
 * rather than an exception.
 */
package io.loghaul.schema;
