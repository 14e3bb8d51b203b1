package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.loghaul.schema.Level;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class OtlpLogDecoderProperties {
  static final long RECEIVE_NANOS = RandomOtlp.NOW_NANOS + 7;
  static final SchemaLimits TIGHT = new SchemaLimits(SchemaLimits.DEFAULT_MAX_RECORD_BYTES, 20, 40, 5, 10, 24, 3,
      SchemaLimits.DEFAULT_MAX_AGE_SECONDS, SchemaLimits.DEFAULT_MAX_FUTURE_SECONDS);

  /** What one record came out as: the result and everything the entry holds. */
  record Mapped(ParseResult result, long timestampNanos, Level level, String serviceName, String message,
      String traceId, String spanId, List<Map.Entry<String, String>> attributes) {
    static Mapped of(ParseResult result, LogEntry e) {
      List<Map.Entry<String, String>> attributes = new ArrayList<>();
      for (int i = 0; i < e.attributeCount(); i++) {
        attributes.add(Map.entry(e.attributeKey(i), e.attributeValue(i)));
      }
      return new Mapped(result, e.timestampNanos(), e.level(), e.serviceName(), e.message(), e.traceId(),
          e.spanId(), attributes);
    }
  }

  static List<Mapped> decode(OtlpLogDecoder decoder, byte[] bytes) throws InvalidProtocolBufferException {
    List<Mapped> out = new ArrayList<>();
    decoder.decode(bytes, 0, bytes.length, RECEIVE_NANOS, RandomOtlp.NOW_MILLIS, new LogEntry(),
        (result, e) -> out.add(Mapped.of(result, e)));
    return out;
  }

  static List<Mapped> objectTreePath(SchemaLimits limits, byte[] bytes) throws InvalidProtocolBufferException {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(bytes);
    ObjectTreeOracle oracle = new ObjectTreeOracle(limits);
    LogEntry entry = new LogEntry();
    List<Mapped> out = new ArrayList<>();
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord record : sl.getLogRecordsList()) {
          ParseResult result = oracle.map(rl.getResource(), sl.getScope(), record, RECEIVE_NANOS,
              RandomOtlp.NOW_MILLIS, entry);
          out.add(Mapped.of(result, entry));
        }
      }
    }
    return out;
  }

  @Property(tries = 3000)
  void decodesLikeProtobufJavaAndTheObjectTreeMapping(@ForAll long seed, @ForAll boolean scramble,
      @ForAll boolean tight) throws InvalidProtocolBufferException {
    Random random = new Random(seed);
    RandomOtlp gen = new RandomOtlp(random);
    ExportLogsServiceRequest request = gen.request();
    byte[] bytes = scramble ? gen.scrambled(request) : request.toByteArray();
    SchemaLimits limits = tight ? TIGHT : SchemaLimits.defaults();

    assertThat(decode(new OtlpLogDecoder(limits), bytes)).isEqualTo(objectTreePath(limits, bytes));
  }

  @Property(tries = 3000)
  void rejectsExactlyTheBytesProtobufJavaRejects(@ForAll long seed, @ForAll @IntRange(min = 0, max = 4) int kind,
      @ForAll @IntRange(min = 0, max = 100_000) int where, @ForAll byte value) throws InvalidProtocolBufferException {
    RandomOtlp gen = new RandomOtlp(new Random(seed));
    byte[] valid = gen.scrambled(gen.request());
    if (valid.length == 0) {
      return;
    }
    int at = where % valid.length;
    byte[] mutated = switch (kind) {
      case 0 -> {
        byte[] m = valid.clone();
        m[at] ^= (byte) (value == 0 ? 1 : value);
        yield m;
      }
      case 1 -> {
        byte[] m = new byte[valid.length + 1];
        System.arraycopy(valid, 0, m, 0, at);
        m[at] = value;
        System.arraycopy(valid, at, m, at + 1, valid.length - at);
        yield m;
      }
      case 2 -> {
        byte[] m = new byte[valid.length - 1];
        System.arraycopy(valid, 0, m, 0, at);
        System.arraycopy(valid, at + 1, m, at, valid.length - at - 1);
        yield m;
      }
      case 3 -> {
        byte[] m = valid.clone();
        m[at] = value;
        yield m;
      }
      default -> Arrays.copyOf(valid, at);
    };
    List<Mapped> expected;
    try {
      expected = objectTreePath(SchemaLimits.defaults(), mutated);
    } catch (InvalidProtocolBufferException e) {
      expected = null;
    }
    List<Mapped> actual;
    try {
      actual = decode(new OtlpLogDecoder(SchemaLimits.defaults()), mutated);
    } catch (InvalidProtocolBufferException e) {
      actual = null;
    }
    assertThat(actual).isEqualTo(expected);
  }
}
