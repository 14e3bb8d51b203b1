package io.loghaul.clickhouse;

/**
 * How much memory batches take, in one place for the code that allocates it ({@link BatchPool}
 * sizing) and the startup check that the heap can hold it ({@link #largestMaxBytes}).
 *
 * <p>At most two batches are alive at once: one filling, one being inserted. Each holds its
 * RowBinary rows, a copy of its source records about as large (kept for the dead-letter queue), and
 * a compression buffer; each of the three can grow one record past {@code batch.max-bytes}, because
 * a batch is flushed only once it is over.
 */
public final class BatchMemory {
  /** Room for the record that takes a batch over {@code batch.max-bytes}. */
  static final long RECORD_SLACK_BYTES = 1 << 20;

  /** Buffers start no larger than this and grow when needed, so huge limits reserve nothing. */
  static final long MAX_INITIAL_BUFFER_BYTES = 64L << 20;

  /** Batches size their per-row arrays for at most this many rows up front. */
  static final int MAX_EXPECTED_ROWS = 1 << 16;

  private BatchMemory() {}

  /** A pool whose buffers start as large as a batch of {@code maxRows} / {@code maxBytes} needs. */
  public static BatchPool pool(
      RowBinaryEncoder encoder, int maxRows, long maxBytes, boolean traceLinks) {
    return new BatchPool(encoder, expectedRows(maxRows), initialBufferBytes(maxBytes), traceLinks);
  }

  static int expectedRows(int maxRows) {
    return Math.min(maxRows, MAX_EXPECTED_ROWS);
  }

  static int initialBufferBytes(long maxBytes) {
    return (int) Math.min(maxBytes + RECORD_SLACK_BYTES, MAX_INITIAL_BUFFER_BYTES);
  }

  /**
   * The largest {@code batch.max-bytes} whose batches fit a JVM whose maximum heap is {@code
   * maxHeapBytes}: the two batches' buffers (five of them: rows and source copy of each, and one
   * compression buffer) may take at most half the heap; the Kafka clients' buffers and the records
   * in flight need the rest. Without this limit a large {@code batch.max-bytes} ends in an
   * OutOfMemoryError minutes after startup.
   */
  public static long largestMaxBytes(long maxHeapBytes) {
    return Math.max(0, maxHeapBytes / 10 - RECORD_SLACK_BYTES);
  }
}
