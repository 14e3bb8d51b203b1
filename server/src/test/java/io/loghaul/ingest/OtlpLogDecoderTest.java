package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.Level;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.ParseResult;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpLogDecoderTest {
  private static final long NOW_MILLIS = 1_795_316_252_123L;
  private static final long NOW_NANOS = NOW_MILLIS * 1_000_000L;
  private static final long RECEIVE_NANOS = NOW_NANOS + 7;

  private final OtlpLogDecoder decoder = new OtlpLogDecoder(SchemaLimits.defaults());
  private final LogEntry entry = new LogEntry();

  static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  static Resource resource(KeyValue... attributes) {
    Resource.Builder b = Resource.newBuilder();
    for (KeyValue a : attributes) {
      b.addAttributes(a);
    }
    return b.build();
  }

  private static LogRecord.Builder record() {
    return LogRecord.newBuilder()
        .setTimeUnixNano(NOW_NANOS)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
        .setBody(str("hello"));
  }

  private ParseResult map(Resource resource, InstrumentationScope scope, LogRecord record) {
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(resource)
                    .addScopeLogs(ScopeLogs.newBuilder().setScope(scope).addLogRecords(record)))
            .build();
    List<ParseResult> results = decode(request.toByteArray());
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  /** The results of every record of the serialized request, in order; the entry holds the last. */
  private List<ParseResult> decode(byte[] request) {
    List<ParseResult> results = new ArrayList<>();
    try {
      decoder.decode(
          request,
          0,
          request.length,
          RECEIVE_NANOS,
          NOW_MILLIS,
          entry,
          (result, e) -> results.add(result));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("valid request rejected", e);
    }
    return results;
  }

  private ParseResult map(LogRecord record) {
    return map(
        resource(kv("service.name", str("checkout"))),
        InstrumentationScope.getDefaultInstance(),
        record);
  }

  private Map<String, String> attributes() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < entry.attributeCount(); i++) {
      m.put(entry.attributeKey(i), entry.attributeValue(i));
    }
    return m;
  }

  private String attributeOf(AnyValue value) {
    assertThat(map(record().addAttributes(kv("a", value)).build())).isEqualTo(Accepted.INSTANCE);
    return attributes().get("a");
  }

  @Test
  void mapsAPlainRecord() {
    ParseResult result = map(record().build());

    assertThat(result).isEqualTo(Accepted.INSTANCE);
    assertThat(entry.serviceName()).isEqualTo("checkout");
    assertThat(entry.message()).isEqualTo("hello");
    assertThat(entry.level()).isEqualTo(Level.INFO);
    assertThat(entry.timestampNanos()).isEqualTo(NOW_NANOS);
    assertThat(entry.hasTraceId()).isFalse();
    assertThat(entry.attributeCount()).isZero();
  }

  @Test
  void usesUnknownServiceWhenTheResourceHasNoServiceName() {
    assertThat(
            map(
                Resource.getDefaultInstance(),
                InstrumentationScope.getDefaultInstance(),
                record().build()))
        .isEqualTo(Accepted.INSTANCE);

    assertThat(entry.serviceName()).isEqualTo("unknown_service");
  }

  @Test
  void fallsBackToObservedTimeThenReceiveTime() {
    map(record().setTimeUnixNano(0).setObservedTimeUnixNano(NOW_NANOS - 5).build());
    assertThat(entry.timestampNanos()).isEqualTo(NOW_NANOS - 5);

    map(record().setTimeUnixNano(0).build());
    assertThat(entry.timestampNanos()).isEqualTo(RECEIVE_NANOS);
  }

  @Test
  void rejectsTimestampsOutsideTheWindow() {
    ParseResult result = map(record().setTimeUnixNano(NOW_MILLIS).build()); // millis sent as nanos

    assertThat(result)
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.type()).isEqualTo(ErrorType.TIMESTAMP_OUT_OF_RANGE));
  }

  @Test
  void mapsSeverityNumbersInGroupsOfFour() {
    int[][] cases = {{1, 1}, {4, 1}, {5, 2}, {9, 3}, {12, 3}, {13, 4}, {17, 5}, {21, 6}, {24, 6}};
    for (int[] c : cases) {
      map(record().setSeverityNumberValue(c[0]).build());
      assertThat(entry.level().code()).as("severity %d", c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void parsesSeverityTextWhenTheNumberIsZero() {
    String[][] cases = {
      {"warning", "WARN"},
      {"Error", "ERROR"},
      {"TRACE", "TRACE"},
      {"fatal", "FATAL"},
      {"debug", "DEBUG"},
      {"warn", "WARN"},
      {"", "INFO"},
      {"verbose", "INFO"},
      {"info", "INFO"}
    };
    for (String[] c : cases) {
      map(record().setSeverityNumberValue(0).setSeverityText(c[0]).build());
      assertThat(entry.level()).as("text %s", c[0]).isEqualTo(Level.valueOf(c[1]));
    }
  }

  @Test
  void foldsTheCaseOfNonAsciiSeverityTextLikeJavaStrings() {
    // String.equalsIgnoreCase folds the Turkish dotless and dotted i onto I: the object-tree
    // mapping read these as WARNING, and so must the byte-level one
    String[][] cases = {
      {"WARN\u0131NG", "WARN"},
      {"warn\u0130ng", "WARN"},
      {"\u00e9rror", "INFO"},
      {"ERROR\u00e9", "INFO"},
      {"\u0131nfo", "INFO"},
      {"WARN\u0131NG and much more text", "INFO"}
    };
    for (String[] c : cases) {
      map(record().setSeverityNumberValue(0).setSeverityText(c[0]).build());
      assertThat(entry.level()).as("text %s", c[0]).isEqualTo(Level.valueOf(c[1]));
    }
  }

  @Test
  void rejectsSeverityNumbersAboveTwentyFour() {
    assertThat(map(record().setSeverityNumberValue(25).build()))
        .isEqualTo(
            new Rejected(
                ErrorType.INVALID_VALUE, "/level", "severity_number 25 (expected: 0..24)"));
  }

  @Test
  void stringifiesEveryAnyValueType() {
    AnyValue nested =
        AnyValue.newBuilder()
            .setKvlistValue(
                KeyValueList.newBuilder()
                    .addValues(kv("s", str("a\"b\\c\n\u0001é")))
                    .addValues(kv("i", AnyValue.newBuilder().setIntValue(-42).build()))
                    .addValues(kv("d", AnyValue.newBuilder().setDoubleValue(1.5).build()))
                    .addValues(kv("whole", AnyValue.newBuilder().setDoubleValue(3).build()))
                    .addValues(kv("nan", AnyValue.newBuilder().setDoubleValue(Double.NaN).build()))
                    .addValues(
                        kv(
                            "inf",
                            AnyValue.newBuilder().setDoubleValue(Double.NEGATIVE_INFINITY).build()))
                    .addValues(kv("b", AnyValue.newBuilder().setBoolValue(true).build()))
                    .addValues(
                        kv(
                            "bytes",
                            AnyValue.newBuilder()
                                .setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3, 4}))
                                .build()))
                    .addValues(kv("none", AnyValue.getDefaultInstance()))
                    .addValues(
                        kv(
                            "arr",
                            AnyValue.newBuilder()
                                .setArrayValue(
                                    ArrayValue.newBuilder()
                                        .addValues(AnyValue.newBuilder().setIntValue(1))
                                        .addValues(str("x")))
                                .build())))
            .build();

    assertThat(attributeOf(nested))
        .isEqualTo(
            "{\"s\":\"a\\\"b\\\\c\\n\\u0001é\",\"i\":-42,\"d\":1.5,\"whole\":3.0,"
                + "\"nan\":\"NaN\",\"inf\":\"-Infinity\",\"b\":true,\"bytes\":\"AQIDBA==\",\"none\":null,\"arr\":[1,\"x\"]}");
    assertThat(attributeOf(str("plain \"text\""))).isEqualTo("plain \"text\"");
    assertThat(attributeOf(AnyValue.newBuilder().setIntValue(Long.MIN_VALUE).build()))
        .isEqualTo("-9223372036854775808");
    assertThat(attributeOf(AnyValue.newBuilder().setIntValue(0).build())).isEqualTo("0");
    assertThat(attributeOf(AnyValue.newBuilder().setDoubleValue(1e300).build())).isEqualTo("1e300");
    assertThat(attributeOf(AnyValue.newBuilder().setDoubleValue(Double.POSITIVE_INFINITY).build()))
        .isEqualTo("Infinity");
    assertThat(attributeOf(AnyValue.newBuilder().setBoolValue(false).build())).isEqualTo("false");
    assertThat(
            attributeOf(
                AnyValue.newBuilder()
                    .setBytesValue(ByteString.copyFrom(new byte[] {(byte) 0xFB, (byte) 0xFF}))
                    .build()))
        .isEqualTo("+/8=");
    assertThat(
            attributeOf(
                AnyValue.newBuilder().setArrayValue(ArrayValue.getDefaultInstance()).build()))
        .isEqualTo("[]");
  }

  @Test
  void skipsAttributesWithoutAValue() {
    map(record().addAttributes(kv("empty", AnyValue.getDefaultInstance())).build());

    assertThat(attributes()).isEmpty();
  }

  @Test
  void writesNonStringBodiesAsJson() {
    map(
        record()
            .setBody(
                AnyValue.newBuilder()
                    .setKvlistValue(
                        KeyValueList.newBuilder()
                            .addValues(kv("event", str("login")))
                            .addValues(kv("ok", AnyValue.newBuilder().setBoolValue(true).build()))))
            .build());
    assertThat(entry.message()).isEqualTo("{\"event\":\"login\",\"ok\":true}");

    map(record().setBody(AnyValue.newBuilder().setIntValue(7)).build());
    assertThat(entry.message()).isEqualTo("7");

    map(record().clearBody().build());
    assertThat(entry.message()).isEmpty();
  }

  @Test
  void rejectsValuesNestedDeeperThanTheLimit() {
    AnyValue deep = str("leaf");
    for (int i = 0; i < SchemaLimits.DEFAULT_MAX_DEPTH; i++) {
      deep = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(deep)).build();
    }
    assertThat(map(record().addAttributes(kv("ok", deep)).build())).isEqualTo(Accepted.INSTANCE);

    AnyValue tooDeep =
        AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(deep)).build();
    assertThat(map(record().addAttributes(kv("deep", tooDeep)).build()))
        .isEqualTo(
            new Rejected(
                ErrorType.FIELD_OVERFLOW, "/attributes/deep", "value nested deeper than 8 levels"));
    assertThat(map(record().setBody(tooDeep).build()))
        .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.field()).isEqualTo("/message"));
  }

  @Test
  void mapsTraceAndSpanIdsToLowerCaseHex() {
    byte[] trace = new byte[16];
    trace[0] = (byte) 0xAB;
    trace[15] = 1;
    byte[] span = {0, 0, 0, 0, 0, 0, (byte) 0xFF, 2};

    map(
        record()
            .setTraceId(ByteString.copyFrom(trace))
            .setSpanId(ByteString.copyFrom(span))
            .build());

    assertThat(entry.traceId()).isEqualTo("ab000000000000000000000000000001");
    assertThat(entry.spanId()).isEqualTo("000000000000ff02");
  }

  @Test
  void treatsEmptyAndAllZeroIdsAsAbsent() {
    map(
        record()
            .setTraceId(ByteString.copyFrom(new byte[16]))
            .setSpanId(ByteString.copyFrom(new byte[8]))
            .build());

    assertThat(entry.hasTraceId()).isFalse();
    assertThat(entry.hasSpanId()).isFalse();
  }

  @Test
  void rejectsIdsOfTheWrongLength() {
    assertThat(map(record().setTraceId(ByteString.copyFrom(new byte[8])).build()))
        .isEqualTo(
            new Rejected(
                ErrorType.INVALID_VALUE, "/trace_id", "trace_id has 8 bytes (expected: 16)"));
    assertThat(map(record().setSpanId(ByteString.copyFrom(new byte[16])).build()))
        .isEqualTo(
            new Rejected(
                ErrorType.INVALID_VALUE, "/span_id", "span_id has 16 bytes (expected: 8)"));
  }

  @Test
  void rejectsARecordMarkedAsHavingAnIdThatIsNotHex() {
    LogRecord trace =
        record()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        OtlpLogDecoder.JSON_ID_NOT_HEX_FIELD,
                        UnknownFieldSet.Field.newBuilder().addVarint(9).build())
                    .build())
            .build();
    LogRecord span =
        record()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        OtlpLogDecoder.JSON_ID_NOT_HEX_FIELD,
                        UnknownFieldSet.Field.newBuilder().addVarint(10).build())
                    .build())
            .build();

    assertThat(map(trace))
        .isEqualTo(
            new Rejected(
                ErrorType.INVALID_VALUE,
                "/trace_id",
                "trace_id is not hex (expected: 32 hex digits)"));
    assertThat(map(span))
        .isEqualTo(
            new Rejected(
                ErrorType.INVALID_VALUE,
                "/span_id",
                "span_id is not hex (expected: 16 hex digits)"));
  }

  @Test
  void prefixesResourceAttributesAndAddsScopeNameAndVersion() {
    Resource resource =
        resource(
            kv("host.name", str("web-1")),
            kv("service.name", str("checkout")),
            kv("pid", AnyValue.newBuilder().setIntValue(42).build()));
    InstrumentationScope scope =
        InstrumentationScope.newBuilder().setName("io.app.Payments").setVersion("1.2").build();

    map(resource, scope, record().addAttributes(kv("user", str("u1"))).build());

    assertThat(entry.serviceName()).isEqualTo("checkout");
    assertThat(attributes())
        .containsExactly(
            Map.entry("user", "u1"),
            Map.entry("resource.host.name", "web-1"),
            Map.entry("resource.pid", "42"),
            Map.entry("scope.name", "io.app.Payments"),
            Map.entry("scope.version", "1.2"));
  }

  @Test
  void storesEveryScopeAttributeAsScopeDotKey() {
    // the OTLP specification's example scope attribute, and values of other types
    InstrumentationScope scope =
        InstrumentationScope.newBuilder()
            .setName("io.app.Payments")
            .addAttributes(kv("my.scope.attribute", str("some scope attribute")))
            .addAttributes(kv("count", AnyValue.newBuilder().setIntValue(3).build()))
            .addAttributes(kv("unset", AnyValue.getDefaultInstance()))
            .build();

    assertThat(map(resource(kv("service.name", str("checkout"))), scope, record().build()))
        .isEqualTo(Accepted.INSTANCE);

    assertThat(attributes())
        .containsExactly(
            Map.entry("scope.name", "io.app.Payments"),
            Map.entry("scope.my.scope.attribute", "some scope attribute"),
            Map.entry("scope.count", "3"));
  }

  @Test
  void aScopeAttributeNamedLikeTheScopeNameIsADuplicate() {
    InstrumentationScope scope =
        InstrumentationScope.newBuilder()
            .setName("lib")
            .addAttributes(kv("name", str("other")))
            .build();

    assertThat(map(resource(), scope, record().build()))
        .isEqualTo(
            new Rejected(
                ErrorType.DUPLICATE_FIELD,
                "/attributes/scope.name",
                "attribute key appears twice"));
  }

  @Test
  void rendersEveryNonStringKindAsValidJson() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    // top level: numbers are JSON numbers; a value whose JSON form is a string is stored as that
    // string's text, as a string attribute is
    assertThat(attributeOf(AnyValue.newBuilder().setDoubleValue(1e-300).build()))
        .isEqualTo("1e-300");
    assertThat(attributeOf(AnyValue.newBuilder().setDoubleValue(-1.5e20).build()))
        .isEqualTo("-1.5e20");
    assertThat(attributeOf(AnyValue.newBuilder().setDoubleValue(1.5e-7).build()))
        .isEqualTo("1.5e-7");
    assertThat(attributeOf(AnyValue.newBuilder().setDoubleValue(0.25).build())).isEqualTo("0.25");
    assertThat(json.readTree("1e-300").doubleValue()).isEqualTo(1e-300);
    assertThat(attributeOf(AnyValue.newBuilder().setDoubleValue(Double.NaN).build()))
        .isEqualTo("NaN");
    assertThat(attributeOf(AnyValue.newBuilder().setDoubleValue(Double.NEGATIVE_INFINITY).build()))
        .isEqualTo("-Infinity");
    assertThat(
            attributeOf(
                AnyValue.newBuilder()
                    .setBytesValue(ByteString.copyFrom(new byte[] {1, 2}))
                    .build()))
        .isEqualTo("AQI=");

    // inside JSON: every kind parses as strict JSON (no bare NaN, no bare base64)
    String nested =
        attributeOf(
            AnyValue.newBuilder()
                .setArrayValue(
                    ArrayValue.newBuilder()
                        .addValues(AnyValue.newBuilder().setDoubleValue(1e-300))
                        .addValues(AnyValue.newBuilder().setDoubleValue(Double.NaN))
                        .addValues(AnyValue.newBuilder().setDoubleValue(Double.POSITIVE_INFINITY))
                        .addValues(AnyValue.newBuilder().setDoubleValue(Double.NEGATIVE_INFINITY))
                        .addValues(
                            AnyValue.newBuilder()
                                .setBytesValue(ByteString.copyFrom(new byte[] {1, 2})))
                        .addValues(AnyValue.newBuilder().setDoubleValue(3.0)))
                .build());
    assertThat(nested).isEqualTo("[1e-300,\"NaN\",\"Infinity\",\"-Infinity\",\"AQI=\",3.0]");
    com.fasterxml.jackson.databind.JsonNode tree = json.readTree(nested);
    assertThat(tree.get(0).doubleValue()).isEqualTo(1e-300);
    assertThat(tree.get(1).textValue()).isEqualTo("NaN");
    assertThat(tree.get(4).textValue()).isEqualTo("AQI=");

    // a body of each kind: the same text
    map(record().setBody(AnyValue.newBuilder().setDoubleValue(1e-300)).build());
    assertThat(entry.message()).isEqualTo("1e-300");
    map(
        record()
            .setBody(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {1, 2})))
            .build());
    assertThat(entry.message()).isEqualTo("AQI=");
  }

  @Test
  void leavesOutEmptyScopeFields() {
    map(resource(), InstrumentationScope.newBuilder().setName("lib").build(), record().build());

    assertThat(attributes()).containsExactly(Map.entry("scope.name", "lib"));
  }

  @Test
  void rejectsAnAttributeKeyGivenTwice() {
    assertThat(
            map(
                resource(kv("x", str("1"))),
                InstrumentationScope.getDefaultInstance(),
                record().addAttributes(kv("resource.x", str("2"))).build()))
        .isEqualTo(
            new Rejected(
                ErrorType.DUPLICATE_FIELD,
                "/attributes/resource.x",
                "attribute key appears twice"));
  }

  @Test
  void runsTheSchemaValidator() {
    ParseResult result =
        map(
            resource(kv("service.name", str(""))),
            InstrumentationScope.getDefaultInstance(),
            record().build());

    assertThat(result)
        .isInstanceOfSatisfying(
            Rejected.class, r -> assertThat(r.field()).isEqualTo("/service_name"));
  }
}
