package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.clickhouse.RefusedRow;
import io.loghaul.clickhouse.RowBatch;
import io.loghaul.clickhouse.RowSink;
import io.loghaul.record.UncommittedRows;
import io.loghaul.schema.LogEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link RowSink} in memory, for pipeline tests: keeps every submitted batch; a batch finishes at
 * once ({@link #finishAtOnce}) or when the test calls {@link #finishWriting()}, refusing the rows
 * the test named ({@link #refuse}). Answers the crash-replay question from {@link #holdBefore}. Not
 * thread-safe: tests drive the pipeline on their own thread.
 */
final class MemorySink implements RowSink {
  /** One row as the sink saw it. */
  record Row(TopicPartition partition, long offset, String message) {}

  /** A batch of rows in memory. */
  static final class Batch implements RowBatch {
    final List<Row> rows = new ArrayList<>();

    private final long createdNanos;
    private int bytes;
    private final List<RefusedRow> refused = new ArrayList<>();
    private volatile boolean finished;
    private volatile Throwable failure;

    Batch(long createdNanos) {
      this.createdNanos = createdNanos;
    }

    @Override
    public void add(LogEntry entry, ConsumerRecord<?, ?> source) {
      rows.add(
          new Row(
              new TopicPartition(source.topic(), source.partition()),
              source.offset(),
              new String(entry.arena(), entry.messageOffset(), entry.messageLength(), UTF_8)));
      bytes += Math.max(0, source.serializedValueSize());
    }

    @Override
    public int rowCount() {
      return rows.size();
    }

    @Override
    public int byteSize() {
      return bytes;
    }

    @Override
    public long createdNanos() {
      return createdNanos;
    }

    @Override
    public boolean finished() {
      return finished;
    }

    @Override
    public List<RefusedRow> refused() {
      return finished ? List.copyOf(refused) : List.of();
    }

    @Override
    public Throwable failure() {
      return failure;
    }
  }

  final List<Batch> submitted = new ArrayList<>();

  /** Every crash-replay question asked: partition and the rows named. */
  final List<Map.Entry<TopicPartition, UncommittedRows>> asked = new ArrayList<>();

  private final Set<Row> toRefuse = new HashSet<>();
  private final Map<TopicPartition, long[]> held = new HashMap<>();
  private boolean finishAtOnce;
  private Runnable onSubmit = () -> {};
  private Batch writing;

  /** Finishes each batch as it is submitted. */
  MemorySink finishAtOnce() {
    finishAtOnce = true;
    return this;
  }

  /** Runs {@code r} whenever a batch is submitted, before it is written. */
  MemorySink onSubmit(Runnable r) {
    onSubmit = r;
    return this;
  }

  /** Refuses the row read from {@code partition} at {@code offset} as bad data. */
  MemorySink refuse(TopicPartition partition, long offset) {
    toRefuse.add(new Row(partition, offset, null));
    return this;
  }

  /** Pretends {@code offsets} of {@code partition} were written before a crash. */
  MemorySink holdBefore(TopicPartition partition, long... offsets) {
    held.put(partition, offsets.clone());
    return this;
  }

  @Override
  public RowBatch open(long nowNanos) {
    return new Batch(nowNanos);
  }

  @Override
  public boolean idle() {
    return writing == null;
  }

  @Override
  public void submit(RowBatch batch) {
    if (writing != null) {
      throw new IllegalStateException("a batch is already being written");
    }
    onSubmit.run();
    writing = (Batch) batch;
    submitted.add(writing);
    if (finishAtOnce) {
      finishWriting();
    }
  }

  /** Whether a batch was submitted and not finished. */
  boolean writing() {
    return writing != null;
  }

  /** Finishes the batch being written: stores its rows, refusing those named by {@link #refuse}. */
  void finishWriting() {
    Batch b = writing;
    for (int i = 0; i < b.rows.size(); i++) {
      Row row = b.rows.get(i);
      if (toRefuse.contains(new Row(row.partition(), row.offset(), null))) {
        b.refused.add(new RefusedRow(row.partition(), row.offset(), "refused by the test"));
      }
    }
    writing = null;
    b.finished = true;
  }

  /**
   * Fails the batch being written with {@code error}, as an unexpected error on an inserter thread
   * would: it never finishes, and the sink is free again.
   */
  void failWriting(Throwable error) {
    Batch b = writing;
    writing = null;
    b.failure = error;
  }

  /**
   * Offsets of {@code partition} stored by finished batches (refused rows excluded), in write
   * order.
   */
  List<Long> stored(TopicPartition partition) {
    List<Long> out = new ArrayList<>();
    for (Batch b : submitted) {
      if (!b.finished) {
        continue;
      }
      Set<Long> refused = new HashSet<>();
      b.refused.stream()
          .filter(r -> r.partition().equals(partition))
          .forEach(r -> refused.add(r.offset()));
      for (Row row : b.rows) {
        if (row.partition().equals(partition) && !refused.contains(row.offset())) {
          out.add(row.offset());
        }
      }
    }
    return out;
  }

  @Override
  public long[] storedOffsets(TopicPartition partition, UncommittedRows rows) {
    asked.add(Map.entry(partition, rows));
    long[] offsets = held.getOrDefault(partition, new long[0]);
    return Arrays.stream(offsets)
        .filter(o -> o >= rows.firstOffset() && o <= rows.lastOffset())
        .sorted()
        .toArray();
  }
}
