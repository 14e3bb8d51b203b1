package io.loghaul.clickhouse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * Where each row of a batch came from: the topic, partition and offset of its Kafka record, in
 * reusable arrays. That is all a batch keeps of its records: a row ClickHouse refuses is reported
 * by its position ({@link RefusedRow}) and its record is read back from Kafka to be dead-lettered,
 * and the {@link DeduplicationToken} of an INSERT is built from these positions. (Earlier versions
 * kept an LZ4-compressed copy of every record's bytes for the rare refusal: about half of a batch's
 * memory and 0.7-1.2 CPU-µs per record, BENCHMARKS.md.)
 *
 * <p>The arrays grow by doubling and never shrink, so a reused instance stops allocating once it
 * has seen the largest batch. Not thread-safe: filled by one thread, read by another only after a
 * hand-over that orders memory (an executor, a volatile write).
 */
final class RowOrigins {
  /** What one row's origin takes in the arrays (topic index, partition, offset). */
  static final int BYTES_PER_ROW = 4 + 4 + 8;

  private int[] topicIndexes;
  private int[] partitions;
  private long[] offsets;
  private final List<String> topics = new ArrayList<>(2);
  private int count;

  /**
   * @param expectedRows rows to make room for without growing (at least 16)
   */
  RowOrigins(int expectedRows) {
    int rows = Math.max(16, expectedRows);
    this.topicIndexes = new int[rows];
    this.partitions = new int[rows];
    this.offsets = new long[rows];
  }

  /** Number of rows held. */
  int size() {
    return count;
  }

  /** Appends the origin of the next row. */
  void add(String topic, int partition, long offset) {
    if (count == offsets.length) {
      topicIndexes = Arrays.copyOf(topicIndexes, count * 2);
      partitions = Arrays.copyOf(partitions, count * 2);
      offsets = Arrays.copyOf(offsets, count * 2);
    }
    topicIndexes[count] = topicIndex(topic);
    partitions[count] = partition;
    offsets[count++] = offset;
  }

  /** The topic of row {@code index}. */
  String topic(int index) {
    return topics.get(topicIndexes[check(index)]);
  }

  /** The partition of row {@code index}. */
  int partition(int index) {
    return partitions[check(index)];
  }

  /** The offset of row {@code index}. */
  long offset(int index) {
    return offsets[check(index)];
  }

  /** The topic partition of row {@code index}. */
  TopicPartition topicPartition(int index) {
    return new TopicPartition(topic(index), partitions[index]);
  }

  private int check(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException(
          "index: " + index + " (expected: 0.." + (count - 1) + ")");
    }
    return index;
  }

  /** Empties it; keeps the arrays. */
  void reset() {
    count = 0;
    topics.clear();
  }

  private int topicIndex(String topic) {
    for (int i = 0; i < topics.size(); i++) {
      // the consumer hands out one String instance per topic: identity is the common case
      String t = topics.get(i);
      if (t == topic || t.equals(topic)) {
        return i;
      }
    }
    topics.add(topic);
    return topics.size() - 1;
  }
}
