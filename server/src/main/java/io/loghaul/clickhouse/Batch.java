package io.loghaul.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.bytes.BlockCompressor;
import io.loghaul.record.Traceparent;
import io.loghaul.schema.LogEntry;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.InterruptException;

/**
 * Rows on their way into one ClickHouse INSERT, held compressed: the RowBinary rows in ClickHouse's
 * native LZ4 blocks ({@link CompressedBlocks}: the INSERT body, ready to send), where each row
 * ends, and the position of the Kafka record each row came from ({@link RowOrigins}, so a row
 * ClickHouse refuses can be reported by position and its record read back). Rows are encoded into a
 * raw block of about {@value #BLOCK_BYTES} bytes that, once full, is handed to a {@link
 * BlockCompressor} (compressed on its thread, in order, so the consumer thread only encodes), so a
 * batch's memory ({@link #byteSize()}, what {@code batch.max-bytes} bounds) is a fraction of its
 * rows' size and the rows per INSERT (ClickHouse's parts) no longer grow with the heap. It is
 * {@link #finished() finished} once ClickHouse acknowledged every row or refused it as bad data
 * ({@link #refused()}).
 *
 * <p>When built with trace links on, it also keeps the {@code traceparent} headers of up to {@link
 * #MAX_TRACE_LINKS} distinct traces among its records (the raw header bytes; parsed only when the
 * insert span is built), so the insert span can link to the traces that produced its rows.
 *
 * <p>Filled by the consumer thread, then handed to the {@link BatchInserter} and never touched by
 * the consumer again except for {@link #finished()} and {@link #refused()}; the handover goes
 * through the inserter's executor, and the outcome is published by the volatile write of {@link
 * #finished()}. The compressed blocks are written by the compressor's thread and read only after
 * {@link #seal()} waited for every one.
 */
public final class Batch implements RowBatch {
  /**
   * Most distinct traces one insert span links to: enough to find the callers, bounded for the
   * span.
   */
  public static final int MAX_TRACE_LINKS = 32;

  /** The raw block of rows is compressed once it holds this many bytes. */
  static final int BLOCK_BYTES = NativeCompression.MAX_BLOCK_BYTES;

  /**
   * A batch is full at this many uncompressed bytes whatever it holds: RowBinary offsets are ints,
   * and very compressible rows must not make an INSERT of gigabytes.
   */
  static final long MAX_RAW_BYTES = 1L << 30;

  /** An INSERT body: {@code array[offset, offset + length)}, {@code rawBytes} uncompressed. */
  record Body(byte[] array, int offset, int length, long rawBytes) {}

  private final RowBinaryEncoder encoder;
  private final Map<String, byte[]> topicNames;
  private final BlockCompressor<RowBuffer> compressor;
  private RowBuffer rows; // the raw block being filled; null once sealed
  private final CompressedBlocks blocks; // written by the compressor
  private CompletableFuture<Void> compressed = BlockCompressor.none(); // the last block handed over
  private final AtomicLong held = new AtomicLong(); // compressed + waiting raw bytes
  private final RowOrigins origins;
  private int blockFirstRow; // the first row of the raw block
  private long sealedRawBytes; // uncompressed bytes of the compressed blocks
  private final boolean traceLinks;
  private byte[][] traceparents;
  private int traceCount;
  private int[] rowEnds; // where each row ends in its block
  private int rowCount;
  private final long createdNanos;
  private String lastTopic;
  private byte[] lastTopicUtf8;
  private final List<RefusedRow> refused = new ArrayList<>(0);
  private volatile boolean finished;
  private volatile Throwable failure;

  /**
   * @param topicNames UTF-8 topic names, shared by the batches of one pool (consumer thread only)
   */
  Batch(
      RowBinaryEncoder encoder,
      Map<String, byte[]> topicNames,
      BlockCompressor<RowBuffer> compressor,
      CompressedBlocks blocks,
      RowOrigins origins,
      int expectedRows,
      long createdNanos,
      boolean traceLinks) {
    this.encoder = encoder;
    this.topicNames = topicNames;
    this.compressor = compressor;
    this.rows = compressor.buffer();
    rows.reset();
    this.blocks = blocks;
    this.origins = origins;
    this.traceLinks = traceLinks;
    this.rowEnds = new int[Math.max(16, Math.min(expectedRows, 1 << 16))];
    this.createdNanos = createdNanos;
  }

  @Override
  public void add(LogEntry entry, ConsumerRecord<?, ?> source) {
    encoder.encode(entry, topicUtf8(source.topic()), source.partition(), source.offset(), rows);
    origins.add(source.topic(), source.partition(), source.offset());
    endRow(source);
  }

  private byte[] topicUtf8(String topic) {
    // the consumer hands out one String instance per topic: identity is the common case
    if (topic != lastTopic) {
      lastTopicUtf8 = topicNames.computeIfAbsent(topic, t -> t.getBytes(UTF_8));
      lastTopic = topic;
    }
    return lastTopicUtf8;
  }

  /** Ends the row just encoded into the buffer from {@code record}. */
  private void endRow(ConsumerRecord<?, ?> record) {
    if (rowCount == rowEnds.length) {
      rowEnds = Arrays.copyOf(rowEnds, rowCount * 2);
    }
    rowEnds[rowCount] = rows.size();
    rowCount++;
    if (traceLinks && traceCount < MAX_TRACE_LINKS) {
      noteTrace(record);
    }
    if (rows.size() >= BLOCK_BYTES) {
      try {
        handOver();
      } catch (InterruptedException e) {
        throw new InterruptException(e);
      }
      rows = compressor.buffer();
      rows.reset();
    }
  }

  /** Hands the raw block to the compressor, which appends it to {@link #blocks}. */
  private void handOver() throws InterruptedException {
    RowBuffer full = rows;
    int length = full.size();
    int firstRow = blockFirstRow;
    compressed =
        compressor.handOver(
            compressed,
            full,
            b -> {
              int before = blocks.size();
              blocks.add(b.array(), length, firstRow);
              held.addAndGet(blocks.size() - before - length);
            });
    rows = null;
    held.addAndGet(length);
    sealedRawBytes += length;
    blockFirstRow = rowCount;
  }

  /**
   * Compresses the rest of the rows and waits until every block is compressed: the batch is then
   * complete, ready for {@link #body}. Once only, on the inserter thread.
   *
   * @throws IllegalStateException if compressing a block failed
   */
  void seal() throws InterruptedException {
    if (rows != null) {
      if (rowCount > blockFirstRow) {
        handOver();
      } else {
        compressor.recycle(rows);
        rows = null;
      }
    }
    BlockCompressor.await(compressed);
  }

  private void noteTrace(ConsumerRecord<?, ?> record) {
    byte[] tp = Traceparent.header(record.headers());
    if (tp == null) {
      return;
    }
    if (traceparents == null) {
      traceparents = new byte[MAX_TRACE_LINKS][];
    }
    // newest first: the records of one OTLP request are adjacent and share a trace
    for (int i = traceCount - 1; i >= 0; i--) {
      if (Traceparent.sameTrace(traceparents[i], tp)) {
        return;
      }
    }
    traceparents[traceCount++] = tp;
  }

  /**
   * The distinct, valid trace contexts found in the records' headers (at most {@link
   * #MAX_TRACE_LINKS}).
   */
  List<SpanContext> traceLinks() {
    List<SpanContext> out = new ArrayList<>(traceCount);
    for (int i = 0; i < traceCount; i++) {
      SpanContext ctx = Traceparent.spanContext(traceparents[i]);
      if (ctx != null) {
        out.add(ctx);
      }
    }
    return out;
  }

  @Override
  public int rowCount() {
    return rowCount;
  }

  /**
   * Bytes the batch holds: the compressed rows, the raw blocks being filled or compressed, and the
   * rows' origins.
   */
  @Override
  public int byteSize() {
    return (int)
        Math.min(
            Integer.MAX_VALUE,
            held.get() + rawBlockBytes() + (long) rowCount * RowOrigins.BYTES_PER_ROW);
  }

  /** Uncompressed RowBinary bytes of the rows. */
  long rawBytes() {
    return sealedRawBytes + rawBlockBytes();
  }

  private int rawBlockBytes() {
    return rows == null ? 0 : rows.size();
  }

  @Override
  public boolean overfull() {
    return rawBytes() >= MAX_RAW_BYTES;
  }

  @Override
  public long createdNanos() {
    return createdNanos;
  }

  /**
   * The compressed INSERT body of rows {@code [from, to)}, once {@link #seal() sealed}: the batch's
   * own blocks when that is every row; otherwise blocks wholly in the range are copied as they are
   * and the rows of the others are decompressed and compressed again (the bad-row split, rare).
   */
  Body body(int from, int to) {
    if (from < 0 || to > rowCount || from >= to || rows != null || !compressed.isDone()) {
      throw new IllegalStateException(
          "rows " + from + ".." + to + " of " + rowCount + ", sealed: " + (rows == null));
    }
    if (from == 0 && to == rowCount) {
      return new Body(blocks.array(), 0, blocks.size(), sealedRawBytes);
    }
    int first = blocks.blockOf(from);
    int last = blocks.blockOf(to - 1);
    int bound = 0;
    for (int b = first; b <= last; b++) {
      if (from <= blocks.firstRow(b) && to >= endRow(b)) {
        bound += blocks.end(b) - blocks.start(b);
      } else {
        bound += NativeCompression.maxCompressedLength(rowEnds[endRow(b) - 1]);
      }
    }
    byte[] out = new byte[bound];
    int length = 0;
    long raw = 0;
    for (int b = first; b <= last; b++) {
      int firstRow = blocks.firstRow(b);
      int endRow = endRow(b);
      int blockRaw = rowEnds[endRow - 1];
      if (from <= firstRow && to >= endRow) {
        int n = blocks.end(b) - blocks.start(b);
        System.arraycopy(blocks.array(), blocks.start(b), out, length, n);
        length += n;
        raw += blockRaw;
      } else {
        byte[] block =
            NativeCompression.decompress(
                blocks.array(), blocks.start(b), blocks.end(b) - blocks.start(b));
        int a = Math.max(from, firstRow);
        int start = a == firstRow ? 0 : rowEnds[a - 1];
        int end = rowEnds[Math.min(to, endRow) - 1];
        length += NativeCompression.compress(block, start, end - start, out, length);
        raw += end - start;
      }
    }
    return new Body(out, 0, length, raw);
  }

  /** The row after the last of block {@code b}. */
  private int endRow(int b) {
    return b + 1 == blocks.blockCount() ? rowCount : blocks.firstRow(b + 1);
  }

  /** The {@link DeduplicationToken} of rows {@code from}..{@code to} (exclusive). */
  String deduplicationToken(int from, int to) {
    return DeduplicationToken.of(origins, from, to);
  }

  /** Notes that ClickHouse refused row {@code row}; inserter thread, before {@link #finish()}. */
  void refuse(int row, String reason) {
    refused.add(new RefusedRow(origins.topicPartition(row), origins.offset(row), reason));
  }

  /** Publishes the outcome: every row is stored or refused. */
  void finish() {
    finished = true;
  }

  @Override
  public boolean finished() {
    return finished;
  }

  /** Publishes that inserting the batch failed unexpectedly: it never finishes. Inserter thread. */
  void fail(Throwable e) {
    failure = e;
  }

  @Override
  public Throwable failure() {
    return failure;
  }

  @Override
  public List<RefusedRow> refused() {
    return finished ? List.copyOf(refused) : List.of();
  }

  /**
   * Empties the batch and returns its buffers for reuse, once blocks still being compressed are
   * (whatever the outcome); what {@link #refused()} reports stays.
   */
  void release(BatchPool pool) {
    compressed.exceptionally(e -> null).join();
    if (rows != null) {
      compressor.recycle(rows);
      rows = null;
    }
    rowCount = 0;
    traceparents = null;
    traceCount = 0;
    blocks.reset();
    held.set(0);
    blockFirstRow = 0;
    sealedRawBytes = 0;
    origins.reset();
    pool.recycle(blocks, origins);
  }
}
