/**
 * The consumer side: poll Kafka, check each record once ({@link io.loghaul.pipeline.RecordDecoder}),
 * route good rows into ClickHouse batches and bad records to the DLQ, and commit per partition only
 * the offset below which every record is durable downstream ({@link
 * io.loghaul.pipeline.PartitionProgress}). {@link io.loghaul.pipeline.Pipeline} owns the consumer
 * thread, back-pressure (pause/resume while polling continues), and the flush-and-commit on
 * revocation and shutdown. {@link io.loghaul.pipeline.TopicProvisioner} creates missing topics.
 */
package io.loghaul.pipeline;
