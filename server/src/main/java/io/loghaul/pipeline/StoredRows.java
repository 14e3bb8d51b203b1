package io.loghaul.pipeline;

import org.apache.kafka.common.TopicPartition;

/**
 * Asks the destination which of a partition's possibly-inserted rows it already holds, so a new
 * owner after a crash skips exactly those instead of inserting them twice.
 */
public interface StoredRows {
  /**
   * The offsets among {@code rows} that are stored, sorted ascending.
   *
   * @throws Exception when the destination cannot answer; the caller then inserts everything
   *     (at-least-once, as without this check)
   */
  long[] storedOffsets(TopicPartition partition, UncommittedRows rows) throws Exception;
}
