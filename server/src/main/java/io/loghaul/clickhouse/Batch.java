package io.loghaul.clickhouse;

import io.loghaul.pipeline.Durable;
import io.loghaul.pipeline.TraceHeaders;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Rows on their way into one ClickHouse INSERT: the RowBinary bytes, where each row ends, and a
 * copy of the Kafka record each row came from ({@link SourceRecords}, so a row ClickHouse refuses
 * can be dead-lettered with its original bytes). It is {@link #isDurable() durable} once every row is acknowledged by ClickHouse
 * or by the DLQ.
 *
 * <p>When built with trace links on, it also keeps the {@code traceparent} headers of up to {@link
 * #MAX_TRACE_LINKS} distinct traces among its records (the raw header bytes; parsed only when the
 * insert span is built), so the insert span can link to the traces that produced its rows.
 *
 * <p>Filled by the consumer thread, then handed to the {@link BatchInserter} and never touched by
 * the consumer again; the handover goes through the inserter's executor, which orders the memory.
 */
public final class Batch implements Durable {
  /** Most distinct traces one insert span links to: enough to find the callers, bounded for the span. */
  public static final int MAX_TRACE_LINKS = 32;

  private final RowBuffer rows;
  private final SourceRecords sources;
  private final boolean traceLinks;
  private byte[][] traceparents;
  private int traceCount;
  private int[] rowEnds;
  private int rowCount;
  private final long createdNanos;
  private volatile boolean durable;

  Batch(RowBuffer rows, SourceRecords sources, int expectedRows, long createdNanos, boolean traceLinks) {
    this.rows = rows;
    this.sources = sources;
    this.traceLinks = traceLinks;
    this.rowEnds = new int[Math.max(16, Math.min(expectedRows, 1 << 16))];
    this.createdNanos = createdNanos;
  }

  /** Where the next row is encoded. */
  public RowBuffer buffer() {
    return rows;
  }

  /** Ends the row just encoded into {@link #buffer()}, which came from {@code record}. */
  public void endRow(ConsumerRecord<byte[], byte[]> record) {
    if (rowCount == rowEnds.length) {
      rowEnds = Arrays.copyOf(rowEnds, rowCount * 2);
    }
    rowEnds[rowCount] = rows.size();
    sources.add(record);
    rowCount++;
    if (traceLinks && traceCount < MAX_TRACE_LINKS) {
      noteTrace(record);
    }
  }

  private void noteTrace(ConsumerRecord<byte[], byte[]> record) {
    byte[] tp = TraceHeaders.traceparent(record.headers());
    if (tp == null) {
      return;
    }
    if (traceparents == null) {
      traceparents = new byte[MAX_TRACE_LINKS][];
    }
    // newest first: the records of one OTLP request are adjacent and share a trace
    for (int i = traceCount - 1; i >= 0; i--) {
      if (TraceHeaders.sameTrace(traceparents[i], tp)) {
        return;
      }
    }
    traceparents[traceCount++] = tp;
  }

  /** The distinct, valid trace contexts found in the records' headers (at most {@link #MAX_TRACE_LINKS}). */
  public List<SpanContext> traceLinks() {
    List<SpanContext> out = new ArrayList<>(traceCount);
    for (int i = 0; i < traceCount; i++) {
      SpanContext ctx = TraceHeaders.spanContext(traceparents[i]);
      if (ctx != null) {
        out.add(ctx);
      }
    }
    return out;
  }

  public int rowCount() {
    return rowCount;
  }

  public int byteSize() {
    return rows.size();
  }

  /** {@link System#nanoTime()} when the batch was opened (its first row arrived). */
  public long createdNanos() {
    return createdNanos;
  }

  int rowStart(int row) {
    return row == 0 ? 0 : rowEnds[row - 1];
  }

  /** The Kafka record row {@code row} came from, rebuilt from the batch's copy (for dead letters). */
  ConsumerRecord<byte[], byte[]> record(int row) {
    return sources.get(row);
  }

  byte[] bytes() {
    return rows.array();
  }

  void markDurable() {
    durable = true;
  }

  @Override
  public boolean isDurable() {
    return durable;
  }

  /** Empties the batch and returns its buffers for reuse. */
  void release(BatchPool pool) {
    rowCount = 0;
    traceparents = null;
    traceCount = 0;
    sources.reset();
    pool.recycle(rows, sources);
  }
}
