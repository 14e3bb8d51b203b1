package io.loghaul.clickhouse;

import io.loghaul.record.UncommittedRows;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the pipeline's accepted rows go: batches opened here, filled by the caller, written one at
 * a time, each reporting per row whether the destination accepted or refused it. The pipeline
 * depends on this interface only; {@link BatchInserter} implements it for ClickHouse, tests use an
 * in-memory one.
 *
 * <p>Threading: {@link #open}, {@link #submit} and {@link #idle} are called by one thread (the
 * consumer); a batch's outcome is published with a volatile write, so that thread can poll it.
 * Outages are the sink's to retry: a submitted batch eventually finishes (or the sink is closed and
 * abandons it, leaving its rows uncommitted). Refusals are not retried: the sink reports them on
 * the batch ({@link RowBatch#refused()}), and what becomes of them is the caller's decision.
 */
public interface RowSink {
  /** A new, empty batch; its age for {@code batch.max-delay-ms} counts from {@code nowNanos}. */
  RowBatch open(long nowNanos);

  /** True when no batch is being written, so {@link #submit} may be called. */
  boolean idle();

  /**
   * Starts writing {@code batch} (one that {@link #open} returned), only when {@link #idle()}. The
   * caller must not add to it afterwards.
   */
  void submit(RowBatch batch);

  /**
   * The offsets among {@code rows} of {@code partition} that the destination holds already, sorted
   * ascending: after a crash between an INSERT and its commit, those are skipped instead of written
   * twice.
   *
   * @throws Exception when the destination cannot answer; the caller then writes everything
   *     (at-least-once, as without this check)
   */
  long[] storedOffsets(TopicPartition partition, UncommittedRows rows) throws Exception;
}
