package io.loghaul.clickhouse;

import io.loghaul.loadtest.LogRecordGenerator;
import io.loghaul.pipeline.RecordDecoder;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.SchemaLimits;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The consumer thread's share of batching one accepted record: {@link Batch#add} (the RowBinary
 * row, where it came from, and whatever the batch does to hold them), on realistic mixed records,
 * with a batch recycled every {@value #ROWS_PER_BATCH} rows as the pipeline does. One operation =
 * one record. The records are decoded once in setup: decoding is {@code RecordPathBenchmark}'s
 * business.
 *
 * <p>Full blocks are compressed on the pool's background threads; the score is what the adding
 * thread achieves, waiting for them when they fall behind, so on a machine without a spare core it
 * measures the compression too. The consumer thread's own CPU per record is the figure that matters
 * for the pipeline (BENCHMARKS.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BatchAddBenchmark {
  static final int RECORDS = 4096;
  static final int ROWS_PER_BATCH = 100_000;

  private final LogEntry[] entries = new LogEntry[RECORDS];
  private final ConsumerRecord<byte[], byte[]>[] records = newRecords();
  private BatchPool pool;
  private Batch batch;
  private int next;

  @SuppressWarnings("unchecked")
  private static ConsumerRecord<byte[], byte[]>[] newRecords() {
    return new ConsumerRecord[RECORDS];
  }

  @Setup
  public void setUp() {
    long now = System.currentTimeMillis();
    LogRecordGenerator g = new LogRecordGenerator(42, now, true);
    RecordDecoder decoder = new RecordDecoder(SchemaLimits.defaults());
    for (int i = 0; i < RECORDS; i++) {
      byte[] value = g.next();
      LogEntry e = new LogEntry();
      if (!(decoder.decode(value, new RecordHeaders(), now, e) instanceof Accepted)) {
        throw new IllegalStateException("generated record rejected");
      }
      entries[i] = e;
      records[i] = new ConsumerRecord<>("logs", 0, i, null, value);
    }
    pool =
        BatchMemory.pool(
            new RowBinaryEncoder(ServerProfile.LEGACY), ROWS_PER_BATCH, 64L << 20, false);
    batch = pool.open(0);
  }

  @Benchmark
  public int add() {
    if (batch.rowCount() == ROWS_PER_BATCH) {
      pool.recycle(batch);
      batch = pool.open(0);
    }
    int i = next++ & (RECORDS - 1);
    batch.add(entries[i], records[i]);
    return batch.byteSize();
  }
}
