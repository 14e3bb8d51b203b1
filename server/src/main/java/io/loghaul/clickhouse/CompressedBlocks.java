package io.loghaul.clickhouse;

import java.util.Arrays;

/**
 * A batch's rows as the INSERT sends them: RowBinary in ClickHouse's native LZ4 blocks ({@link
 * NativeCompression}), one after the other in one growable array, so the whole batch is a
 * ready-made {@code decompress=1} body. Rows are compressed a block at a time as the batch fills
 * ({@link #add}); each block starts and ends on a row boundary and remembers its first row, so a
 * range of rows can be cut out again when ClickHouse refuses the batch ({@link Batch#body}).
 *
 * <p>The array grows by doubling and never shrinks, so a reused instance stops allocating once it
 * has seen the largest batch. Not thread-safe: filled by the consumer thread, read by the inserter
 * after the hand-over.
 */
final class CompressedBlocks {
  private byte[] bytes;
  private int size;
  private int[] starts = new int[16];
  private int[] firstRows = new int[16];
  private int count;

  CompressedBlocks(int initialBytes) {
    bytes = new byte[Math.max(64, initialBytes)];
  }

  /**
   * Compresses {@code raw[0, length)}, the rows from {@code firstRow} on, as the next block (one or
   * more native blocks of at most {@link NativeCompression#MAX_BLOCK_BYTES}).
   */
  void add(byte[] raw, int length, int firstRow) {
    int max = NativeCompression.maxCompressedLength(length);
    long needed = (long) size + max;
    if (needed > Integer.MAX_VALUE - 8) {
      throw new OutOfMemoryError("CompressedBlocks over 2 GiB");
    }
    if (needed > bytes.length) {
      bytes =
          Arrays.copyOf(
              bytes, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8, bytes.length * 2L)));
    }
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
      firstRows = Arrays.copyOf(firstRows, count * 2);
    }
    starts[count] = size;
    firstRows[count] = firstRow;
    count++;
    size += NativeCompression.compress(raw, 0, length, bytes, size);
  }

  /**
   * The compressed bytes; {@code [0, size())} are the content. Valid until the next {@link #add}.
   */
  byte[] array() {
    return bytes;
  }

  /** Compressed bytes held. */
  int size() {
    return size;
  }

  /** Capacity of the array: what this instance keeps allocated. */
  int capacity() {
    return bytes.length;
  }

  int blockCount() {
    return count;
  }

  /** Where block {@code block} starts in {@link #array()}. */
  int start(int block) {
    return starts[block];
  }

  /** Where block {@code block} ends in {@link #array()}. */
  int end(int block) {
    return block + 1 == count ? size : starts[block + 1];
  }

  /** The first row of block {@code block}. */
  int firstRow(int block) {
    return firstRows[block];
  }

  /** The block holding row {@code row} (which must be in one). */
  int blockOf(int row) {
    int i = Arrays.binarySearch(firstRows, 0, count, row);
    return i >= 0 ? i : -i - 2;
  }

  /** Empties it; keeps the array. */
  void reset() {
    size = 0;
    count = 0;
  }
}
