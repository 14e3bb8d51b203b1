package io.loghaul.pipeline;

import io.loghaul.clickhouse.RowBinaryEncoder;
import io.loghaul.clickhouse.RowBuffer;
import io.loghaul.clickhouse.ServerProfile;
import io.loghaul.loadtest.LogRecordGenerator;
import io.loghaul.record.RecordContract;
import io.loghaul.redaction.RedactionObserver;
import io.loghaul.redaction.RedactionRules;
import io.loghaul.redaction.Redactor;
import io.loghaul.redaction.RulesFileException;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.JacksonBaseline;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryProtoCodec;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.SchemaLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole per-record path of the pipeline: the bytes of a Kafka record value (JSON, or the
 * protobuf written by OTLP ingest) → {@link RecordDecoder} → {@link RowBinaryEncoder} into the
 * batch buffer. The baseline does the same with Jackson databind and {@code String.getBytes}. One
 * operation = one record; the realistic 150 B–2 KB mix.
 *
 * <p>Redaction (docs/redaction.md) is measured against {@link #decodeAndEncode} in the same run:
 * {@link #decodeRedactEncodeNoRules} is the pipeline's path with no rules file (a null redactor),
 * {@link #decodeRedactEncodePresets} the path with the seven presets, one rule each, on the same
 * mixed records (which hold nothing they match). The forks get {@code jdk.incubator.vector}, as
 * {@code ./loghaul run} does when a rules file is configured, so the prefilter summarises long
 * values a vector register at a time.
 */
@Fork(jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RecordPathBenchmark {
  static final int RECORDS = 4096;
  private static final byte[] TOPIC = "logs".getBytes(StandardCharsets.UTF_8);

  @Param({"json", "protobuf"})
  public String format;

  private final byte[][] values = new byte[RECORDS][];
  private final byte[][] jsonValues = new byte[RECORDS][];
  private Headers headers;
  private final LogEntry entry = new LogEntry();
  private final RecordDecoder decoder = new RecordDecoder(SchemaLimits.defaults());
  private final RowBinaryEncoder encoder = new RowBinaryEncoder(ServerProfile.LEGACY);
  private final RowBuffer buffer = new RowBuffer(16 << 20);
  private long nowMillis;
  private int next;
  private Redactor noRules;
  private Redactor presets;
  private Path rulesDir;

  static final String SEVEN_PRESETS =
      """
      rules:
        - {name: cards, preset: credit_card}
        - {name: mails, preset: email}
        - {name: v4, preset: ipv4}
        - {name: v6, preset: ipv6}
        - {name: jwts, preset: jwt}
        - {name: bearer, preset: bearer_token}
        - {name: aws, preset: aws_access_key_id}
      """;

  @Setup
  public void setUp() {
    nowMillis = System.currentTimeMillis();
    LogRecordGenerator g = new LogRecordGenerator(42, nowMillis, true);
    RecordHeaders none = new RecordHeaders();
    for (int i = 0; i < RECORDS; i++) {
      jsonValues[i] = g.next();
      if (!(decoder.decode(jsonValues[i], none, nowMillis, entry) instanceof Accepted)) {
        throw new IllegalStateException("generated record rejected");
      }
      values[i] = "json".equals(format) ? jsonValues[i] : LogEntryProtoCodec.encode(entry);
    }
    try {
      rulesDir = Files.createTempDirectory("loghaul-jmh");
      Path rules = Files.writeString(rulesDir.resolve("rules.yaml"), SEVEN_PRESETS);
      presets =
          new Redactor(
              RedactionRules.load(rules, null, RedactionObserver.NONE), SchemaLimits.defaults());
    } catch (IOException | RulesFileException e) {
      throw new IllegalStateException(e);
    }
    noRules = null;
    headers = new RecordHeaders();
    if ("protobuf".equals(format)) {
      headers.add(
          RecordContract.CONTENT_TYPE, RecordContract.PROTOBUF.getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Benchmark
  public int decodeAndEncode() {
    if (buffer.size() > (15 << 20)) {
      buffer.reset();
    }
    int i = next++;
    ParseResult r = decoder.decode(values[i & (RECORDS - 1)], headers, nowMillis, entry);
    if (r instanceof Accepted) {
      encoder.encode(entry, TOPIC, 0, i, buffer);
    }
    return buffer.size();
  }

  @TearDown
  public void tearDown() throws IOException {
    Files.deleteIfExists(rulesDir.resolve("rules.yaml"));
    Files.deleteIfExists(rulesDir);
  }

  /** The pipeline's record path without a rules file: the redactor is null. */
  @Benchmark
  public int decodeRedactEncodeNoRules() {
    return redactAndEncode(noRules);
  }

  /** The pipeline's record path with the seven presets. */
  @Benchmark
  public int decodeRedactEncodePresets() {
    return redactAndEncode(presets);
  }

  private int redactAndEncode(Redactor redactor) {
    if (buffer.size() > (15 << 20)) {
      buffer.reset();
    }
    int i = next++;
    ParseResult r = decoder.decode(values[i & (RECORDS - 1)], headers, nowMillis, entry);
    if (r instanceof Accepted) {
      if (redactor != null) {
        redactor.redact(entry);
      }
      encoder.encode(entry, TOPIC, 0, i, buffer);
    }
    return buffer.size();
  }

  /** Jackson databind, then the same RowBinary columns written from the POJO's strings. */
  @Benchmark
  public int jacksonBaseline() {
    if (buffer.size() > (15 << 20)) {
      buffer.reset();
    }
    int i = next++;
    JacksonBaseline.Entry e = JacksonBaseline.parse(jsonValues[i & (RECORDS - 1)]);
    if (e == null) {
      return -1;
    }
    long millis =
        e.timestamp instanceof Number n
            ? n.longValue()
            : OffsetDateTime.parse((String) e.timestamp).toInstant().toEpochMilli();
    buffer.writeUInt32LE(millis / 1000);
    buffer.writeUInt64LE(millis * 1_000_000L);
    string(e.serviceName);
    buffer.writeByte(3);
    string(e.message);
    string(e.traceId == null ? "" : e.traceId);
    string(e.spanId == null ? "" : e.spanId);
    Map<String, Object> attrs = e.attributes == null ? Map.of() : e.attributes;
    buffer.writeVarUInt(attrs.size());
    for (String k : attrs.keySet()) {
      string(k);
    }
    buffer.writeVarUInt(attrs.size());
    for (Object v : attrs.values()) {
      string(v instanceof String s ? s : String.valueOf(v));
    }
    buffer.writeString(TOPIC, 0, TOPIC.length);
    buffer.writeUInt32LE(0);
    buffer.writeUInt64LE(i);
    return buffer.size();
  }

  private void string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    buffer.writeString(b, 0, b.length);
  }
}
