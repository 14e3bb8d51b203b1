package io.loghaul.pipeline;

import static java.util.Objects.requireNonNull;

import io.loghaul.clickhouse.RowSink;
import io.loghaul.record.UncommittedRows;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a crash between an INSERT and its commit from inserting rows twice. When partitions are
 * assigned it reads their commit metadata; where that names rows that may be stored already ({@link
 * UncommittedRows}), it asks the {@link RowSink} which of them are, and the pipeline then skips
 * exactly those as they are read again ({@link #alreadyStored}). Failing to read or to ask only
 * costs duplicates, never data.
 *
 * <p>Single-threaded (the consumer thread). While nothing is armed, {@link #alreadyStored} costs
 * one emptiness check per record.
 */
final class ReplayGuard {
  private static final Logger log = LoggerFactory.getLogger(ReplayGuard.class);
  private static final Duration COMMITTED_TIMEOUT = Duration.ofSeconds(10);

  /** Offsets the sink holds, sorted, up to the last offset the metadata named. */
  private record Stored(long[] offsets, long upTo) {}

  private final Consumer<ByteBuffer, ByteBuffer> consumer;
  private final RowSink sink;
  private final Map<TopicPartition, Stored> armed = new HashMap<>();
  private volatile long skipped;

  ReplayGuard(Consumer<ByteBuffer, ByteBuffer> consumer, RowSink sink) {
    this.consumer = requireNonNull(consumer, "consumer");
    this.sink = requireNonNull(sink, "sink");
  }

  /**
   * Reads the committed metadata of newly assigned {@code partitions} and arms the guard for the
   * rows it names that the sink holds. Returns each partition's committed metadata (absent when the
   * group has no commit for it, or it could not be read).
   */
  Map<TopicPartition, String> arm(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = consumer.committed(new HashSet<>(partitions), COMMITTED_TIMEOUT);
    } catch (KafkaException e) {
      log.warn(
          "Could not read committed offsets of {}; rows of a crashed batch may be inserted twice: {}",
          partitions,
          e.toString());
      return Map.of();
    }
    Map<TopicPartition, String> metadata = new HashMap<>();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      metadata.put(e.getKey(), e.getValue().metadata());
      UncommittedRows rows = UncommittedRows.parse(e.getValue().metadata());
      if (rows != null) {
        ask(e.getKey(), rows);
      }
    }
    return metadata;
  }

  private void ask(TopicPartition partition, UncommittedRows rows) {
    try {
      long[] stored = sink.storedOffsets(partition, rows);
      if (stored.length > 0) {
        armed.put(partition, new Stored(stored, rows.lastOffset()));
        log.info(
            "{}: {} rows of offsets {}..{} are in ClickHouse from before a crash; skipping them",
            partition,
            stored.length,
            rows.firstOffset(),
            rows.lastOffset());
      }
    } catch (Exception ex) {
      log.warn(
          "{}: could not ask ClickHouse which of offsets {}..{} it holds; they may be inserted twice: {}",
          partition,
          rows.firstOffset(),
          rows.lastOffset(),
          ex.toString());
    }
  }

  /**
   * Whether the accepted row at {@code offset} of {@code partition} is stored already (and so must
   * be skipped); counts it when so. Disarms a partition once reading passed the rows it named.
   */
  boolean alreadyStored(TopicPartition partition, long offset) {
    if (armed.isEmpty()) {
      return false;
    }
    Stored stored = armed.get(partition);
    if (stored == null) {
      return false;
    }
    if (offset > stored.upTo()) {
      armed.remove(partition);
      return false;
    }
    if (Arrays.binarySearch(stored.offsets(), offset) < 0) {
      return false;
    }
    skipped++;
    return true;
  }

  /** Rows skipped so far; safe to read from any thread. */
  long skipped() {
    return skipped;
  }

  /** Disarms partitions this consumer no longer owns. */
  void forget(Collection<TopicPartition> partitions) {
    armed.keySet().removeAll(partitions);
  }
}
