package io.loghaul.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.record.SourceRecords;
import io.loghaul.record.Traceparent;
import io.loghaul.schema.LogEntry;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Rows on their way into one ClickHouse INSERT: the RowBinary bytes, where each row ends, and a
 * copy of the Kafka record each row came from ({@link SourceRecords}, so a row ClickHouse refuses
 * can be reported with its original bytes). It is {@link #finished() finished} once ClickHouse
 * acknowledged every row or refused it as bad data ({@link #refused()}).
 *
 * <p>When built with trace links on, it also keeps the {@code traceparent} headers of up to {@link
 * #MAX_TRACE_LINKS} distinct traces among its records (the raw header bytes; parsed only when the
 * insert span is built), so the insert span can link to the traces that produced its rows.
 *
 * <p>Filled by the consumer thread, then handed to the {@link BatchInserter} and never touched by
 * the consumer again except for {@link #finished()} and {@link #refused()}; the handover goes
 * through the inserter's executor, and the outcome is published by the volatile write of {@link
 * #finished()}.
 */
public final class Batch implements RowBatch {
  /**
   * Most distinct traces one insert span links to: enough to find the callers, bounded for the
   * span.
   */
  public static final int MAX_TRACE_LINKS = 32;

  private final RowBinaryEncoder encoder;
  private final Map<String, byte[]> topicNames;
  private final RowBuffer rows;
  private final SourceRecords sources;
  private final boolean traceLinks;
  private byte[][] traceparents;
  private int traceCount;
  private int[] rowEnds;
  private int rowCount;
  private final long createdNanos;
  private String lastTopic;
  private byte[] lastTopicUtf8;
  private final List<RefusedRow> refused = new ArrayList<>(0);
  private volatile boolean finished;

  /**
   * @param topicNames UTF-8 topic names, shared by the batches of one pool (consumer thread only)
   */
  Batch(
      RowBinaryEncoder encoder,
      Map<String, byte[]> topicNames,
      RowBuffer rows,
      SourceRecords sources,
      int expectedRows,
      long createdNanos,
      boolean traceLinks) {
    this.encoder = encoder;
    this.topicNames = topicNames;
    this.rows = rows;
    this.sources = sources;
    this.traceLinks = traceLinks;
    this.rowEnds = new int[Math.max(16, Math.min(expectedRows, 1 << 16))];
    this.createdNanos = createdNanos;
  }

  @Override
  public void add(
      LogEntry entry,
      ConsumerRecord<?, ?> source,
      byte[] key,
      int keyOffset,
      int keyLength,
      byte[] value,
      int valueOffset,
      int valueLength) {
    encoder.encode(entry, topicUtf8(source.topic()), source.partition(), source.offset(), rows);
    sources.add(source, key, keyOffset, keyLength, value, valueOffset, valueLength);
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

  /**
   * Ends the row just encoded into the buffer (and copied into the sources) from {@code record}.
   */
  private void endRow(ConsumerRecord<?, ?> record) {
    if (rowCount == rowEnds.length) {
      rowEnds = Arrays.copyOf(rowEnds, rowCount * 2);
    }
    rowEnds[rowCount] = rows.size();
    rowCount++;
    if (traceLinks && traceCount < MAX_TRACE_LINKS) {
      noteTrace(record);
    }
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

  @Override
  public int byteSize() {
    return rows.size();
  }

  @Override
  public long createdNanos() {
    return createdNanos;
  }

  int rowStart(int row) {
    return row == 0 ? 0 : rowEnds[row - 1];
  }

  byte[] bytes() {
    return rows.array();
  }

  /** The {@link DeduplicationToken} of rows {@code from}..{@code to} (exclusive). */
  String deduplicationToken(int from, int to) {
    return DeduplicationToken.of(sources, from, to);
  }

  /** Notes that ClickHouse refused row {@code row}; inserter thread, before {@link #finish()}. */
  void refuse(int row, String reason) {
    refused.add(new RefusedRow(sources.get(row), reason));
  }

  /** Publishes the outcome: every row is stored or refused. */
  void finish() {
    finished = true;
  }

  @Override
  public boolean finished() {
    return finished;
  }

  @Override
  public List<RefusedRow> refused() {
    return finished ? List.copyOf(refused) : List.of();
  }

  /** Empties the batch and returns its buffers for reuse; what {@link #refused()} reports stays. */
  void release(BatchPool pool) {
    rowCount = 0;
    traceparents = null;
    traceCount = 0;
    sources.reset();
    pool.recycle(rows, sources);
  }
}
