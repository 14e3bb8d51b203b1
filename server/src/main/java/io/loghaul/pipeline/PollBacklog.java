package io.loghaul.pipeline;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Polled records not processed yet, in poll order, one chunk per partition and poll. Records stay
 * here while the batches are full (back-pressure): the pipeline pauses every partition then and
 * keeps polling, so the group sees a live member. Single-threaded (the consumer thread).
 */
final class PollBacklog {
  /** The records of one partition from one poll, with how far they were processed. */
  static final class Chunk {
    final TopicPartition partition;
    private final List<ConsumerRecord<ByteBuffer, ByteBuffer>> records;
    private int next;

    private Chunk(TopicPartition partition, List<ConsumerRecord<ByteBuffer, ByteBuffer>> records) {
      this.partition = partition;
      this.records = records;
    }

    boolean hasNext() {
      return next < records.size();
    }

    ConsumerRecord<ByteBuffer, ByteBuffer> next() {
      return records.get(next++);
    }

    /** Kafka timestamp of the first record not processed yet; only when {@link #hasNext()}. */
    long nextTimestamp() {
      return records.get(next).timestamp();
    }
  }

  private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();

  void add(ConsumerRecords<ByteBuffer, ByteBuffer> records) {
    for (TopicPartition tp : records.partitions()) {
      chunks.addLast(new Chunk(tp, records.records(tp)));
    }
  }

  boolean isEmpty() {
    return chunks.isEmpty();
  }

  /** Records polled and not processed yet. */
  long remaining() {
    long n = 0;
    for (Chunk c : chunks) {
      n += c.records.size() - c.next;
    }
    return n;
  }

  /** The oldest chunk, or null. */
  Chunk first() {
    return chunks.peekFirst();
  }

  /** Drops the oldest chunk (processed, or of a partition no longer assigned). */
  void removeFirst() {
    chunks.pollFirst();
  }

  /**
   * Kafka timestamp of the first unprocessed record of {@code partition}, or -1 when none waits.
   */
  long oldestUnprocessed(TopicPartition partition) {
    for (Chunk c : chunks) {
      if (c.partition.equals(partition) && c.hasNext()) {
        return c.nextTimestamp();
      }
    }
    return -1;
  }

  /** Drops the records of partitions this consumer no longer owns. */
  void removeAll(Collection<TopicPartition> partitions) {
    chunks.removeIf(c -> partitions.contains(c.partition));
  }
}
