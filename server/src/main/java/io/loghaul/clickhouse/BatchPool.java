package io.loghaul.clickhouse;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Recycles the large row buffers of finished batches so steady-state batching allocates no new
 * multi-megabyte arrays. Thread-safe: the inserter returns buffers, the consumer takes them.
 */
public final class BatchPool {
  private final ConcurrentLinkedQueue<RowBuffer> free = new ConcurrentLinkedQueue<>();
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
    RowBuffer buffer = free.poll();
    if (buffer == null) {
      buffer = new RowBuffer(initialBytes);
    }
    buffer.reset();
    return new Batch(buffer, expectedRows, nowNanos, traceLinks);
  }

  void recycle(Batch batch) {
    RowBuffer b = batch.release();
    if (free.size() < 2) {
      free.add(b);
    }
  }
}
