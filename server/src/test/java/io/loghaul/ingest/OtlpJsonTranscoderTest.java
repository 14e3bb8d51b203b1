package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpRequests.NOW_MILLIS;
import static io.loghaul.ingest.OtlpRequests.NOW_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtlpJsonTranscoderTest {
  private final OtlpJsonTranscoder transcoder = new OtlpJsonTranscoder();

  /** A request with one record holding {@code fields} (JSON members, without braces). */
  static String recordJson(String fields) {
    return "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{" + fields + "}]}]}]}";
  }

  /** A request with one record whose body is {@code value} (an AnyValue's JSON members). */
  static String bodyJson(String value) {
    return recordJson("\"body\":{" + value + "}");
  }

  private ExportLogsServiceRequest transcode(String json) throws Exception {
    return transcode(json.getBytes(StandardCharsets.UTF_8));
  }

  private ExportLogsServiceRequest transcode(byte[] json) throws Exception {
    return ExportLogsServiceRequest.parseFrom(transcoder.transcode(json, 0, json.length));
  }

  private LogRecord record(String fields) throws Exception {
    return transcode(recordJson(fields)).getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
  }

  private AnyValue body(String value) throws Exception {
    return record("\"body\":{" + value + "}").getBody();
  }

  private String error(String json) {
    return error(json.getBytes(StandardCharsets.UTF_8));
  }

  private String error(byte[] json) {
    try {
      transcoder.transcode(json, 0, json.length);
    } catch (OtlpJsonException e) {
      assertThat(e.getMessage()).doesNotContain("`").doesNotContain("StreamReadConstraints");
      return e.getMessage();
    }
    throw new AssertionError("transcoded: " + new String(json, StandardCharsets.UTF_8));
  }

  private static final String RECORD = "resourceLogs[0].scopeLogs[0].logRecords[0]";

  // ---- the operator's two requests
  // ---------------------------------------------------------------

  @Test
  void rejectsATimestampWithAHugeExponentAtOnce() {
    long start = System.nanoTime();

    String asString = error(recordJson("\"timeUnixNano\":\"179608245e157969341\""));
    String asNumber = error(recordJson("\"timeUnixNano\":179608245e157969341"));

    assertThat(asString)
        .isEqualTo(
            RECORD
                + ".timeUnixNano: \"179608245e157969341\" (expected: an unsigned 64-bit"
                + " integer)");
    assertThat(asNumber)
        .isEqualTo(
            RECORD
                + ".timeUnixNano: 179608245e157969341 (expected: an unsigned 64-bit"
                + " integer)");
    // a correctness bound, not a benchmark: the old parser took minutes and gigabytes here
    assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
  }

  @ParameterizedTest
  @ValueSource(ints = {5_000, 100_000})
  void rejectsDeepNestingWithoutRecursion(int levels) {
    String arrays = "[".repeat(levels) + "]".repeat(levels);
    String values = "{\"arrayValue\":{\"values\":[".repeat(levels) + "]}}".repeat(levels);

    assertThat(error(arrays)).isEqualTo("an array (expected: a JSON object)");
    assertThat(error("{\"x\":" + arrays + "}"))
        .isEqualTo(
            "(root): malformed JSON at byte 206: Document nesting depth"
                + " (202) exceeds the maximum allowed (201)");
    assertThat(error(recordJson("\"unknown\":" + arrays)))
        .startsWith(RECORD + ": malformed JSON at byte ")
        .contains("nesting depth");
    assertThat(error(recordJson("\"body\":" + values))).contains("nesting depth");
    assertThat(error("{\"x\":" + "{\"a\":".repeat(levels) + "1" + "}".repeat(levels) + "}"))
        .contains("nesting depth");
  }

  @Test
  void acceptsNestingUpToTheLimit() throws Exception {
    // the request object is level 1
    String deepest =
        "{\"x\":"
            + "[".repeat(OtlpJsonTranscoder.MAX_DEPTH - 1)
            + "]".repeat(OtlpJsonTranscoder.MAX_DEPTH - 1)
            + "}";
    String deeper =
        "{\"x\":"
            + "[".repeat(OtlpJsonTranscoder.MAX_DEPTH)
            + "]".repeat(OtlpJsonTranscoder.MAX_DEPTH)
            + "}";

    assertThat(transcode(deepest)).isEqualTo(ExportLogsServiceRequest.getDefaultInstance());
    assertThat(error(deeper)).contains("nesting depth");
  }

  @Test
  void keepsTheNestingThatProtobufAllowsSoTheDecoderJudgesIt() throws Exception {
    // 40 lists inside each other: JSON depth 7 + 1 + 3 × 40 = 128, protobuf depth 4 + 2 × 40 = 84
    String body =
        "{\"arrayValue\":{\"values\":[".repeat(40) + "{\"intValue\":1}" + "]}}".repeat(40);

    AnyValue v = record("\"body\":" + body).getBody();

    for (int i = 0; i < 40; i++) {
      v = v.getArrayValue().getValues(0);
    }
    assertThat(v.getIntValue()).isEqualTo(1);
  }

  // ---- document-level rules --------------------------------------------------------------------

  @Test
  void rejectsDuplicateKeysInAnyObject() {
    assertThat(error(recordJson("\"severityText\":\"a\",\"severityText\":\"b\"")))
        .isEqualTo(
            RECORD + ": malformed JSON at byte 80: key \"severityText\" given twice in one object");
    assertThat(error(recordJson("\"severityText\":\"a\",\"severity_text\":\"b\"")))
        .isEqualTo(RECORD + ".severity_text: given twice (also as severityText)");
    assertThat(error(recordJson("\"x\":{\"a\":1,\"a\":1}")))
        .contains("key \"a\" given twice in one object");
    assertThat(error("{\"y\":1,\"y\":2}")).contains("key \"y\" given twice");
  }

  @Test
  void quotesAtMost64BytesOfADuplicateKey() {
    String key = "\u00e9".repeat(10_000);

    String message = error("{\"" + key + "\":1,\"" + key + "\":2}");

    assertThat(message).contains("\u00e9".repeat(32) + "...").doesNotContain("\u00e9".repeat(33));
  }

  @Test
  void rejectsInvalidUtf8AnywhereInTheBody() {
    byte[][] invalid = {
      {(byte) 0xC3, 0x28}, // a lead byte without continuation
      {(byte) 0xC0, (byte) 0x80}, // overlong NUL
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a UTF-16 surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
      {(byte) 0xFF},
      {(byte) 0x80},
    };
    for (byte[] bad : invalid) {
      for (String template :
          List.of(
              bodyJson("\"stringValue\":\"a#b\""),
              recordJson("\"unknown\":\"#\""),
              recordJson("\"#\":1"))) {
        byte[] json = splice(template, bad);
        assertThat(error(json)).as(template).isEqualTo("request body is not valid UTF-8");
      }
    }
  }

  private static byte[] splice(String template, byte[] bytes) {
    int at = template.indexOf('#');
    byte[] head = template.substring(0, at).getBytes(StandardCharsets.UTF_8);
    byte[] tail = template.substring(at + 1).getBytes(StandardCharsets.UTF_8);
    byte[] json = Arrays.copyOf(head, head.length + bytes.length + tail.length);
    System.arraycopy(bytes, 0, json, head.length, bytes.length);
    System.arraycopy(tail, 0, json, head.length + bytes.length, tail.length);
    return json;
  }

  @Test
  void rejectsUnpairedSurrogateEscapesInKnownStrings() throws Exception {
    assertThat(error(bodyJson("\"stringValue\":\"a\\ud800b\"")))
        .isEqualTo(
            RECORD
                + ".body.stringValue: a string with an unpaired surrogate (expected: valid Unicode)");
    assertThat(error(bodyJson("\"stringValue\":\"\\udc00\""))).contains("unpaired surrogate");
    assertThat(body("\"stringValue\":\"\\ud83d\\ude00 \\u00e9\\u65e5\"").getStringValue())
        .isEqualTo("\ud83d\ude00 \u00e9\u65e5");
    assertThat(transcode(recordJson("\"unknown\":\"\\ud800\""))).isNotNull();
  }

  @Test
  void rejectsDataAfterTheObject() throws Exception {
    assertThat(error("{}{}")).isEqualTo("data after the JSON object");
    assertThat(error("{} 1")).isEqualTo("data after the JSON object");
    assertThat(error("{}]")).startsWith("(root): malformed JSON at byte ");
    assertThat(error("{}x")).startsWith("(root): malformed JSON at byte ");
    assertThat(transcode(" {} \r\n\t")).isEqualTo(ExportLogsServiceRequest.getDefaultInstance());
  }

  @Test
  void rejectsAnEmptyBodyAndOtherRoots() {
    assertThat(error("")).isEqualTo("empty request body (expected: a JSON object)");
    assertThat(error("  \n")).isEqualTo("empty request body (expected: a JSON object)");
    assertThat(error("[]")).isEqualTo("an array (expected: a JSON object)");
    assertThat(error("\"x\"")).isEqualTo("\"x\" (expected: a JSON object)");
    assertThat(error("7")).isEqualTo("7 (expected: a JSON object)");
    assertThat(error("null")).isEqualTo("null (expected: a JSON object)");
  }

  @Test
  void failsWithTheTypedExceptionForEveryTruncation() {
    byte[] json =
        OtlpJsonForm.standard()
            .bytes(
                new RandomOtlp(new Random(3))
                    .request().toBuilder()
                        .addResourceLogs(
                            OtlpRequests.request(OtlpRequests.record("x")).getResourceLogs(0))
                        .build());

    for (int length = 0; length < json.length; length++) {
      try {
        transcoder.transcode(json, 0, length);
        throw new AssertionError("transcoded " + length + " of " + json.length + " bytes");
      } catch (OtlpJsonException expected) {
        // every prefix is incomplete
      }
    }
  }

  @Test
  void readsTheGivenSliceOfTheArray() throws Exception {
    byte[] json =
        ("xx" + recordJson("\"severityText\":\"w\"") + "yy").getBytes(StandardCharsets.UTF_8);

    ExportLogsServiceRequest r =
        ExportLogsServiceRequest.parseFrom(transcoder.transcode(json, 2, json.length - 4));

    assertThat(r.getResourceLogs(0).getScopeLogs(0).getLogRecords(0).getSeverityText())
        .isEqualTo("w");
  }

  // ---- field names, unknown fields, null
  // ----------------------------------------------------------

  @Test
  void acceptsCamelCaseAndProtoNames() throws Exception {
    String camel =
        "{\"resourceLogs\":[{\"schemaUrl\":\"s\",\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"5\","
            + "\"observedTimeUnixNano\":6,\"severityNumber\":9,\"severityText\":\"t\",\"droppedAttributesCount\":2,"
            + "\"flags\":1,\"traceId\":\"0102\",\"spanId\":\"03\",\"body\":{\"kvlistValue\":{\"values\":[{\"key\":\"k\","
            + "\"value\":{\"bytesValue\":\"AQ==\"}}]}}}],\"schemaUrl\":\"u\"}]}]}";
    String snake =
        camel
            .replace("observedTimeUnixNano", "observed_time_unix_nano")
            .replace("resourceLogs", "resource_logs")
            .replace("schemaUrl", "schema_url")
            .replace("scopeLogs", "scope_logs")
            .replace("logRecords", "log_records")
            .replace("timeUnixNano", "time_unix_nano")
            .replace("severityNumber", "severity_number")
            .replace("severityText", "severity_text")
            .replace("droppedAttributesCount", "dropped_attributes_count")
            .replace("traceId", "trace_id")
            .replace("spanId", "span_id")
            .replace("kvlistValue", "kvlist_value")
            .replace("bytesValue", "bytes_value");
    assertThat(snake).doesNotContainPattern("[a-z][A-Z]");

    ExportLogsServiceRequest r = transcode(camel);

    assertThat(transcode(snake)).isEqualTo(r);
    LogRecord record = r.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(record.getTimeUnixNano()).isEqualTo(5);
    assertThat(record.getObservedTimeUnixNano()).isEqualTo(6);
    assertThat(record.getSeverityNumberValue()).isEqualTo(9);
    assertThat(record.getDroppedAttributesCount()).isEqualTo(2);
    assertThat(record.getFlags()).isEqualTo(1);
    assertThat(record.getTraceId()).isEqualTo(ByteString.copyFrom(new byte[] {1, 2}));
    assertThat(record.getBody().getKvlistValue().getValues(0).getValue().getBytesValue().byteAt(0))
        .isEqualTo((byte) 1);
    assertThat(r.getResourceLogs(0).getSchemaUrl()).isEqualTo("s");
    assertThat(r.getResourceLogs(0).getScopeLogs(0).getSchemaUrl()).isEqualTo("u");
  }

  @Test
  void skipsUnknownFieldsOfEveryJsonType() throws Exception {
    String unknowns =
        "\"s\":\"x\",\"i\":-12,\"f\":1.5e300,\"big\":123456789012345678901234567890,\"t\":true,"
            + "\"n\":null,\"o\":{\"a\":[1,{\"b\":null}],\"resourceLogs\":7},\"a\":[[],{},\"\",0],\"e\":{},\"ea\":[]";
    String json =
        "{"
            + unknowns
            + ",\"resourceLogs\":[{"
            + unknowns
            + ",\"resource\":{"
            + unknowns
            + "},\"scopeLogs\":[{"
            + unknowns
            + ",\"scope\":{"
            + unknowns
            + ",\"name\":\"n\"},\"logRecords\":[{"
            + unknowns
            + ",\"severityText\":\"w\",\"body\":{"
            + unknowns
            + ",\"stringValue\":\"b\"},\"attributes\":[{"
            + unknowns
            + ",\"key\":\"k\",\"value\":{\"boolValue\":true,"
            + unknowns
            + "}}]}]}]}]}";
    String plain =
        "{\"resourceLogs\":[{\"resource\":{},\"scopeLogs\":[{\"scope\":{\"name\":\"n\"},\"logRecords\":"
            + "[{\"severityText\":\"w\",\"body\":{\"stringValue\":\"b\"},\"attributes\":[{\"key\":\"k\",\"value\":"
            + "{\"boolValue\":true}}]}]}]}]}";

    assertThat(transcode(json)).isEqualTo(transcode(plain));
    assertThat(transcode(json).getUnknownFields().asMap()).isEmpty();
  }

  @Test
  void treatsNullAsAnAbsentField() throws Exception {
    String nulls =
        "{\"resourceLogs\":[{\"resource\":null,\"schemaUrl\":null,\"scopeLogs\":[{\"scope\":null,"
            + "\"logRecords\":[{\"timeUnixNano\":null,\"observedTimeUnixNano\":null,\"severityNumber\":null,"
            + "\"severityText\":null,\"body\":null,\"attributes\":null,\"droppedAttributesCount\":null,\"flags\":null,"
            + "\"traceId\":null,\"spanId\":null},{\"body\":{\"stringValue\":null,\"intValue\":5}}]}]}]}";

    ExportLogsServiceRequest r = transcode(nulls);

    assertThat(r.getResourceLogs(0).hasResource()).isFalse();
    assertThat(r.getResourceLogs(0).getScopeLogs(0).getLogRecords(0))
        .isEqualTo(LogRecord.getDefaultInstance());
    assertThat(r.getResourceLogs(0).getScopeLogs(0).getLogRecords(1).getBody().getIntValue())
        .isEqualTo(5);
    assertThat(transcode("{\"resourceLogs\":null}"))
        .isEqualTo(ExportLogsServiceRequest.getDefaultInstance());
  }

  @Test
  void rejectsNullElementsInArrays() {
    assertThat(error("{\"resourceLogs\":[null]}"))
        .isEqualTo("resourceLogs[0]: null (expected: an object)");
    assertThat(error(bodyJson("\"arrayValue\":{\"values\":[{},null]}")))
        .isEqualTo(RECORD + ".body.arrayValue.values[1]: null (expected: an object)");
  }

  @Test
  void rejectsTheWrongJsonTypeForAKnownField() {
    assertThat(error("{\"resourceLogs\":\"x\"}"))
        .isEqualTo("resourceLogs: \"x\" (expected: an array)");
    assertThat(error("{\"resourceLogs\":{}}"))
        .isEqualTo("resourceLogs: an object (expected: an array)");
    assertThat(error("{\"resourceLogs\":[[]]}"))
        .isEqualTo("resourceLogs[0]: an array (expected: an object)");
    assertThat(error("{\"resourceLogs\":[{\"resource\":[]}]}"))
        .isEqualTo("resourceLogs[0].resource: an array (expected: an object)");
    assertThat(error(recordJson("\"body\":\"text\"")))
        .isEqualTo(RECORD + ".body: \"text\" (expected: an object)");
    assertThat(error(bodyJson("\"stringValue\":5")))
        .isEqualTo(RECORD + ".body.stringValue: 5 (expected: a string)");
    assertThat(error(bodyJson("\"stringValue\":{}")))
        .isEqualTo(RECORD + ".body.stringValue: an object (expected: a" + " string)");
    assertThat(error(bodyJson("\"boolValue\":1")))
        .isEqualTo(RECORD + ".body.boolValue: 1 (expected: true or false)");
    assertThat(error(recordJson("\"traceId\":12")))
        .isEqualTo(RECORD + ".traceId: 12 (expected: a string of hex" + " digits)");
    assertThat(error(recordJson("\"attributes\":[{\"key\":true}]")))
        .isEqualTo(RECORD + ".attributes[0].key: true (expected: a string)");
  }

  @Test
  void shortensDeepPaths() {
    String json =
        bodyJson(
            "\"arrayValue\":{\"values\":["
                + "{\"arrayValue\":{\"values\":[".repeat(5)
                + "{\"intValue\":1.5}"
                + "]}}".repeat(5)
                + "]}");

    assertThat(error(json))
        .isEqualTo(
            "resourceLogs[0].scopeLogs[0].logRecords[0]...values[0].arrayValue.values[0].intValue: 1.5"
                + " (expected: a signed 64-bit integer)");
  }

  @Test
  void namesARepeatedFieldWithoutAnIndexBeforeItsFirstElement() {
    assertThat(error("{\"resourceLogs\":[x]}"))
        .startsWith("resourceLogs: malformed JSON at byte 19: Unrecognized" + " token 'x'");
  }

  @Test
  void quotesAtMost64BytesOfAValue() {
    String message = error(bodyJson("\"intValue\":\"" + "9".repeat(100_000) + "\""));

    assertThat(message)
        .isEqualTo(
            RECORD
                + ".body.intValue: \""
                + "9".repeat(64)
                + "...\" (expected: a signed 64-bit"
                + " integer)");
    assertThat(error(bodyJson("\"boolValue\":\"" + "\u65e5".repeat(30) + "\"")))
        .contains("\"" + "\u65e5".repeat(21) + "...\"");
    assertThat(error(bodyJson("\"boolValue\":\"a\\\"\\n\""))).contains("\"a\\u0022\\u000a\"");
  }

  @Test
  void rejectsTwoCasesOfTheAnyValueOneof() throws Exception {
    assertThat(error(bodyJson("\"stringValue\":\"a\",\"intValue\":1")))
        .isEqualTo(RECORD + ".body.intValue: a second field of oneof value (expected: one)");
    assertThat(body("\"stringValue\":null,\"intValue\":1").getIntValue()).isEqualTo(1);
  }

  @Test
  void keepsOneofCasesThatHoldTheDefault() throws Exception {
    assertThat(body("\"intValue\":0").getValueCase()).isEqualTo(AnyValue.ValueCase.INT_VALUE);
    assertThat(body("\"stringValue\":\"\"").getValueCase())
        .isEqualTo(AnyValue.ValueCase.STRING_VALUE);
    assertThat(body("\"boolValue\":false").getValueCase()).isEqualTo(AnyValue.ValueCase.BOOL_VALUE);
    assertThat(body("\"doubleValue\":0").getValueCase()).isEqualTo(AnyValue.ValueCase.DOUBLE_VALUE);
    assertThat(body("\"bytesValue\":\"\"").getValueCase())
        .isEqualTo(AnyValue.ValueCase.BYTES_VALUE);
    assertThat(body("\"arrayValue\":{}").getValueCase()).isEqualTo(AnyValue.ValueCase.ARRAY_VALUE);
    assertThat(body("").getValueCase()).isEqualTo(AnyValue.ValueCase.VALUE_NOT_SET);
  }

  @Test
  void readsBooleansAsLiteralsOrStrings() throws Exception {
    assertThat(body("\"boolValue\":true").getBoolValue()).isTrue();
    assertThat(body("\"boolValue\":\"true\"").getBoolValue()).isTrue();
    assertThat(body("\"boolValue\":\"false\"").getValueCase())
        .isEqualTo(AnyValue.ValueCase.BOOL_VALUE);
    assertThat(error(bodyJson("\"boolValue\":\"TRUE\""))).endsWith("(expected: true or false)");
  }

  // ---- integers
  // ----------------------------------------------------------------------------------

  @Test
  void readsIntegersAsNumbersOrStringsAtTheEdgesOfTheirRange() throws Exception {
    assertThat(record("\"timeUnixNano\":\"18446744073709551615\"").getTimeUnixNano())
        .isEqualTo(-1L);
    assertThat(record("\"timeUnixNano\":18446744073709551615").getTimeUnixNano()).isEqualTo(-1L);
    assertThat(record("\"timeUnixNano\":\"00000000000000000007\"").getTimeUnixNano()).isEqualTo(7);
    assertThat(
            record("\"timeUnixNano\":0")
                .hasField(LogRecord.getDescriptor().findFieldByName("time_unix_nano")))
        .isFalse();
    assertThat(body("\"intValue\":\"-9223372036854775808\"").getIntValue())
        .isEqualTo(Long.MIN_VALUE);
    assertThat(body("\"intValue\":9223372036854775807").getIntValue()).isEqualTo(Long.MAX_VALUE);
    assertThat(body("\"intValue\":\"-0\"").getIntValue()).isZero();
    assertThat(record("\"droppedAttributesCount\":4294967295").getDroppedAttributesCount())
        .isEqualTo(-1);
    assertThat(record("\"flags\":\"4294967295\"").getFlags()).isEqualTo(-1);
    assertThat(record("\"severityNumber\":-2147483648").getSeverityNumberValue())
        .isEqualTo(Integer.MIN_VALUE);
    assertThat(record("\"severityNumber\":\"2147483647\"").getSeverityNumberValue())
        .isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void rejectsIntegersOutOfRangeForEachType() {
    String[][] cases = {
      // field, value, expected
      {"timeUnixNano", "18446744073709551616", "an unsigned 64-bit integer"},
      {"timeUnixNano", "\"99999999999999999999\"", "an unsigned 64-bit integer"},
      {"observedTimeUnixNano", "\"184467440737095516150\"", "an unsigned 64-bit integer"},
      {"droppedAttributesCount", "4294967296", "an unsigned 32-bit integer"},
      {"flags", "\"4294967296\"", "an unsigned 32-bit integer"},
      {"severityNumber", "2147483648", "a SeverityNumber name or a 32-bit integer"},
      {"severityNumber", "-2147483649", "a SeverityNumber name or a 32-bit integer"},
    };
    for (String[] c : cases) {
      assertThat(error(recordJson("\"" + c[0] + "\":" + c[1])))
          .isEqualTo(RECORD + "." + c[0] + ": " + c[1] + " (expected: " + c[2] + ")");
    }
    assertThat(error(bodyJson("\"intValue\":9223372036854775808")))
        .endsWith("(expected: a signed 64-bit integer)");
    assertThat(error(bodyJson("\"intValue\":\"-9223372036854775809\"")))
        .endsWith("(expected: a signed 64-bit integer)");
    assertThat(error(bodyJson("\"intValue\":" + "1".repeat(65))))
        .contains("Number value length (65) exceeds the" + " maximum allowed (64)");
  }

  @Test
  void rejectsIntegersWithAnExponentOrFraction() {
    for (String v :
        List.of("1e3", "1E3", "1.0", "1.5", "\"1e3\"", "\"1.0\"", "\"1e+3\"", "-1e3", "\"0x10\"")) {
      assertThat(error(recordJson("\"timeUnixNano\":" + v)))
          .isEqualTo(RECORD + ".timeUnixNano: " + v + " (expected: an unsigned 64-bit integer)");
      assertThat(error(bodyJson("\"intValue\":" + v)))
          .isEqualTo(RECORD + ".body.intValue: " + v + " (expected: a signed 64-bit integer)");
    }
  }

  @Test
  void rejectsNegativeValuesForUnsignedFields() {
    for (String field :
        List.of("timeUnixNano", "observedTimeUnixNano", "droppedAttributesCount", "flags")) {
      for (String v : List.of("-1", "\"-1\"", "\"-0\"")) {
        assertThat(error(recordJson("\"" + field + "\":" + v)))
            .startsWith(RECORD + "." + field + ": " + v + " (expected: an unsigned");
      }
    }
  }

  @Test
  void rejectsIntegerStringsThatAreNotPlainDigits() {
    for (String v :
        List.of("\"\"", "\"+5\"", "\" 5\"", "\"5 \"", "\"-\"", "\"\\u0665\"", "true", "[]", "{}")) {
      assertThat(error(bodyJson("\"intValue\":" + v)))
          .contains("(expected: a signed 64-bit integer)");
    }
  }

  // ---- enums
  // -------------------------------------------------------------------------------------

  @Test
  void readsSeverityNumbersAsNamesOrNumbers() throws Exception {
    assertThat(record("\"severityNumber\":\"SEVERITY_NUMBER_ERROR\"").getSeverityNumberValue())
        .isEqualTo(17);
    assertThat(record("\"severityNumber\":17").getSeverityNumberValue()).isEqualTo(17);
    assertThat(record("\"severityNumber\":\"17\"").getSeverityNumberValue()).isEqualTo(17);
  }

  @Test
  void ignoresUnknownSeverityNamesLikeUnknownFields() throws Exception {
    LogRecord r = record("\"severityNumber\":\"SEVERITY_NUMBER_LOUD\",\"severityText\":\"warn\"");

    assertThat(r.getSeverityNumberValue()).isZero();
    assertThat(
            map(
                recordJson(
                    "\"severityNumber\":\"LOUD\",\"severityText\":\"warn\",\"body\":{\"stringValue\":\"x\"}")))
        .singleElement()
        .isSameAs(Accepted.INSTANCE);
    assertThat(error(recordJson("\"severityNumber\":1.5")))
        .contains("expected: a SeverityNumber name");
  }

  @Test
  void keepsUnknownSeverityNumbersForTheDecoderToRejectTheirRecord() throws Exception {
    assertThat(record("\"severityNumber\":99").getSeverityNumberValue()).isEqualTo(99);
    assertThat(record("\"severityNumber\":-1").getSeverityNumberValue()).isEqualTo(-1);

    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"severityNumber\":99},{\"severityNumber\":-1},"
            + "{\"severityNumber\":9}]}]}]}";
    List<ParseResult> results = map(json);

    assertThat(results).hasSize(3);
    assertThat(results.get(0))
        .isEqualTo(
            new Rejected(
                ErrorType.INVALID_VALUE, "/level", "severity_number 99 (expected: 0..24)"));
    assertThat(results.get(1))
        .isEqualTo(
            new Rejected(
                ErrorType.INVALID_VALUE, "/level", "severity_number -1 (expected: 0..24)"));
    assertThat(results.get(2)).isSameAs(Accepted.INSTANCE);
  }

  // ---- doubles
  // -----------------------------------------------------------------------------------

  @Test
  void readsDoublesAsNumbersStringsAndTheNamedSpecialValues() throws Exception {
    assertThat(body("\"doubleValue\":\"NaN\"").getDoubleValue()).isNaN();
    assertThat(body("\"doubleValue\":\"Infinity\"").getDoubleValue())
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(body("\"doubleValue\":\"-Infinity\"").getDoubleValue())
        .isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(body("\"doubleValue\":1.5e-300").getDoubleValue()).isEqualTo(1.5e-300);
    assertThat(body("\"doubleValue\":-0.0").getDoubleValue()).isEqualTo(-0.0);
    assertThat(body("\"doubleValue\":\"2.5\"").getDoubleValue()).isEqualTo(2.5);
    assertThat(body("\"doubleValue\":\"-1E+2\"").getDoubleValue()).isEqualTo(-100);
    assertThat(body("\"doubleValue\":7").getDoubleValue()).isEqualTo(7);
    assertThat(body("\"doubleValue\":4.9E-324").getDoubleValue()).isEqualTo(Double.MIN_VALUE);
    assertThat(body("\"doubleValue\":1e-400").getDoubleValue()).isZero();
  }

  @Test
  void rejectsDoublesOutOfRangeAndOtherStrings() {
    for (String v :
        List.of(
            "1e400",
            "-1e309",
            "\"1e400\"",
            "\"nan\"",
            "\"inf\"",
            "\"+Infinity\"",
            "\"0x10\"",
            "\"1d\"",
            "\" 1\"",
            "\"01\"",
            "\".5\"",
            "\"\"",
            "true",
            "{}")) {
      assertThat(error(bodyJson("\"doubleValue\":" + v)))
          .isEqualTo(
              RECORD
                  + ".body.doubleValue: "
                  + describe(v)
                  + " (expected: a double: a number, \"NaN\", \"Infinity\" or \"-Infinity\")");
    }
    assertThat(error(bodyJson("\"doubleValue\":NaN"))).contains("malformed JSON");
    assertThat(error(bodyJson("\"doubleValue\":Infinity"))).contains("malformed JSON");
  }

  private static String describe(String json) {
    return json.equals("{}") ? "an object" : json;
  }

  // ---- bytes and ids
  // -----------------------------------------------------------------------------

  @Test
  void readsStandardAndUrlSafeBase64WithOrWithoutPadding() throws Exception {
    byte[] bytes = {(byte) 0xFB, (byte) 0xFF, (byte) 0xBF, 1};
    for (String b64 : List.of("+/+/AQ==", "+/+/AQ", "-_-_AQ==", "-_-_AQ")) {
      assertThat(body("\"bytesValue\":\"" + b64 + "\"").getBytesValue().toByteArray())
          .as(b64)
          .isEqualTo(bytes);
    }
    assertThat(body("\"bytesValue\":\"AAEC\"").getBytesValue().toByteArray())
        .isEqualTo(new byte[] {0, 1, 2});
    assertThat(body("\"bytesValue\":\"AAE=\"").getBytesValue().toByteArray())
        .isEqualTo(new byte[] {0, 1});
  }

  @Test
  void rejectsMalformedBase64() {
    for (String b64 :
        List.of(
            "A",
            "AAAAA",
            "A===",
            "AA=",
            "AAA==",
            "====",
            "+/-_",
            "AA AA",
            "AA\\nAA",
            "\u00e9AAA",
            "AQ=A")) {
      assertThat(error(bodyJson("\"bytesValue\":\"" + b64 + "\"")))
          .as(b64)
          .endsWith("(expected: a base64 string)");
    }
  }

  @Test
  void readsHexIdsInEitherCase() throws Exception {
    LogRecord r =
        record("\"traceId\":\"4BF92F3577B34DA6A3CE929D0E0E4736\",\"spanId\":\"00f067aa0ba902b7\"");

    assertThat(r.getTraceId().toByteArray())
        .isEqualTo(java.util.HexFormat.of().parseHex("4bf92f3577b34da6a3ce929d0e0e4736"));
    assertThat(r.getSpanId().toByteArray())
        .isEqualTo(java.util.HexFormat.of().parseHex("00f067aa0ba902b7"));
    assertThat(r.getUnknownFields().asMap()).isEmpty();
  }

  @Test
  void rejectsOnlyTheRecordWhoseIdIsNotHex() throws Exception {
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":["
            + "{\"traceId\":\"zz\",\"body\":{\"stringValue\":\"a\"}},"
            + "{\"spanId\":\"abc\",\"body\":{\"stringValue\":\"b\"}},"
            + "{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e473\",\"body\":{\"stringValue\":\"c\"}},"
            + "{\"traceId\":\"\\uff10\\uff10\",\"body\":{\"stringValue\":\"d\"}},"
            + "{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanId\":\"\",\"body\":{\"stringValue\":\"e\"}}"
            + "]}]}]}";

    List<ParseResult> results = map(json);

    assertThat(results)
        .containsExactly(
            new Rejected(
                ErrorType.INVALID_VALUE,
                "/trace_id",
                "trace_id is not hex (expected: 32 hex digits)"),
            new Rejected(
                ErrorType.INVALID_VALUE,
                "/span_id",
                "span_id is not hex (expected: 16 hex digits)"),
            new Rejected(
                ErrorType.INVALID_VALUE,
                "/trace_id",
                "trace_id is not hex (expected: 32 hex digits)"),
            new Rejected(
                ErrorType.INVALID_VALUE,
                "/trace_id",
                "trace_id is not hex (expected: 32 hex digits)"),
            Accepted.INSTANCE);
    assertThat(map(recordJson("\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e47\"")))
        .containsExactly(
            new Rejected(
                ErrorType.INVALID_VALUE, "/trace_id", "trace_id has 15 bytes (expected: 16)"));
  }

  private List<ParseResult> map(String json)
      throws OtlpJsonException, InvalidProtocolBufferException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    byte[] protobuf = transcoder.transcode(bytes, 0, bytes.length);
    List<ParseResult> results = new ArrayList<>();
    new OtlpLogDecoder(SchemaLimits.defaults())
        .decode(
            protobuf,
            0,
            protobuf.length,
            NOW_NANOS,
            NOW_MILLIS,
            new LogEntry(),
            (result, entry) -> results.add(result));
    return results;
  }

  // ---- output
  // ------------------------------------------------------------------------------------

  @Test
  void writesMinimalLengthPrefixesAroundLargeMessages() throws Exception {
    // strings of 0, 127, 128, 16383, 16384, 2^21 bytes and past Jackson's default limit of 20 M
    StringBuilder records = new StringBuilder();
    int[] sizes = {0, 127, 128, 16_383, 16_384, 1 << 21, 21_000_000};
    for (int size : sizes) {
      records
          .append(records.isEmpty() ? "" : ",")
          .append("{\"body\":{\"stringValue\":\"")
          .append("x".repeat(size))
          .append("\"}}");
    }
    String json = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[" + records + "]}]}]}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    byte[] protobuf = transcoder.transcode(bytes, 0, bytes.length);
    ExportLogsServiceRequest parsed = ExportLogsServiceRequest.parseFrom(protobuf);

    for (int i = 0; i < sizes.length; i++) {
      assertThat(
              parsed.getResourceLogs(0).getScopeLogs(0).getLogRecords(i).getBody().getStringValue())
          .hasSize(sizes[i]);
    }
    // fields here are in protobuf's own order, so the bytes must be protobuf-java's to the byte
    assertThat(protobuf).isEqualTo(parsed.toByteArray());
    // and the buffer, grown past what is kept, works for the next request
    assertThat(
            transcode(recordJson("\"severityText\":\"ok\""))
                .getResourceLogs(0)
                .getScopeLogs(0)
                .getLogRecords(0)
                .getSeverityText())
        .isEqualTo("ok");
  }
}
