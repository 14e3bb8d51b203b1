package io.loghaul.clickhouse;

import io.loghaul.loadtest.LogRecordGenerator;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryParser;
import io.loghaul.schema.SchemaLimits;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Compression of one INSERT body: a RowBinary batch of {@value #ROWS} realistic rows (about 2.5
 * MB), in ClickHouse's native LZ4 blocks with CityHash128 checksums ({@link NativeCompression},
 * what loghaul sends) against gzip level 1 (the HTTP {@code Content-Encoding} alternative, the
 * baseline). One operation = one row's share of the batch, so ns/op compares with the other
 * benchmarks; the results table also gives the compression ratio.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompressionBenchmark {
  static final int ROWS = 4096;

  private final RowBuffer batch = new RowBuffer(4 << 20);
  private byte[] dst;
  private final Deflater deflater = new Deflater(1, true);

  @Setup
  public void setUp() {
    long now = System.currentTimeMillis();
    LogRecordGenerator g = new LogRecordGenerator(42, now, true);
    LogEntryParser parser = new LogEntryParser(SchemaLimits.defaults());
    RowBinaryEncoder encoder = new RowBinaryEncoder(ServerProfile.LEGACY);
    LogEntry entry = new LogEntry();
    byte[] topic = "logs".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < ROWS; i++) {
      byte[] v = g.next();
      parser.parse(v, 0, v.length, now, entry);
      encoder.encode(entry, topic, 0, i, batch);
    }
    dst =
        new byte
            [Math.max(
                NativeCompression.maxCompressedLength(batch.size()), batch.size() * 2 + 1024)];
    System.out.printf(
        "%nbatch: %d bytes; lz4 native: %d bytes; gzip-1: %d bytes%n",
        batch.size(), lz4Native(), gzip1());
  }

  @TearDown
  public void tearDown() {
    deflater.end();
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int lz4Native() {
    return NativeCompression.compress(batch.array(), 0, batch.size(), dst);
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int gzip1() {
    deflater.reset();
    deflater.setInput(batch.array(), 0, batch.size());
    deflater.finish();
    int n = 0;
    while (!deflater.finished()) {
      n += deflater.deflate(dst, n, dst.length - n);
    }
    return n;
  }
}
