package io.loghaul.pipeline;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a record back from Kafka by its position: the record behind a row ClickHouse refused, which
 * the batch did not keep (batches keep only where their rows came from), so that it can be
 * dead-lettered with its original key, value and headers. Refusals are rare, so this is off the hot
 * path; the records are still there because their offsets are not committed yet (only retention or
 * compaction can have removed one). Called on the consumer thread.
 */
@FunctionalInterface
interface SourceReader extends AutoCloseable {
  /** What reading one record gave. */
  sealed interface Result {}

  /** The record, with bytes of its own. */
  record Found(ConsumerRecord<byte[], byte[]> record) implements Result {}

  /**
   * Kafka no longer holds the record (deleted by retention, compacted away), and never will again;
   * {@code why} says which, in English.
   */
  record Gone(String why) implements Result {}

  /** The record could not be read now (the broker is unreachable, a timeout): try again later. */
  record Unavailable(String why) implements Result {}

  /** The record at {@code offset} of {@code partition}; waits a bounded time. */
  Result read(TopicPartition partition, long offset);

  @Override
  default void close() {}
}
