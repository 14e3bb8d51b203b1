package io.loghaul.clickhouse;

import io.loghaul.schema.LogEntry;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Rows on their way into one write of a {@link RowSink}. Filled by the consumer thread, then
 * submitted and never added to again; {@link #finished()} turns true (a volatile write) once the
 * destination answered for every row: accepted, or refused as bad data and listed in {@link
 * #refused()}.
 */
public interface RowBatch {
  /**
   * Adds the row for {@code entry}, which was read from {@code source}: the batch keeps its
   * position (topic, partition, offset) and may look at its headers, never its key or value (a row
   * refused later is read back from Kafka by position).
   */
  void add(LogEntry entry, ConsumerRecord<?, ?> source);

  int rowCount();

  /**
   * Bytes the batch holds in memory (its rows and where they came from), for {@code
   * batch.max-bytes}.
   */
  int byteSize();

  /** True when the batch must be written whatever its size, e.g. its rows reached a hard limit. */
  default boolean overfull() {
    return false;
  }

  /** {@link System#nanoTime()} (or the injected clock's) when the batch was opened. */
  long createdNanos();

  /** True once every row is either stored or refused. */
  boolean finished();

  /**
   * The unexpected error that keeps the sink from ever finishing this batch (a bug, a failed
   * compression, an {@link Error}), or null. A failed batch never turns {@link #finished()}: its
   * offsets must not be committed, and the caller should stop, so that a restart reads its records
   * again. Outages and refusals are not failures (the sink retries them, or reports refused rows).
   */
  default Throwable failure() {
    return null;
  }

  /**
   * The rows the destination refused as bad data, in row order; complete once {@link #finished()}.
   */
  List<RefusedRow> refused();
}
