package io.loghaul.schema;

import io.loghaul.loadtest.LogRecordGenerator;
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
 * Strict parse + validate of one JSON LogEntry ({@link LogEntryParser}) against two Jackson
 * baselines on the same generated records: databind into a POJO ({@link JacksonBaseline}), and the
 * streaming parser doing the strict parser's checks as far as Jackson allows ({@link
 * JacksonStreamingBaseline}). One operation = one record, so ops/s is records/s on one core. {@code
 * records}: {@code mixed} = the realistic 150 B–2 KB mix, {@code small} = ~220-byte records.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParseBenchmark {
  static final int RECORDS = 4096;

  @Param({"small", "mixed"})
  public String records;

  private byte[][] values;
  private int next;
  private long nowMillis;
  private final LogEntry entry = new LogEntry();
  private final LogEntryParser parser = new LogEntryParser(SchemaLimits.defaults());
  private final JacksonStreamingBaseline streaming =
      new JacksonStreamingBaseline(SchemaLimits.defaults());

  @Setup
  public void setUp() {
    nowMillis = System.currentTimeMillis();
    values = generate(records, nowMillis);
    for (byte[] v : values) {
      if (!(parser.parse(v, 0, v.length, nowMillis, entry) instanceof Accepted)
          || JacksonBaseline.parse(v) == null
          || streaming.parse(v, nowMillis) == null) {
        throw new IllegalStateException(
            "generated record rejected: " + new String(v, StandardCharsets.UTF_8));
      }
    }
  }

  static byte[][] generate(String kind, long nowMillis) {
    LogRecordGenerator g = new LogRecordGenerator(42, nowMillis, true);
    byte[][] out = new byte[RECORDS][];
    for (int i = 0; i < RECORDS; i++) {
      out[i] =
          switch (kind) {
            case "small" -> g.ofSize(220);
            case "mixed" -> g.next();
            default ->
                throw new IllegalArgumentException(
                    "records: " + kind + " (expected: small or mixed)");
          };
    }
    return out;
  }

  @Benchmark
  public ParseResult strictParse() {
    byte[] v = values[next++ & (RECORDS - 1)];
    return parser.parse(v, 0, v.length, nowMillis, entry);
  }

  @Benchmark
  public Object jacksonDatabind() {
    return JacksonBaseline.parse(values[next++ & (RECORDS - 1)]);
  }

  @Benchmark
  public Object jacksonStreaming() {
    byte[] v = values[next++ & (RECORDS - 1)];
    return streaming.parse(v, nowMillis);
  }
}
