package io.loghaul.clickhouse;

import io.loghaul.loadtest.LogRecordGenerator;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryParser;
import io.loghaul.schema.SchemaLimits;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * RowBinary encoding of one parsed {@link LogEntry} into a reused {@link RowBuffer} (reset every 16
 * MiB, as a batch would be), for both table profiles. One operation = one row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RowBinaryBenchmark {
  static final int RECORDS = 4096;
  private static final byte[] TOPIC = "logs".getBytes(StandardCharsets.UTF_8);

  @Param({"LEGACY", "MODERN"})
  public ServerProfile profile;

  private final LogEntry[] entries = new LogEntry[RECORDS];
  private final RowBuffer buffer = new RowBuffer(16 << 20);
  private RowBinaryEncoder encoder;
  private int next;

  @Setup
  public void setUp() {
    long now = System.currentTimeMillis();
    LogRecordGenerator g = new LogRecordGenerator(42, now, true);
    LogEntryParser parser = new LogEntryParser(SchemaLimits.defaults());
    for (int i = 0; i < RECORDS; i++) {
      byte[] v = g.next();
      entries[i] = new LogEntry();
      if (!(parser.parse(v, 0, v.length, now, entries[i]) instanceof Accepted)) {
        throw new IllegalStateException("generated record rejected");
      }
    }
    encoder = new RowBinaryEncoder(profile);
  }

  @Benchmark
  public int encode() {
    if (buffer.size() > (15 << 20)) {
      buffer.reset();
    }
    int i = next++;
    encoder.encode(entries[i & (RECORDS - 1)], TOPIC, 3, i, buffer);
    return buffer.size();
  }
}
