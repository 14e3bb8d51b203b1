package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.loghaul.bytes.Utf8;
import io.loghaul.ingest.OtlpLogDecoderProperties.Mapped;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.Level;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protobuf wire rules of {@link OtlpLogDecoder}, on hand-written bytes. */
class OtlpLogDecoderWireTest {
  private static final long NOW_NANOS = RandomOtlp.NOW_NANOS;

  private final OtlpLogDecoder decoder = new OtlpLogDecoder(SchemaLimits.defaults());

  /** A tiny protobuf writer: fields are appended as given, in any order, any number of times. */
  static final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Wire tag(int field, int wireType) {
      return varint((long) field << 3 | wireType);
    }

    Wire varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) (v & 0x7F) | 0x80);
        v >>>= 7;
      }
      out.write((int) v);
      return this;
    }

    Wire varint(int field, long v) {
      return tag(field, 0).varint(v);
    }

    Wire fixed64(int field, long v) {
      tag(field, 1);
      for (int i = 0; i < 8; i++) {
        out.write((int) (v >>> 8 * i));
      }
      return this;
    }

    Wire fixed32(int field, int v) {
      tag(field, 5);
      for (int i = 0; i < 4; i++) {
        out.write(v >>> 8 * i);
      }
      return this;
    }

    Wire bytes(int field, byte[] b) {
      tag(field, 2).varint(b.length);
      out.writeBytes(b);
      return this;
    }

    Wire string(int field, String s) {
      return bytes(field, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    Wire message(int field, Wire nested) {
      return bytes(field, nested.toByteArray());
    }

    Wire message(int field, Message nested) {
      return bytes(field, nested.toByteArray());
    }

    Wire raw(int... bytes) {
      for (int b : bytes) {
        out.write(b);
      }
      return this;
    }

    Wire raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    /** One unknown field of each wire type (varint, fixed64, length-delimited, group, fixed32). */
    Wire unknowns(int field) {
      varint(field, 1L << 62);
      fixed64(field, -1);
      bytes(field, new byte[] {(byte) 0xFF, 0x00, (byte) 0xC0});
      tag(field, 3)
          .varint(1, 5)
          .bytes(2, new byte[] {(byte) 0xFE})
          .tag(3, 3)
          .fixed32(4, 7)
          .tag(3, 4)
          .tag(field, 4);
      return fixed32(field, 42);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  private List<Mapped> decode(byte[] bytes) throws InvalidProtocolBufferException {
    return OtlpLogDecoderProperties.decode(decoder, bytes);
  }

  private List<Mapped> decode(Wire wire) throws InvalidProtocolBufferException {
    return decode(wire.toByteArray());
  }

  private static Wire request(Wire resourceLogs) {
    return new Wire().message(1, resourceLogs);
  }

  private static Wire resource(String serviceName) {
    return new Wire()
        .message(
            1,
            KeyValue.newBuilder()
                .setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue(serviceName))
                .build());
  }

  private static LogRecord record(String body) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(NOW_NANOS)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN)
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .build();
  }

  /**
   * A request with every kind of field the decoder reads, for the truncation and unknown-field
   * tests.
   */
  private static ExportLogsServiceRequest fullRequest() {
    AnyValue nested =
        AnyValue.newBuilder()
            .setKvlistValue(
                KeyValueList.newBuilder()
                    .addValues(
                        KeyValue.newBuilder()
                            .setKey("list")
                            .setValue(
                                AnyValue.newBuilder()
                                    .setArrayValue(
                                        ArrayValue.newBuilder()
                                            .addValues(AnyValue.newBuilder().setIntValue(-3))
                                            .addValues(AnyValue.newBuilder().setDoubleValue(2.5))
                                            .addValues(AnyValue.newBuilder().setBoolValue(true))
                                            .addValues(
                                                AnyValue.newBuilder()
                                                    .setBytesValue(
                                                        ByteString.copyFrom(new byte[] {1, 2})))
                                            .addValues(AnyValue.getDefaultInstance()))))
                    .addValues(
                        KeyValue.newBuilder()
                            .setKey("s")
                            .setValue(AnyValue.newBuilder().setStringValue("t\u00e9"))))
            .build();
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("checkout")))
                        .addAttributes(KeyValue.newBuilder().setKey("host").setValue(nested))
                        .setDroppedAttributesCount(1))
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .setScope(
                            InstrumentationScope.newBuilder()
                                .setName("lib")
                                .setVersion("1.0")
                                .addAttributes(
                                    KeyValue.newBuilder()
                                        .setKey("sa")
                                        .setValue(AnyValue.newBuilder().setIntValue(1))))
                        .addLogRecords(
                            record("one").toBuilder()
                                .setObservedTimeUnixNano(NOW_NANOS)
                                .setSeverityText("warn")
                                .setBody(nested)
                                .addAttributes(KeyValue.newBuilder().setKey("a").setValue(nested))
                                .setTraceId(
                                    ByteString.copyFrom(
                                        new byte[] {
                                          1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
                                        }))
                                .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                                .setFlags(1)
                                .setDroppedAttributesCount(2))
                        .addLogRecords(record("two"))
                        .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0"))
                .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0"))
        .build();
  }

  @Test
  void readsAResourceThatComesAfterItsScopeLogs() throws Exception {
    Wire resourceLogs =
        new Wire()
            .message(2, new Wire().message(2, record("first")))
            .message(1, resource("checkout"))
            .message(2, new Wire().message(2, record("second")));

    List<Mapped> mapped = decode(request(resourceLogs));

    assertThat(mapped).extracting(Mapped::serviceName).containsExactly("checkout", "checkout");
    assertThat(mapped).extracting(Mapped::message).containsExactly("first", "second");
  }

  @Test
  void readsAScopeThatComesAfterItsLogRecords() throws Exception {
    Wire scopeLogs =
        new Wire()
            .message(2, record("one"))
            .message(1, new Wire().string(1, "io.app").string(2, "2.0"))
            .message(2, record("two"));

    List<Mapped> mapped =
        decode(request(new Wire().message(1, resource("svc")).message(2, scopeLogs)));

    assertThat(mapped)
        .extracting(Mapped::attributes)
        .containsOnly(
            List.of(Map.entry("scope.name", "io.app"), Map.entry("scope.version", "2.0")));
  }

  @Test
  void keepsTheOrderOfInterleavedRepeatedFields() throws Exception {
    Wire logRecord =
        new Wire()
            .message(
                6,
                KeyValue.newBuilder()
                    .setKey("a")
                    .setValue(AnyValue.newBuilder().setIntValue(1))
                    .build())
            .fixed64(1, NOW_NANOS)
            .message(
                6,
                KeyValue.newBuilder()
                    .setKey("b")
                    .setValue(AnyValue.newBuilder().setIntValue(2))
                    .build())
            .varint(2, 9)
            .message(
                6,
                KeyValue.newBuilder()
                    .setKey("c")
                    .setValue(AnyValue.newBuilder().setIntValue(3))
                    .build());

    List<Mapped> mapped = decode(request(new Wire().message(2, new Wire().message(2, logRecord))));

    assertThat(mapped.get(0).attributes())
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "3"));
  }

  @Test
  void skipsUnknownFieldsOfEveryWireTypeInEveryMessage() throws Exception {
    ExportLogsServiceRequest request = fullRequest();
    byte[] withUnknowns = withUnknownFields(request);

    assertThat(withUnknowns.length).isGreaterThan(request.getSerializedSize() + 300);
    assertThat(ExportLogsServiceRequest.parseFrom(withUnknowns))
        .isNotEqualTo(request); // unknown fields kept
    List<Mapped> expected = decode(request.toByteArray());
    assertThat(expected).extracting(Mapped::result).containsOnly(Accepted.INSTANCE);
    assertThat(decode(withUnknowns)).isEqualTo(expected);
  }

  @Test
  void skipsUnknownFieldsWhoseTagIsNegativeAsAnInt() throws Exception {
    // the largest field number, 2^29 - 1: its tags read as a 32-bit int are negative
    int field = (1 << 29) - 1;
    assertThat((int) ((long) field << 3)).isNegative();
    ExportLogsServiceRequest request = fullRequest();
    byte[] withUnknowns = withUnknownFields(request, field, field);

    assertThat(ExportLogsServiceRequest.parseFrom(withUnknowns)).isNotEqualTo(request);
    List<Mapped> expected = decode(request.toByteArray());
    assertThat(expected).extracting(Mapped::result).containsOnly(Accepted.INSTANCE);
    assertThat(decode(withUnknowns)).isEqualTo(expected);
  }

  /**
   * {@code message} with unknown fields of every wire type before and after every field, at every
   * level.
   */
  private static byte[] withUnknownFields(Message message) {
    return withUnknownFields(message, 99, -1);
  }

  /**
   * {@code message} with unknown fields of every wire type, numbered {@code first} before the
   * fields and {@code after} (-1: 4 + 1000 × the field's number) after every field, at every level.
   */
  private static byte[] withUnknownFields(Message message, int first, int after) {
    Wire w = new Wire().unknowns(first);
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      List<?> values = f.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
      for (Object v : values) {
        if (v instanceof Message m) {
          w.bytes(f.getNumber(), withUnknownFields(m, first, after));
        } else {
          // scalars: the canonical encoding of a message holding just this field
          w.raw(message.toBuilder().clear().setField(f, v).build().toByteArray());
        }
        // a known number with the wrong wire type is an unknown field too
        w.fixed32(f.getNumber(), 5);
        w.unknowns(after < 0 ? 4 + 1000 * f.getNumber() : after);
      }
    }
    return w.toByteArray();
  }

  @Test
  void takesTheLastOfASingularScalarGivenTwice() throws Exception {
    Wire logRecord =
        new Wire()
            .fixed64(1, 1)
            .fixed64(1, NOW_NANOS)
            .varint(2, 99)
            .varint(2, 17)
            .string(3, "debug")
            .string(3, "warn")
            .bytes(9, new byte[3])
            .bytes(9, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
            .message(
                6,
                new Wire()
                    .string(1, "first")
                    .string(1, "k")
                    .message(2, AnyValue.newBuilder().setIntValue(1).build()));
    Wire scope = new Wire().string(1, "a").string(1, "b").string(2, "1").string(2, "");

    Mapped m =
        decode(request(new Wire().message(2, new Wire().message(1, scope).message(2, logRecord))))
            .get(0);

    assertThat(m.result()).isEqualTo(Accepted.INSTANCE);
    assertThat(m.timestampNanos()).isEqualTo(NOW_NANOS);
    assertThat(m.level()).isEqualTo(Level.ERROR);
    assertThat(m.traceId()).isEqualTo("0102030405060708090a0b0c0d0e0f10");
    assertThat(m.attributes()).containsExactly(Map.entry("k", "1"), Map.entry("scope.name", "b"));
  }

  @Test
  void takesTheLastServiceName() throws Exception {
    Wire resource =
        new Wire()
            .message(
                1,
                KeyValue.newBuilder()
                    .setKey("service.name")
                    .setValue(AnyValue.newBuilder().setStringValue("old"))
                    .build())
            .message(
                1,
                KeyValue.newBuilder()
                    .setKey("service.name")
                    .setValue(AnyValue.newBuilder().setStringValue("new"))
                    .build());

    Mapped m =
        decode(
                request(
                    new Wire().message(1, resource).message(2, new Wire().message(2, record("x")))))
            .get(0);

    // the earlier one is an ordinary resource attribute, as it was with protobuf-java's object tree
    assertThat(m.serviceName()).isEqualTo("new");
    assertThat(m.attributes()).containsExactly(Map.entry("resource.service.name", "old"));
  }

  @Test
  void mergesASingularMessageGivenTwiceLikeProtobufJava() throws Exception {
    // each request repeats one singular message field, so each one alone must take the merging path
    Wire twoResources =
        new Wire()
            .message(1, resource("checkout"))
            .message(2, new Wire().message(2, record("x")))
            .message(
                1,
                new Wire()
                    .message(
                        1,
                        KeyValue.newBuilder()
                            .setKey("host")
                            .setValue(AnyValue.newBuilder().setStringValue("h1"))
                            .build()));
    assertThat(decodeOne(twoResources).serviceName()).isEqualTo("checkout");
    assertThat(decodeOne(twoResources).attributes())
        .containsExactly(Map.entry("resource.host", "h1"));

    Wire twoScopes =
        new Wire()
            .message(
                2,
                new Wire()
                    .message(1, new Wire().string(1, "lib").message(3, new Wire().string(1, "k")))
                    .message(2, record("x"))
                    .message(1, new Wire().string(2, "3.1")));
    assertThat(decodeOne(twoScopes).attributes())
        .containsExactly(Map.entry("scope.name", "lib"), Map.entry("scope.version", "3.1"));

    AnyValue list1 =
        AnyValue.newBuilder()
            .setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(1)))
            .build();
    AnyValue list2 =
        AnyValue.newBuilder()
            .setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(2)))
            .build();
    // body twice: protobuf-java merges the two lists, even with another case in between
    Wire twoBodies =
        new Wire()
            .message(
                2,
                new Wire()
                    .message(
                        2,
                        new Wire()
                            .fixed64(1, NOW_NANOS)
                            .message(5, list1)
                            .message(5, AnyValue.newBuilder().setStringValue("between").build())
                            .message(5, list2)));
    assertThat(decodeOne(twoBodies).message()).isEqualTo("[1,2]");

    // an attribute value given twice: a string then a bool, the later case wins
    Wire twoValues =
        new Wire()
            .message(
                2,
                new Wire()
                    .message(
                        2,
                        new Wire()
                            .fixed64(1, NOW_NANOS)
                            .message(
                                6,
                                new Wire()
                                    .string(1, "v")
                                    .message(2, AnyValue.newBuilder().setStringValue("s").build())
                                    .message(
                                        2, AnyValue.newBuilder().setBoolValue(false).build()))));
    assertThat(decodeOne(twoValues).attributes()).containsExactly(Map.entry("v", "false"));

    // two cases inside one AnyValue: the last wins
    Wire twoCases =
        new Wire()
            .message(
                2,
                new Wire()
                    .message(
                        2,
                        new Wire()
                            .fixed64(1, NOW_NANOS)
                            .message(5, new Wire().string(1, "text").varint(3, 42))));
    assertThat(decodeOne(twoCases).message()).isEqualTo("42");
  }

  private Mapped decodeOne(Wire resourceLogs) throws InvalidProtocolBufferException {
    byte[] bytes = request(resourceLogs).toByteArray();
    List<Mapped> mapped = decode(bytes);
    assertThat(mapped).hasSize(1);
    assertThat(mapped.get(0).result()).isEqualTo(Accepted.INSTANCE);
    return mapped.get(0);
  }

  @Test
  void rejectsEveryTruncationThatProtobufJavaRejects() throws Exception {
    byte[] full = fullRequest().toByteArray();
    int rejected = 0;
    for (int n = 0; n < full.length; n++) {
      byte[] prefix = java.util.Arrays.copyOf(full, n);
      boolean protobufRejects =
          catchThrowable(() -> ExportLogsServiceRequest.parseFrom(prefix)) != null;
      Throwable thrown = catchThrowable(() -> decode(prefix));
      if (protobufRejects) {
        rejected++;
        assertThat(thrown)
            .as("prefix of %d bytes", n)
            .isInstanceOf(InvalidProtocolBufferException.class);
      } else {
        assertThat(thrown).as("prefix of %d bytes", n).isNull();
      }
    }
    // only the empty prefix ends on a field boundary of the request (it has one resource_logs)
    assertThat(rejected).isEqualTo(full.length - 1);
  }

  @Test
  void rejectsTruncationInsideTheDecodedRange() {
    byte[] full = fullRequest().toByteArray();
    byte[] padded = new byte[full.length + 10];
    System.arraycopy(full, 0, padded, 5, full.length);

    assertThatThrownBy(
            () ->
                decoder.decode(
                    padded,
                    5,
                    full.length - 1,
                    0,
                    0,
                    new io.loghaul.schema.LogEntry(),
                    (r, e) -> {}))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void rejectsInvalidUtf8InEveryStringField() {
    byte[] bad = {'o', 'k', (byte) 0xC0, (byte) 0x80};
    List<Wire> requests =
        List.of(
            request(
                new Wire()
                    .string(3, "u")
                    .raw(new Wire().bytes(3, bad).toByteArray())), // ResourceLogs.schema_url
            request(new Wire().message(2, new Wire().bytes(3, bad))), // ScopeLogs.schema_url
            request(
                new Wire()
                    .message(2, new Wire().message(1, new Wire().bytes(1, bad)))), // scope name
            request(
                new Wire()
                    .message(2, new Wire().message(1, new Wire().bytes(2, bad)))), // scope version
            request(
                new Wire()
                    .message(
                        1,
                        new Wire().message(1, new Wire().bytes(1, bad)))), // resource attribute key
            request(
                new Wire()
                    .message(2, new Wire().message(2, new Wire().bytes(3, bad)))), // severity_text
            request(
                new Wire()
                    .message(
                        2, new Wire().message(2, new Wire().message(5, new Wire().bytes(1, bad))))),
            request(
                new Wire()
                    .message(
                        2,
                        new Wire()
                            .message(
                                2,
                                new Wire()
                                    .message(
                                        6,
                                        new Wire()
                                            .string(1, "k")
                                            .message(
                                                2,
                                                new Wire()
                                                    .message(
                                                        6,
                                                        new Wire()
                                                            .message(
                                                                1,
                                                                new Wire()
                                                                    .bytes(
                                                                        1,
                                                                        bad))))))))); // key inside
    // a kvlist
    for (Wire w : requests) {
      byte[] bytes = w.toByteArray();
      assertThatThrownBy(() -> ExportLogsServiceRequest.parseFrom(bytes))
          .isInstanceOf(InvalidProtocolBufferException.class);
      assertThatThrownBy(() -> decode(bytes))
          .isInstanceOf(InvalidProtocolBufferException.class)
          .hasMessage("Protocol message had invalid UTF-8.");
    }
  }

  @Test
  void rejectsSurrogatesOverlongFormsAndCodePointsPastUnicode() {
    int[][] bad = {
      {0xED, 0xA0, 0x80},
      {0xC1, 0xBF},
      {0xE0, 0x9F, 0xBF},
      {0xF0, 0x8F, 0xBF, 0xBF},
      {0xF4, 0x90, 0x80, 0x80},
      {0xF5, 0x80, 0x80, 0x80},
      {0x80},
      {0xE2, 0x82}
    };
    for (int[] sequence : bad) {
      byte[] value = new byte[sequence.length];
      for (int i = 0; i < sequence.length; i++) {
        value[i] = (byte) sequence[i];
      }
      byte[] bytes =
          request(new Wire().message(2, new Wire().message(2, new Wire().bytes(3, value))))
              .toByteArray();
      assertThatThrownBy(() -> decode(bytes))
          .as("%s", java.util.Arrays.toString(sequence))
          .isInstanceOf(InvalidProtocolBufferException.class);
    }
  }

  @Test
  void checksUtf8ExactlyLikeProtobufJava() {
    int[] alphabet = {
      0x00, 'a', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED,
      0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF
    };
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 200_000; i++) {
      byte[] b = new byte[random.nextInt(4) == 0 ? 32 + random.nextInt(40) : random.nextInt(14)];
      int asciiRun =
          random.nextInt(4) == 0
              ? random.nextInt(80)
              : 0; // exercises the 32- and 8-byte ASCII steps
      byte[] text = new byte[asciiRun + b.length];
      java.util.Arrays.fill(text, 0, asciiRun, (byte) 'x');
      for (int j = 0; j < b.length; j++) {
        text[asciiRun + j] =
            (byte)
                (b.length > 14 && random.nextInt(12) != 0
                    ? 'a'
                    : alphabet[random.nextInt(alphabet.length)]);
      }
      assertThat(Utf8.isValid(text, 0, text.length))
          .as(java.util.HexFormat.of().formatHex(text))
          .isEqualTo(ByteString.copyFrom(text).isValidUtf8());
    }
  }

  @Test
  void acceptsAnyBytesInBytesFieldsAndUnknownFields() throws Exception {
    byte[] bad = {(byte) 0xFF, (byte) 0xC0, (byte) 0x80};
    Wire logRecord =
        new Wire()
            .fixed64(1, NOW_NANOS)
            .message(6, new Wire().string(1, "b").message(2, new Wire().bytes(7, bad)))
            .bytes(12, bad) // unknown field number
            .message(5, new Wire().bytes(8, bad)); // unknown field of the body: the body is unset

    Mapped m = decode(request(new Wire().message(2, new Wire().message(2, logRecord)))).get(0);

    assertThat(m.result()).isEqualTo(Accepted.INSTANCE);
    assertThat(m.attributes()).containsExactly(Map.entry("b", "/8CA"));
    assertThat(m.message()).isEmpty();
  }

  @Test
  void rejectsMalformedWireLikeProtobufJava() {
    byte[] record = new Wire().fixed64(1, NOW_NANOS).toByteArray();
    List<byte[]> malformed =
        List.of(
            new Wire().raw(0x0A, 0x7F, 0x01).toByteArray(), // length past the end
            new Wire()
                .raw(0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)
                .toByteArray(), // 11-byte varint
            new Wire().raw(0x10, 0xFF).toByteArray(), // truncated varint
            new Wire().raw(0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F).toByteArray(), // negative length
            new Wire().raw(0x00).toByteArray(), // field number 0
            new Wire().raw(0x01, 0, 0, 0, 0, 0, 0, 0, 0).toByteArray(), // field number 0, fixed64
            new Wire().raw(0x16, 0x00).toByteArray(), // wire type 6
            new Wire().raw(0x17, 0x00).toByteArray(), // wire type 7
            new Wire().raw(0x11, 0, 0, 0).toByteArray(), // truncated fixed64
            new Wire().raw(0x15, 0, 0).toByteArray(), // truncated fixed32
            new Wire().raw(0x14).toByteArray(), // end group without a start
            new Wire().raw(0x13, 0x08, 0x01, 0x1C).toByteArray(), // group 2 closed as group 3
            new Wire().raw(0x13, 0x08, 0x01).toByteArray(), // group never closed
            request(
                    new Wire()
                        .message(
                            2, new Wire().message(2, new Wire().raw(record).raw(0x6B, 0x08, 0x01))))
                .toByteArray(),
            request(new Wire().message(2, new Wire().message(2, new Wire().raw(record).raw(0x34))))
                .toByteArray(),
            request(new Wire().raw(0x12, 0x05, 0x12, 0x06, 0, 0, 0, 0))
                .toByteArray()); // nested length past its parent
    for (byte[] bytes : malformed) {
      assertThatThrownBy(() -> ExportLogsServiceRequest.parseFrom(bytes))
          .as(java.util.Arrays.toString(bytes))
          .isInstanceOf(InvalidProtocolBufferException.class);
      assertThatThrownBy(() -> decode(bytes))
          .as(java.util.Arrays.toString(bytes))
          .isInstanceOf(InvalidProtocolBufferException.class);
    }
  }

  @Test
  void skipsWellNestedUnknownGroupsAsProtobufJavaDoes() throws Exception {
    Wire logRecord =
        new Wire()
            .fixed64(1, NOW_NANOS)
            .tag(20, 3)
            .tag(1, 3)
            .varint(2, 1)
            .tag(1, 4)
            .tag(20, 4)
            .tag(6, 3)
            .tag(6, 4); // a known number as a group: unknown too

    ExportLogsServiceRequest.parseFrom(
        request(new Wire().message(2, new Wire().message(2, logRecord))).toByteArray());
    assertThat(decode(request(new Wire().message(2, new Wire().message(2, logRecord)))))
        .extracting(Mapped::result)
        .containsExactly(Accepted.INSTANCE);
  }

  @Test
  void limitsNestingToProtobufJavasHundredLevels() throws Exception {
    // request → resource_logs (1) → scope_logs (2) → log_records (3) → body (4), then pairs of
    // ArrayValue + AnyValue: 100 levels parse, 101 do not
    assertThat(catchThrowable(() -> ExportLogsServiceRequest.parseFrom(nested(100)))).isNull();
    assertThat(decode(nested(100)))
        .extracting(Mapped::result)
        .containsExactly(
            new Rejected(
                ErrorType.FIELD_OVERFLOW, "/message", "value nested deeper than 8 levels"));
    assertThatThrownBy(() -> ExportLogsServiceRequest.parseFrom(nested(101)))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> decode(nested(101)))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("too many levels of nesting");
    // unknown groups count as levels too
    assertThat(catchThrowable(() -> decode(groups(100)))).isNull();
    assertThatThrownBy(() -> decode(groups(101)))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> ExportLogsServiceRequest.parseFrom(groups(101)))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  /** A request whose deepest message is {@code levels} below the request. */
  private static byte[] nested(int levels) {
    // levels 4.. are the body's AnyValue and ArrayValue/AnyValue pairs; an odd count ends in an
    // ArrayValue
    Wire inner = new Wire();
    boolean anyValue = levels % 2 == 0;
    for (int level = levels; level > 4; level--) {
      inner = anyValue ? new Wire().message(1, inner) : new Wire().message(5, inner);
      anyValue = !anyValue;
    }
    Wire body = new Wire().message(5, inner);
    Wire logRecord = new Wire().fixed64(1, NOW_NANOS).raw(body.toByteArray());
    return request(new Wire().message(2, new Wire().message(2, logRecord))).toByteArray();
  }

  private static byte[] groups(int levels) {
    Wire w = new Wire();
    for (int i = 0; i < levels; i++) {
      w.tag(11, 3);
    }
    for (int i = 0; i < levels; i++) {
      w.tag(11, 4);
    }
    return w.toByteArray();
  }

  @Test
  void decodesAnEmptyRequestToNoRecords() throws Exception {
    assertThat(decode(new byte[0])).isEmpty();
    assertThat(decode(request(new Wire()))).isEmpty();
  }
}
