package io.loghaul.clickhouse;

/**
 * How much memory batches take, in one place for the code that allocates it ({@link BatchPool}
 * sizing) and the startup check that the heap can hold it ({@link #largestMaxBytes}).
 *
 * <p>At most two batches are alive at once: one filling, one being inserted. Each holds its
 * RowBinary rows, compressed as they come, and 16 bytes per row saying where each came from ({@link
 * Batch}; a refused row's record is read back from Kafka, not kept): {@code batch.max-bytes} bounds
 * what a batch holds, not the size of its rows, so an INSERT (a ClickHouse part) of {@code
 * batch.max-rows} rows takes a fraction of its rows' size in the heap (about half on the
 * benchmark's hardly compressible mixed records, less on real logs). What a batch holds can grow
 * one record past the limit, because a batch is flushed only once it is over; its buffers grow by
 * doubling, so their capacity is up to twice what they hold; and a batch ClickHouse refuses as bad
 * data is cut into halves that are compressed anew, at most as large as the batch's compressed
 * rows.
 */
public final class BatchMemory {
  /** Room for the record that takes a batch over {@code batch.max-bytes}. */
  static final long RECORD_SLACK_BYTES = 1 << 20;

  /** Buffers start no larger than this and grow when needed, so huge limits reserve nothing. */
  static final long MAX_INITIAL_BUFFER_BYTES = 32L << 20;

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

  /** A batch's compressed rows start with room for the whole limit (capped). */
  static int initialBufferBytes(long maxBytes) {
    return (int) Math.min(maxBytes + RECORD_SLACK_BYTES, MAX_INITIAL_BUFFER_BYTES);
  }

  /**
   * The largest {@code batch.max-bytes} whose batches fit a JVM whose maximum heap is {@code
   * maxHeapBytes}: the two batches' buffers (up to twice what each holds, for their growth) and a
   * bad-row split's halves (up to one batch's compressed rows) may take at most half the heap; the
   * Kafka clients' buffers and the records in flight need the rest. Without this limit a large
   * {@code batch.max-bytes} ends in an OutOfMemoryError minutes after startup.
   */
  public static long largestMaxBytes(long maxHeapBytes) {
    return Math.max(0, maxHeapBytes / 10 - RECORD_SLACK_BYTES);
  }
}
