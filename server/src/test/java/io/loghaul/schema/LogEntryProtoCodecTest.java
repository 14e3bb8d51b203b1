package io.loghaul.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.loghaul.bytes.Utf8;
import io.loghaul.proto.v1.Attribute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class LogEntryProtoCodecTest {
  private static final long NOW_MILLIS = 1_795_316_252_123L;
  private static final long TS_NANOS = NOW_MILLIS * 1_000_000L + 456_789;
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  private final LogEntryProtoCodec codec = new LogEntryProtoCodec(SchemaLimits.defaults());

  private static LogEntry sampleEntry() {
    LogEntry e = new LogEntry();
    e.setTimestampNanos(TS_NANOS);
    e.setLevel(Level.WARN);
    int s = e.appendUtf8("checkout");
    e.setServiceName(s, 8);
    byte[] msg = "payment accepted ✓ 🚀".getBytes(StandardCharsets.UTF_8);
    e.setMessage(e.appendBytes(msg, 0, msg.length), msg.length);
    System.arraycopy(TRACE.getBytes(StandardCharsets.US_ASCII), 0, e.traceIdHex(), 0, 32);
    e.setHasTraceId(true);
    System.arraycopy(SPAN.getBytes(StandardCharsets.US_ASCII), 0, e.spanIdHex(), 0, 16);
    e.setHasSpanId(true);
    addAttribute(e, "http.status", "200");
    addAttribute(e, "user", "{\"tier\":\"gold\"}");
    addAttribute(e, "long", "x".repeat(300));
    return e;
  }

  private static void addAttribute(LogEntry e, String key, String value) {
    int k = e.appendUtf8(key);
    int kl = e.arenaSize() - k;
    int v = e.appendUtf8(value);
    e.addAttribute(k, kl, v, e.arenaSize() - v);
  }

  private static io.loghaul.proto.v1.LogEntry sampleMessage() {
    return io.loghaul.proto.v1.LogEntry.newBuilder()
        .setTimestampUnixNano(TS_NANOS)
        .setServiceName("checkout")
        .setLevel(io.loghaul.proto.v1.Level.LEVEL_WARN)
        .setMessage("payment accepted ✓ 🚀")
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(TRACE)))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(SPAN)))
        .addAttributes(Attribute.newBuilder().setKey("http.status").setValue("200"))
        .addAttributes(Attribute.newBuilder().setKey("user").setValue("{\"tier\":\"gold\"}"))
        .addAttributes(Attribute.newBuilder().setKey("long").setValue("x".repeat(300)))
        .build();
  }

  @Test
  void encodesExactlyWhatTheGeneratedCodeWrites() {
    byte[] ours = LogEntryProtoCodec.encode(sampleEntry());

    assertThat(ours).isEqualTo(sampleMessage().toByteArray());
    assertThat(LogEntryProtoCodec.encodedSize(sampleEntry())).isEqualTo(ours.length);
  }

  @Test
  void generatedCodeParsesWhatWeEncode() throws Exception {
    io.loghaul.proto.v1.LogEntry parsed =
        io.loghaul.proto.v1.LogEntry.parseFrom(LogEntryProtoCodec.encode(sampleEntry()));

    assertThat(parsed).isEqualTo(sampleMessage());
  }

  @Test
  void decodesWhatTheGeneratedCodeWrites() {
    byte[] bytes = sampleMessage().toByteArray();
    byte[] padded = new byte[bytes.length + 10];
    System.arraycopy(bytes, 0, padded, 5, bytes.length);
    LogEntry into = new LogEntry();

    ParseResult result = codec.decode(padded, 5, bytes.length, NOW_MILLIS, into);

    assertThat(result).isEqualTo(Accepted.INSTANCE);
    assertThat(into.timestampNanos()).isEqualTo(TS_NANOS);
    assertThat(into.level()).isEqualTo(Level.WARN);
    assertThat(into.serviceName()).isEqualTo("checkout");
    assertThat(into.message()).isEqualTo("payment accepted ✓ 🚀");
    assertThat(into.traceId()).isEqualTo(TRACE);
    assertThat(into.spanId()).isEqualTo(SPAN);
    assertThat(into.attributeCount()).isEqualTo(3);
    assertThat(into.attributeKey(1)).isEqualTo("user");
    assertThat(into.attributeValue(1)).isEqualTo("{\"tier\":\"gold\"}");
  }

  @Test
  void roundTripsAndReusesTheEntry() {
    byte[] bytes = LogEntryProtoCodec.encode(sampleEntry());
    LogEntry into = new LogEntry();
    assertThat(codec.decode(bytes, 0, bytes.length, NOW_MILLIS, into)).isEqualTo(Accepted.INSTANCE);

    assertThat(codec.decode(bytes, 0, bytes.length, NOW_MILLIS, into)).isEqualTo(Accepted.INSTANCE);

    assertThat(LogEntryProtoCodec.encode(into)).isEqualTo(bytes);
  }

  @Test
  void roundTripsAnEntryWithoutOptionalFields() {
    byte[] bytes =
        io.loghaul.proto.v1.LogEntry.newBuilder()
            .setTimestampUnixNano(TS_NANOS)
            .setServiceName("a")
            .setLevel(io.loghaul.proto.v1.Level.LEVEL_INFO)
            .build()
            .toByteArray();
    LogEntry into = new LogEntry();

    assertThat(codec.decode(bytes, 0, bytes.length, NOW_MILLIS, into)).isEqualTo(Accepted.INSTANCE);

    assertThat(into.message()).isEmpty();
    assertThat(into.hasTraceId()).isFalse();
    assertThat(into.attributeCount()).isZero();
    assertThat(LogEntryProtoCodec.encode(into)).isEqualTo(bytes);
  }

  @Test
  void skipsUnknownFields() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    cos.writeUInt64(20, -1L);
    cos.writeString(21, "future");
    cos.writeFixed32(22, 7);
    cos.writeFixed64(23, 7);
    cos.flush();
    byte[] bytes = concat(out.toByteArray(), sampleMessage().toByteArray());

    assertThat(codec.decode(bytes, 0, bytes.length, NOW_MILLIS, new LogEntry()))
        .isEqualTo(Accepted.INSTANCE);
  }

  @Test
  void rejectsRecordsOverTheSizeLimitBeforeDecoding() {
    LogEntryProtoCodec small =
        new LogEntryProtoCodec(new SchemaLimits(10, 256, 65536, 128, 256, 16384, 8, 604800, 900));
    byte[] bytes = sampleMessage().toByteArray();

    assertThat(small.decode(bytes, 0, bytes.length, NOW_MILLIS, new LogEntry()))
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.type()).isEqualTo(ErrorType.RECORD_TOO_LARGE));
  }

  @Test
  void rejectsTruncatedBytesAsTypeMismatch() {
    byte[] bytes = sampleMessage().toByteArray();

    for (int cut : new int[] {1, 5, 12, bytes.length - 1}) {
      assertThat(codec.decode(bytes, 0, cut, NOW_MILLIS, new LogEntry()))
          .as("cut at %d", cut)
          .isInstanceOfSatisfying(
              Rejected.class, r -> assertThat(r.type()).isEqualTo(ErrorType.TYPE_MISMATCH));
    }
  }

  @Test
  void rejectsJsonTextAsTypeMismatch() {
    byte[] json = "{\"timestamp\":1}".getBytes(StandardCharsets.UTF_8);

    assertThat(codec.decode(json, 0, json.length, NOW_MILLIS, new LogEntry()))
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.type()).isEqualTo(ErrorType.TYPE_MISMATCH));
  }

  @Test
  void rejectsAKnownFieldWithTheWrongWireType() {
    // field 2 (service_name) as a varint
    byte[] bytes = concat(sampleMessage().toByteArray(), new byte[] {0x10, 0x01});

    assertThat(codec.decode(bytes, 0, bytes.length, NOW_MILLIS, new LogEntry()))
        .isEqualTo(
            new Rejected(
                ErrorType.TYPE_MISMATCH,
                "/service_name",
                "service_name has protobuf wire type 0 (expected: 2)"));
  }

  @Test
  void rejectsInvalidUtf8InStringFields() {
    byte[] bytes = sampleMessage().toBuilder().setMessage("").build().toByteArray();
    byte[] badMessage = concat(bytes, new byte[] {0x22, 0x02, (byte) 0xC3, 0x28});
    byte[] badAttribute =
        concat(bytes, new byte[] {0x3A, 0x06, 0x0A, 0x01, 'k', 0x12, 0x01, (byte) 0xFF});
    byte[] surrogate =
        concat(bytes, new byte[] {0x22, 0x03, (byte) 0xED, (byte) 0xA0, (byte) 0x80});

    assertThat(codec.decode(badMessage, 0, badMessage.length, NOW_MILLIS, new LogEntry()))
        .isEqualTo(
            new Rejected(ErrorType.INVALID_UTF8, "/message", "string field is not valid UTF-8"));
    assertThat(codec.decode(badAttribute, 0, badAttribute.length, NOW_MILLIS, new LogEntry()))
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.type()).isEqualTo(ErrorType.INVALID_UTF8));
    assertThat(codec.decode(surrogate, 0, surrogate.length, NOW_MILLIS, new LogEntry()))
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.type()).isEqualTo(ErrorType.INVALID_UTF8));
  }

  @Test
  void reportsInvalidUtf8BeforeALaterStructuralDefect() {
    byte[] bytes = concat(new byte[] {0x22, 0x01, (byte) 0xFF}, new byte[] {0x12, 0x7F});

    assertThat(codec.decode(bytes, 0, bytes.length, NOW_MILLIS, new LogEntry()))
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.type()).isEqualTo(ErrorType.INVALID_UTF8));
  }

  @Test
  void rejectsAFieldGivenTwice() {
    byte[] bytes = concat(sampleMessage().toByteArray(), new byte[] {0x12, 0x01, 'x'});

    assertThat(codec.decode(bytes, 0, bytes.length, NOW_MILLIS, new LogEntry()))
        .isEqualTo(
            new Rejected(ErrorType.DUPLICATE_FIELD, "/service_name", "service_name appears twice"));
  }

  @Test
  void rejectsLevelsOutsideTheEnum() {
    byte[] bytes = sampleMessage().toBuilder().setLevelValue(9).build().toByteArray();
    byte[] negative = sampleMessage().toBuilder().setLevelValue(-1).build().toByteArray();

    assertThat(codec.decode(bytes, 0, bytes.length, NOW_MILLIS, new LogEntry()))
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.type()).isEqualTo(ErrorType.INVALID_VALUE));
    assertThat(codec.decode(negative, 0, negative.length, NOW_MILLIS, new LogEntry()))
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.type()).isEqualTo(ErrorType.INVALID_VALUE));
  }

  @Test
  void rejectsIdsOfTheWrongLengthOrAllZero() {
    byte[] shortTrace =
        sampleMessage().toBuilder()
            .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3}))
            .build()
            .toByteArray();
    byte[] zeroSpan =
        sampleMessage().toBuilder()
            .setSpanId(ByteString.copyFrom(new byte[8]))
            .build()
            .toByteArray();

    assertThat(codec.decode(shortTrace, 0, shortTrace.length, NOW_MILLIS, new LogEntry()))
        .isEqualTo(
            new Rejected(
                ErrorType.INVALID_VALUE,
                "/trace_id",
                "trace_id has 3 bytes (expected: 16, not all zero)"));
    assertThat(codec.decode(zeroSpan, 0, zeroSpan.length, NOW_MILLIS, new LogEntry()))
        .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.field()).isEqualTo("/span_id"));
  }

  @Test
  void rejectsMissingTimestampAndLevel() {
    byte[] noTimestamp = sampleMessage().toBuilder().clearTimestampUnixNano().build().toByteArray();
    byte[] noLevel = sampleMessage().toBuilder().clearLevel().build().toByteArray();

    assertThat(codec.decode(noTimestamp, 0, noTimestamp.length, NOW_MILLIS, new LogEntry()))
        .isEqualTo(new Rejected(ErrorType.MISSING_FIELD, "/timestamp", "timestamp is missing"));
    assertThat(codec.decode(noLevel, 0, noLevel.length, NOW_MILLIS, new LogEntry()))
        .isEqualTo(new Rejected(ErrorType.MISSING_FIELD, "/level", "level is missing"));
  }

  @Test
  void runsTheSchemaValidatorOnDecodedEntries() {
    byte[] old = sampleMessage().toBuilder().setTimestampUnixNano(1_000_000L).build().toByteArray();

    assertThat(codec.decode(old, 0, old.length, NOW_MILLIS, new LogEntry()))
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.type()).isEqualTo(ErrorType.TIMESTAMP_OUT_OF_RANGE));
  }

  @Test
  void acceptsEveryValidUtf8SequenceAndRejectsOverlongForms() {
    String all = "a\u00e9\u0800\uffff" + new String(Character.toChars(0x10FFFF));
    byte[] ok = all.getBytes(StandardCharsets.UTF_8);

    assertThat(Utf8.isValid(ok, 0, ok.length)).isTrue();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xC0, (byte) 0x80}, 0, 2)).isFalse();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, 0, 3)).isFalse();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 0, 4))
        .isFalse();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
