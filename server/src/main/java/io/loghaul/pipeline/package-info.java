/**
 * The consumer side: poll Kafka, check each record once ({@link
 * io.loghaul.pipeline.RecordDecoder}), route good rows to a {@link io.loghaul.clickhouse.RowSink}
 * in batches ({@link io.loghaul.pipeline.Batcher}) and bad records to the {@link
 * io.loghaul.dlq.DeadLetterQueue}, and commit per partition only the offset below which every
 * record is durable downstream ({@link io.loghaul.pipeline.PartitionProgress}, {@link
 * io.loghaul.pipeline.Committer}). {@link io.loghaul.pipeline.Pipeline} owns the consumer thread
 * and routes records; back-pressure ({@link io.loghaul.pipeline.Pauser}: pause/resume while polling
 * continues), the flush-and-commit on revocation and shutdown ({@link
 * io.loghaul.pipeline.RebalanceDrain}) and the crash-replay check ({@link
 * io.loghaul.pipeline.ReplayGuard}) are classes of their own. {@link
 * io.loghaul.pipeline.TopicProvisioner} creates missing topics.
 */
package io.loghaul.pipeline;
