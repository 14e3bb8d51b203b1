package io.loghaul.clickhouse;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Recycles the large buffers of finished batches (rows and their source records) so steady-state
 * batching allocates no new multi-megabyte arrays. Thread-safe: the inserter returns buffers, the consumer takes them.
 */
public final class BatchPool {
  private record Buffers(RowBuffer rows, SourceRecords sources) {}

  private final ConcurrentLinkedQueue<Buffers> free = new ConcurrentLinkedQueue<>();
  private final int expectedRows;
  private final int initialBytes;
  private final boolean traceLinks;

  /** A pool whose batches do not collect trace links (tracing off). */
  /** @param traceLinks whether batches keep their records' traceparents for the insert span's links */
  public BatchPool(int expectedRows, int initialBytes, boolean traceLinks) {
    this.expectedRows = expectedRows;
    this.initialBytes = initialBytes;
    this.traceLinks = traceLinks;
  }

  /** A new empty batch, opened now. */
  public Batch open(long nowNanos) {
    Buffers b = free.poll();
    if (b == null) {
      // the source copies are about as large as the rows
      b = new Buffers(new RowBuffer(initialBytes), new SourceRecords(initialBytes, expectedRows));
    }
    b.rows().reset();
    return new Batch(b.rows(), b.sources(), expectedRows, nowNanos, traceLinks);
  }

  void recycle(Batch batch) {
    batch.release(this);
  }

  void recycle(RowBuffer rows, SourceRecords sources) {
    if (free.size() < 2) {
      free.add(new Buffers(rows, sources));
    }
  }
}
