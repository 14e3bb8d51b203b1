package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import io.loghaul.bytes.BlockCompressor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Opens {@link Batch}es and recycles the large buffers of finished ones (compressed rows and their
 * origins) so steady-state batching allocates no new multi-megabyte arrays; at most two sets are
 * kept (one batch filling, one inserting). Its batches' full raw blocks are compressed by a {@link
 * BlockCompressor} on its own thread, which also recycles the raw blocks. Thread-safe: the inserter
 * returns buffers, the consumer takes them.
 */
public final class BatchPool {
  private record Buffers(CompressedBlocks blocks, RowOrigins origins) {}

  private final BlockCompressor<RowBuffer> rowCompressor =
      new BlockCompressor<>(
          "loghaul-compress-rows", () -> new RowBuffer(Batch.BLOCK_BYTES + (64 << 10)));

  private final ConcurrentLinkedQueue<Buffers> free = new ConcurrentLinkedQueue<>();
  private final Map<String, byte[]> topicNames = new ConcurrentHashMap<>();
  private final RowBinaryEncoder encoder;
  private final int expectedRows;
  private final int initialBytes;
  private final boolean traceLinks;

  /**
   * @param encoder how rows are written, for the table's server profile
   * @param expectedRows rows a batch makes room for up front
   * @param initialBytes size of a new batch's compressed rows
   * @param traceLinks whether batches keep their records' traceparents for the insert span's links
   */
  public BatchPool(
      RowBinaryEncoder encoder, int expectedRows, int initialBytes, boolean traceLinks) {
    this.encoder = requireNonNull(encoder, "encoder");
    this.expectedRows = expectedRows;
    this.initialBytes = initialBytes;
    this.traceLinks = traceLinks;
  }

  /** A new empty batch, opened at {@code nowNanos}. */
  public Batch open(long nowNanos) {
    Buffers b = free.poll();
    if (b == null) {
      b = new Buffers(new CompressedBlocks(initialBytes), new RowOrigins(expectedRows));
    }
    return new Batch(
        encoder,
        topicNames,
        rowCompressor,
        b.blocks(),
        b.origins(),
        expectedRows,
        nowNanos,
        traceLinks);
  }

  void recycle(Batch batch) {
    batch.release(this);
  }

  void recycle(CompressedBlocks blocks, RowOrigins origins) {
    if (free.size() < 2) {
      free.add(new Buffers(blocks, origins));
    }
  }
}
