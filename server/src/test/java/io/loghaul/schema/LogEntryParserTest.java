package io.loghaul.schema;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogEntryParserTest {
  static final long NOW = 1_795_316_252_000L;
  static final String ABSENT = "\0absent";

  final LogEntryParser parser = new LogEntryParser(SchemaLimits.defaults());
  final LogEntry entry = new LogEntry();

  /**
   * Small limits: service 5 B, message 10 B, 2 attributes, key 3 B, value 8 B, depth 2, age 60 s,
   * future 10 s.
   */
  static final SchemaLimits SMALL = new SchemaLimits(400, 5, 10, 2, 3, 8, 2, 60, 10);

  ParseResult parse(String json) {
    return parse(parser, json.getBytes(UTF_8));
  }

  ParseResult parse(byte[] value) {
    return parse(parser, value);
  }

  ParseResult parse(LogEntryParser p, String json) {
    return parse(p, json.getBytes(UTF_8));
  }

  ParseResult parse(LogEntryParser p, byte[] value) {
    return p.parse(value, 0, value.length, NOW, entry);
  }

  /** A valid record with some fields replaced ({@link #ABSENT} removes one) or added at the end. */
  static String record(String... fieldsAndJsonValues) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("timestamp", Long.toString(NOW));
    fields.put("service_name", "\"svc\"");
    fields.put("level", "\"INFO\"");
    fields.put("message", "\"m\"");
    for (int i = 0; i < fieldsAndJsonValues.length; i += 2) {
      if (fieldsAndJsonValues[i + 1].equals(ABSENT)) {
        fields.remove(fieldsAndJsonValues[i]);
      } else {
        fields.put(fieldsAndJsonValues[i], fieldsAndJsonValues[i + 1]);
      }
    }
    StringBuilder sb = new StringBuilder("{");
    fields.forEach(
        (k, v) ->
            sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return sb.append('}').toString();
  }

  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String s) {
        out.writeBytes(s.getBytes(UTF_8));
      } else {
        for (int b : (int[]) part) {
          out.write(b);
        }
      }
    }
    return out.toByteArray();
  }

  static Rejected rejected(ParseResult result, ErrorType type, String field) {
    assertThat(result).isInstanceOf(Rejected.class);
    Rejected r = (Rejected) result;
    assertThat(r.type()).as("type of %s", r).isEqualTo(type);
    assertThat(r.field()).as("field of %s", r).isEqualTo(field);
    assertThat(r.message()).isNotBlank();
    assertThat(r.message().getBytes(UTF_8).length).isLessThanOrEqualTo(1024);
    return r;
  }

  void accepted(ParseResult result) {
    assertThat(result).as("result for %s", entry).isSameAs(Accepted.INSTANCE);
  }

  @Nested
  class ValidForms {
    @Test
    void acceptsTheSpecExample() {
      String json =
          "{\"timestamp\": 1795316252123, \"service_name\": \"checkout\", \"level\": \"INFO\",\n"
              + " \"message\": \"payment accepted\", \"trace_id\": \"4bf92f3577b34da6a3ce929d0e0e4736\",\n"
              + " \"span_id\": \"00f067aa0ba902b7\", \"attributes\": {\"http.status\": 200, \"user\": {\"tier\": \"gold\"}}}";
      accepted(parse(json));
      assertThat(entry.timestampNanos()).isEqualTo(1_795_316_252_123_000_000L);
      assertThat(entry.serviceName()).isEqualTo("checkout");
      assertThat(entry.level()).isEqualTo(Level.INFO);
      assertThat(entry.message()).isEqualTo("payment accepted");
      assertThat(entry.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(entry.spanId()).isEqualTo("00f067aa0ba902b7");
      assertThat(entry.attributeCount()).isEqualTo(2);
      assertThat(entry.attributeKey(0)).isEqualTo("http.status");
      assertThat(entry.attributeValue(0)).isEqualTo("200");
      assertThat(entry.attributeKey(1)).isEqualTo("user");
      assertThat(entry.attributeValue(1)).isEqualTo("{\"tier\":\"gold\"}");
    }

    @Test
    void acceptsAnyKeyOrderAndWhitespace() {
      String json =
          " \t\r\n{ \"message\"\t:\r\"m\" ,\n\"level\" : 9 , \"attributes\" : { \"a\" : [ 1 , 2 ] } ,"
              + "\"service_name\":\"s\",\"timestamp\" :\n"
              + NOW
              + " } \n";
      accepted(parse(json));
      assertThat(entry.level()).isEqualTo(Level.INFO);
      assertThat(entry.attributeValue(0)).isEqualTo("[1,2]");
      assertThat(entry.timestampNanos()).isEqualTo(NOW * 1_000_000);
    }

    @Test
    void decodesEveryEscapeIntoUtf8() {
      accepted(
          parse(
              record(
                  "message",
                  "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\ud83d\\ude00\\u0000é€\"")));
      assertThat(entry.message()).isEqualTo("a\"b\\c/d\b\f\n\r\tAé€😀\0é€");
      byte[] expected = "a\"b\\c/d\b\f\n\r\tAé€😀\0é€".getBytes(UTF_8);
      assertThat(entry.messageLength()).isEqualTo(expected.length);
      assertThat(
              java.util.Arrays.copyOfRange(
                  entry.arena(),
                  entry.messageOffset(),
                  entry.messageOffset() + entry.messageLength()))
          .containsExactly(expected);
    }

    @Test
    void storesASurrogatePairAsOneFourByteCharacter() {
      accepted(parse(record("message", "\"\\uD83D\\uDE00\"")));
      assertThat(entry.messageLength()).isEqualTo(4);
      int o = entry.messageOffset();
      assertThat(
              new int[] {
                entry.arena()[o] & 0xFF,
                entry.arena()[o + 1] & 0xFF,
                entry.arena()[o + 2] & 0xFF,
                entry.arena()[o + 3] & 0xFF
              })
          .containsExactly(0xF0, 0x9F, 0x98, 0x80);
    }

    @Test
    void recognisesFieldNamesWrittenWithEscapes() {
      accepted(parse(record("message", ABSENT, "mess\\u0061ge", "\"x\"")));
      assertThat(entry.message()).isEqualTo("x");
    }

    @Test
    void acceptsIntegerTimestampsAsEpochMilliseconds() {
      accepted(parse(record("timestamp", "1795316251999")));
      assertThat(entry.timestampNanos()).isEqualTo(1_795_316_251_999_000_000L);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "2026-11-22T02:53:00Z", "2026-11-22t02:53:00z", "2026-11-22T10:53:00+08:00",
          "2026-11-21T22:23:00-04:30", "2026-11-22T02:53:00-00:00", "2026-11-22T02:53:00.5Z",
          "2026-11-22T02:53:00.123456789Z", "2026-11-22T10:53:00.000000001+08:00",
              "2026-11-22T02:53:00.120Z"
        })
    void acceptsRfc3339TimestampsWithExactNanoseconds(String text) {
      accepted(parse(record("timestamp", "\"" + text + "\"")));
      Instant expected = java.time.OffsetDateTime.parse(text.toUpperCase()).toInstant();
      assertThat(entry.timestampNanos())
          .isEqualTo(expected.getEpochSecond() * 1_000_000_000L + expected.getNano());
    }

    @Test
    void acceptsLeapDaysOnlyInLeapYears() {
      LogEntryParser wide =
          new LogEntryParser(
              new SchemaLimits(1 << 20, 256, 65536, 128, 256, 16384, 8, 200L * 365 * 86_400, 900));
      accepted(parse(wide, record("timestamp", "\"2024-02-29T12:00:00Z\"")));
      assertThat(entry.timestampNanos()).isEqualTo(1_709_208_000_000_000_000L);
      accepted(parse(wide, record("timestamp", "\"2000-02-29T00:00:00Z\"")));
      accepted(parse(wide, record("timestamp", "\"1969-12-31T23:59:59.999999999Z\"")));
      assertThat(entry.timestampNanos()).isEqualTo(-1);
      rejected(
          parse(wide, record("timestamp", "\"2023-02-29T12:00:00Z\"")),
          ErrorType.INVALID_VALUE,
          "/timestamp");
      rejected(
          parse(wide, record("timestamp", "\"1900-02-29T12:00:00Z\"")),
          ErrorType.INVALID_VALUE,
          "/timestamp");
      rejected(
          parse(wide, record("timestamp", "\"2024-04-31T12:00:00Z\"")),
          ErrorType.INVALID_VALUE,
          "/timestamp");
    }

    @Test
    void readsLevelNamesCaseInsensitively() {
      String[][] cases = {
        {"trace", "TRACE"},
        {"Debug", "DEBUG"},
        {"info", "INFO"},
        {"WARN", "WARN"},
        {"warning", "WARN"},
        {"WaRnInG", "WARN"},
        {"error", "ERROR"},
        {"FATAL", "FATAL"}
      };
      for (String[] c : cases) {
        accepted(parse(record("level", "\"" + c[0] + "\"")));
        assertThat(entry.level()).as(c[0]).isEqualTo(Level.valueOf(c[1]));
      }
    }

    @Test
    void readsIntegerLevelsAsSeverityNumbers() {
      int[][] cases = {
        {1, 1}, {4, 1}, {5, 2}, {8, 2}, {9, 3}, {12, 3}, {13, 4}, {16, 4}, {17, 5}, {20, 5},
        {21, 6}, {24, 6}
      };
      for (int[] c : cases) {
        accepted(parse(record("level", Integer.toString(c[0]))));
        assertThat(entry.level()).as("severity %d", c[0]).isEqualTo(Level.ofCode(c[1]));
      }
    }

    @Test
    void storesIdsInLowerCase() {
      accepted(
          parse(
              record(
                  "trace_id",
                  "\"4BF92F3577B34DA6A3CE929D0E0E4736\"",
                  "span_id",
                  "\"00F067AA0BA902B7\"")));
      assertThat(entry.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(entry.spanId()).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void treatsNullOptionalFieldsAsAbsent() {
      accepted(parse(record("trace_id", "null", "span_id", "null", "attributes", "null")));
      assertThat(entry.hasTraceId()).isFalse();
      assertThat(entry.hasSpanId()).isFalse();
      assertThat(entry.attributeCount()).isZero();
    }

    @Test
    void storesAttributeValuesOfEveryJsonType() {
      String attrs =
          "{\"s\":\"x\\ny\", \"i\": 200, \"neg\" : -1.5e+3, \"t\":true, \"f\":false, \"n\":null,"
              + " \"o\": {\"a\": [1, {\"b\": \"c\\\"d\\\\\"}], \"e\": { }, \"z\": [ ]},"
              + " \"esc\": {\"k\\u0001\\/\": \"\\u00e9\\ud83d\\ude00\\t\\u001F\\u2028\u007f\"}, \"zero\": -0, \"exp\": 1E5}";
      accepted(parse(record("attributes", attrs)));
      Map<String, String> got = new LinkedHashMap<>();
      for (int i = 0; i < entry.attributeCount(); i++) {
        got.put(entry.attributeKey(i), entry.attributeValue(i));
      }
      Map<String, String> want = new LinkedHashMap<>();
      want.put("s", "x\ny");
      want.put("i", "200");
      want.put("neg", "-1.5e+3");
      want.put("t", "true");
      want.put("f", "false");
      want.put("n", "null");
      want.put("o", "{\"a\":[1,{\"b\":\"c\\\"d\\\\\"}],\"e\":{},\"z\":[]}");
      want.put("esc", "{\"k\\u0001/\":\"é😀\\t\\u001f\u2028\u007f\"}");
      want.put("zero", "-0");
      want.put("exp", "1E5");
      assertThat(got).containsExactlyEntriesOf(want);
    }

    @Test
    void allowsTheSameKeyInDifferentNestedObjects() {
      accepted(
          parse(record("attributes", "{\"k\":{\"k\":{\"k\":1}},\"x\":[{\"k\":1},{\"k\":2}]}")));
      assertThat(entry.attributeValue(1)).isEqualTo("[{\"k\":1},{\"k\":2}]");
    }

    @Test
    void acceptsEmptyAttributes() {
      accepted(parse(record("attributes", "{ }")));
      assertThat(entry.attributeCount()).isZero();
    }

    @Test
    void parsesASliceOfALargerArray() {
      byte[] json = record().getBytes(UTF_8);
      byte[] padded = new byte[json.length + 20];
      java.util.Arrays.fill(padded, (byte) 'x');
      System.arraycopy(json, 0, padded, 7, json.length);
      accepted(parser.parse(padded, 7, json.length, NOW, entry));
      assertThat(entry.serviceName()).isEqualTo("svc");
    }

    @Test
    void resetsTheEntryBetweenRecords() {
      accepted(
          parse(
              record(
                  "trace_id", "\"4bf92f3577b34da6a3ce929d0e0e4736\"", "attributes", "{\"a\":1}")));
      accepted(parse(record("message", "\"second\"")));
      assertThat(entry.hasTraceId()).isFalse();
      assertThat(entry.attributeCount()).isZero();
      assertThat(entry.message()).isEqualTo("second");
      rejected(parse(record("level", "\"nope\"")), ErrorType.INVALID_VALUE, "/level");
      accepted(parse(record()));
      assertThat(entry.message()).isEqualTo("m");
    }
  }

  @Nested
  class RecordTooLarge {
    final LogEntryParser small = new LogEntryParser(SMALL);

    @Test
    void acceptsARecordOfExactlyTheLimit() {
      String json = record();
      String padded = json + " ".repeat(SMALL.maxRecordBytes() - json.length());
      accepted(parse(small, padded));
    }

    @Test
    void rejectsOneByteOverTheLimit() {
      String json = record();
      String padded = json + " ".repeat(SMALL.maxRecordBytes() + 1 - json.length());
      Rejected r = rejected(parse(small, padded), ErrorType.RECORD_TOO_LARGE, "");
      assertThat(r.message()).isEqualTo("record is 401 bytes (limit: 400)");
    }

    @Test
    void checksSizeBeforeUtf8AndSyntax() {
      byte[] garbage = new byte[401];
      java.util.Arrays.fill(garbage, (byte) 0xFF);
      rejected(parse(small, garbage), ErrorType.RECORD_TOO_LARGE, "");
    }
  }

  @Nested
  class InvalidUtf8 {
    @Test
    void rejectsBadSequencesInStrings() {
      int[][] bad = {
        {0xC0, 0x80},
        {0xC1, 0xBF},
        {0xE0, 0x80, 0x80},
        {0xED, 0xA0, 0x80},
        {0xED, 0xBF, 0xBF},
        {0xF0, 0x80, 0x80, 0x80},
        {0xF4, 0x90, 0x80, 0x80},
        {0xF5, 0x80, 0x80, 0x80},
        {0x80},
        {0xBF},
        {0xE2, 0x82},
        {0xC3, 0x41},
        {0xFE},
        {0xFF}
      };
      for (int[] seq : bad) {
        Rejected r =
            rejected(parse(bytes("{\"message\":\"ab", seq, "\"}")), ErrorType.INVALID_UTF8, "");
        assertThat(r.message())
            .as(java.util.Arrays.toString(seq))
            .isEqualTo("invalid UTF-8 at byte 14");
      }
    }

    @Test
    void rejectsASequenceTruncatedByTheEndOfTheValue() {
      rejected(
          parse(bytes("{\"message\":\"", new int[] {0xF0, 0x9F, 0x98})),
          ErrorType.INVALID_UTF8,
          "");
      rejected(parse(bytes("{\"message\":\"", new int[] {0xE2})), ErrorType.INVALID_UTF8, "");
    }

    @Test
    void rejectsInvalidBytesOutsideStrings() {
      rejected(parse(bytes(record(), new int[] {0xFF})), ErrorType.INVALID_UTF8, "");
      rejected(parse(bytes(new int[] {0xC0, 0xAF})), ErrorType.INVALID_UTF8, "");
    }

    @Test
    void winsOverAnEarlierSyntaxError() {
      Rejected r =
          rejected(
              parse(bytes("{\"level\" \"x\", \"message\":\"", new int[] {0xED, 0xA0, 0x80}, "\"}")),
              ErrorType.INVALID_UTF8,
              "");
      assertThat(r.message()).isEqualTo("invalid UTF-8 at byte 25");
    }

    @Test
    void winsOverAnEarlierFieldDefect() {
      rejected(
          parse(bytes("{\"bogus\":1,\"message\":\"", new int[] {0xC0, 0x80}, "\"}")),
          ErrorType.INVALID_UTF8,
          "");
    }

    @Test
    void acceptsTheLargestValidCharacters() {
      accepted(
          parse(
              bytes(
                  "{\"timestamp\":" + NOW + ",\"service_name\":\"s\",\"level\":1,\"message\":\"",
                  new int[] {
                    0xF4, 0x8F, 0xBF, 0xBF, 0xEF, 0xBF, 0xBF, 0xDF, 0xBF, 0xEE, 0x80, 0x80
                  },
                  "\"}")));
      assertThat(entry.message()).isEqualTo("\uDBFF\uDFFF\uFFFF\u07FF\uE000");
    }
  }

  @Nested
  class JsonSyntax {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "   ",
          "null",
          " null ",
          "{",
          "{\"timestamp\":",
          "{\"timestamp\":1",
          "{\"a\"",
          "{\"a\":1,",
          "[1,2",
          "\"abc",
          "{}}",
          "{} {}",
          "{}x",
          "/* c */{}",
          "{}// c",
          "{\"level\":NaN}",
          "{\"level\":Infinity}",
          "{\"level\":-Infinity}",
          "{\"timestamp\":01}",
          "{\"timestamp\":+1}",
          "{\"timestamp\":1.}",
          "{\"timestamp\":.5}",
          "{\"timestamp\":1e}",
          "{\"timestamp\":-}",
          "{\"a\":1,}",
          "{\"attributes\":{\"a\":[1,]}}",
          "{\"attributes\":{\"a\":1,}}",
          "{'message':'x'}",
          "{\"message\":\"\\x\"}",
          "{\"message\":\"\\u12\"}",
          "{\"message\":\"\\u12G4\"}",
          "{\"message\":\"\\ud800\"}",
          "{\"message\":\"\\ud800\\u0041\"}",
          "{\"message\":\"\\udc00\"}",
          "{\"message\":\"\\ud800\\ud800\"}",
          "{\"message\":\"\t\"}",
          "{\"message\":\"a\nb\"}",
          "{\"message\":\"\u0000\"}",
          "{\"message\":\"\u001f\"}",
          "{\"level\":tru}",
          "{\"level\":True}",
          "{\"level\":nul}",
          "{\"a\" 1}",
          "{\"a\":1 \"b\":2}",
          "{a:1}",
          "{,}",
          "[1 2]",
          "\uFEFF{}",
          "{\u000b}",
          "{\f}",
          "\u00a0{}",
          "{}\u00a0",
          "{\"attributes\":{\"a\":{\"b\" 1}}}",
          "{\"attributes\":{\"a\":[}}",
          "{\"message\":\"abc}",
          "{\"message\":\"abc\\"
        })
    void rejectsMalformedDocuments(String json) {
      Rejected r = rejected(parse(json), ErrorType.JSON_SYNTAX, "");
      assertThat(r.message()).startsWith("json_syntax: ").containsPattern("at byte \\d+$");
    }

    @Test
    void reportsWhereTheErrorIs() {
      Rejected r = rejected(parse("{\"timestamp\":1,,}"), ErrorType.JSON_SYNTAX, "");
      assertThat(r.message()).isEqualTo("json_syntax: expected a field name at byte 15");
      r = rejected(parse(record() + "x"), ErrorType.JSON_SYNTAX, "");
      assertThat(r.message()).endsWith("at byte " + record().length());
    }

    @Test
    void winsOverAFieldDefectEarlierInTheDocument() {
      rejected(
          parse("{\"level\":\"BAD\",\"bogus\":1,\"message\":\"m\",}"), ErrorType.JSON_SYNTAX, "");
      rejected(parse(record("level", "\"BAD\"") + " trailing"), ErrorType.JSON_SYNTAX, "");
      rejected(
          parse(record("attributes", "{\"a\":{\"b\":1,\"b\":2,}}")), ErrorType.JSON_SYNTAX, "");
    }

    @Test
    void winsOverATopLevelTypeMismatch() {
      rejected(parse("[1,2] 3"), ErrorType.JSON_SYNTAX, "");
      rejected(parse("\"abc\" \"def\""), ErrorType.JSON_SYNTAX, "");
    }

    @Test
    void checksSyntaxOfDeeplyNestedValuesWithoutOverflowingTheStack() {
      String deep = "[".repeat(200_000) + "]".repeat(200_000);
      rejected(
          parse(record("attributes", "{\"a\":" + deep + "}")),
          ErrorType.FIELD_OVERFLOW,
          "/attributes/a");
      rejected(parse(record("attributes", "{\"a\":" + deep + "]}")), ErrorType.JSON_SYNTAX, "");
      rejected(parse(record("bogus", deep)), ErrorType.UNKNOWN_FIELD, "/bogus");
      rejected(parse(deep), ErrorType.TYPE_MISMATCH, "");
    }
  }

  @Nested
  class TypeMismatch {
    @Test
    void rejectsATopLevelValueThatIsNotAnObject() {
      for (String json : new String[] {"[]", "[{}]", "\"{}\"", "123", "-1.5", "true", "false"}) {
        rejected(parse(json), ErrorType.TYPE_MISMATCH, "");
      }
      assertThat(((Rejected) parse(" [1] ")).message())
          .isEqualTo("the record is an array, expected an object");
    }

    @Test
    void rejectsFieldsOfTheWrongJsonType() {
      String[][] cases = {
        {"timestamp", "1.5"},
        {"timestamp", "1e3"},
        {"timestamp", "1795316252000.0"},
        {"timestamp", "true"},
        {"timestamp", "{}"},
        {"service_name", "123"},
        {"service_name", "[\"a\"]"},
        {"level", "true"},
        {"level", "3.5"},
        {"level", "{\"x\":1}"},
        {"message", "false"},
        {"message", "{}"},
        {"message", "1"},
        {"trace_id", "123"},
        {"span_id", "[]"},
        {"attributes", "[]"},
        {"attributes", "\"a=b\""},
        {"attributes", "1"}
      };
      for (String[] c : cases) {
        rejected(parse(record(c[0], c[1])), ErrorType.TYPE_MISMATCH, "/" + c[0]);
      }
      assertThat(((Rejected) parse(record("attributes", "[]"))).message())
          .isEqualTo("attributes is an array (expected: an object)");
      assertThat(((Rejected) parse(record("timestamp", "1.5"))).message())
          .isEqualTo(
              "timestamp 1.5 is not an integer (expected: epoch milliseconds or an RFC 3339 string)");
    }
  }

  @Nested
  class MissingField {
    @Test
    void rejectsEachAbsentRequiredField() {
      for (String f : new String[] {"timestamp", "service_name", "level", "message"}) {
        Rejected r = rejected(parse(record(f, ABSENT)), ErrorType.MISSING_FIELD, "/" + f);
        assertThat(r.message()).isEqualTo("required field " + f + " is missing");
      }
    }

    @Test
    void treatsNullAsAbsent() {
      for (String f : new String[] {"timestamp", "service_name", "level", "message"}) {
        Rejected r = rejected(parse(record(f, "null")), ErrorType.MISSING_FIELD, "/" + f);
        assertThat(r.message()).isEqualTo("required field " + f + " is null");
      }
    }

    @Test
    void reportsMissingFieldsOnlyAfterAllPresentFieldsWereFine() {
      rejected(parse("{}"), ErrorType.MISSING_FIELD, "/timestamp");
      rejected(
          parse("{\"message\":\"m\",\"level\":\"INFO\"}"), ErrorType.MISSING_FIELD, "/timestamp");
      rejected(parse("{\"level\":\"BAD\"}"), ErrorType.INVALID_VALUE, "/level");
      rejected(parse("{\"message\":\"m\",\"extra\":1}"), ErrorType.UNKNOWN_FIELD, "/extra");
    }
  }

  @Nested
  class UnknownField {
    @Test
    void rejectsKeysOutsideTheSchema() {
      rejected(parse(record("host", "\"a\"")), ErrorType.UNKNOWN_FIELD, "/host");
      rejected(parse(record("Timestamp", "1")), ErrorType.UNKNOWN_FIELD, "/Timestamp");
      rejected(parse(record("", "1")), ErrorType.UNKNOWN_FIELD, "/");
      rejected(parse(record("messagE", "null")), ErrorType.UNKNOWN_FIELD, "/messagE");
      rejected(parse(record("trace\\u005fi", "null")), ErrorType.UNKNOWN_FIELD, "/trace_i");
    }

    @Test
    void capsTheEchoedKeyOfAHugeBogusField() {
      String key = "k".repeat(10_000);
      Rejected r = rejected(parse(record(key, "1")), ErrorType.UNKNOWN_FIELD, "/" + "k".repeat(64));
      assertThat(r.message()).doesNotContain("kk");
    }

    @Test
    void neverCutsACharacterWhenCapping() {
      String key = "a".repeat(63) + "é" + "b".repeat(100);
      rejected(parse(record(key, "1")), ErrorType.UNKNOWN_FIELD, "/" + "a".repeat(63));
      rejected(parse(record("é".repeat(100), "1")), ErrorType.UNKNOWN_FIELD, "/" + "é".repeat(32));
    }
  }

  @Nested
  class DuplicateField {
    @Test
    void rejectsATopLevelKeyTwice() {
      rejected(
          parse(record("message", "\"a\"").replace("}", ",\"message\":\"b\"}")),
          ErrorType.DUPLICATE_FIELD,
          "/message");
      rejected(
          parse("{\"trace_id\":null,\"trace_id\":null}"), ErrorType.DUPLICATE_FIELD, "/trace_id");
      rejected(parse("{\"level\":1,\"lev\\u0065l\":2}"), ErrorType.DUPLICATE_FIELD, "/level");
    }

    @Test
    void rejectsAnAttributeKeyTwice() {
      rejected(
          parse(record("attributes", "{\"a\":1,\"b\":2,\"a\":3}")),
          ErrorType.DUPLICATE_FIELD,
          "/attributes/a");
      rejected(
          parse(record("attributes", "{\"é\":1,\"\\u00e9\":1}")),
          ErrorType.DUPLICATE_FIELD,
          "/attributes/é");
    }

    @Test
    void rejectsADuplicateKeyInsideANestedAttributeValue() {
      rejected(
          parse(record("attributes", "{\"u\":{\"tier\":1,\"tier\":2}}")),
          ErrorType.DUPLICATE_FIELD,
          "/attributes/u");
      rejected(
          parse(record("attributes", "{\"u\":[{\"x\":{\"k\\n\":1,\"k\\u000a\":2}}]}")),
          ErrorType.DUPLICATE_FIELD,
          "/attributes/u");
    }
  }

  @Nested
  class InvalidValue {
    @Test
    void rejectsUnknownLevels() {
      for (String level :
          new String[] {"\"VERBOSE\"", "\"\"", "\"INFO \"", "\"WARNINGS\"", "\"inf\"", "\"3\""}) {
        rejected(parse(record("level", level)), ErrorType.INVALID_VALUE, "/level");
      }
    }

    @Test
    void rejectsSeverityNumbersOutside1To24() {
      for (String level :
          new String[] {"0", "-0", "25", "-1", "99999999999999999999", "-9223372036854775808"}) {
        rejected(parse(record("level", level)), ErrorType.INVALID_VALUE, "/level");
      }
    }

    @Test
    void rejectsBadIds() {
      String[][] cases = {
        {"trace_id", "4bf92f3577b34da6a3ce929d0e0e473"},
        {"trace_id", "4bf92f3577b34da6a3ce929d0e0e47366"},
        {"trace_id", "4bf92f3577b34da6a3ce929d0e0e473g"},
        {"trace_id", "00000000000000000000000000000000"},
        {"trace_id", ""},
        {"span_id", "00f067aa0ba902b"},
        {"span_id", "0000000000000000"},
        {"span_id", "00f067aa0ba902b-"},
        {"span_id", "00f067aa0ba902b7 "}
      };
      for (String[] c : cases) {
        rejected(parse(record(c[0], "\"" + c[1] + "\"")), ErrorType.INVALID_VALUE, "/" + c[0]);
      }
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "2026-11-22T02:53:00",
          "2026-11-22 02:53:00Z",
          "2026-11-22T02:53Z",
          "2026-13-22T02:53:00Z",
          "2026-00-22T02:53:00Z",
          "2026-11-31T02:53:00Z",
          "2026-11-00T02:53:00Z",
          "2026-11-22T24:00:00Z",
          "2026-11-22T02:60:00Z",
          "2026-11-22T02:53:60Z",
          "2026-11-22T02:53:00.Z",
          "2026-11-22T02:53:00.1234567890Z",
          "2026-11-22T02:53:00+0800",
          "2026-11-22T02:53:00+24:00",
          "2026-11-22T02:53:00+08:60",
          "2026-11-22T02:53:00Zjunk",
          "26-11-22T02:53:00Z",
          "2026/11/22T02:53:00Z",
          "1795316252000",
          "",
          "2026-11-22T02:53:00+08:00 ",
          "２026-11-22T02:53:00Z"
        })
    void rejectsTimestampStringsThatAreNotRfc3339(String text) {
      rejected(
          parse(record("timestamp", "\"" + text + "\"")), ErrorType.INVALID_VALUE, "/timestamp");
    }

    @Test
    void rejectsEmptyServiceNamesAndAttributeKeys() {
      rejected(parse(record("service_name", "\"\"")), ErrorType.INVALID_VALUE, "/service_name");
      rejected(parse(record("attributes", "{\"\":1}")), ErrorType.INVALID_VALUE, "/attributes/");
    }
  }

  @Nested
  class FieldOverflow {
    final LogEntryParser small = new LogEntryParser(SMALL);

    @Test
    void limitsServiceNameBytes() {
      accepted(parse(small, record("service_name", "\"abcde\"")));
      rejected(
          parse(small, record("service_name", "\"abcdef\"")),
          ErrorType.FIELD_OVERFLOW,
          "/service_name");
      rejected(
          parse(small, record("service_name", "\"abcdé\"")),
          ErrorType.FIELD_OVERFLOW,
          "/service_name");
    }

    @Test
    void limitsMessageBytesAfterUnescaping() {
      accepted(parse(small, record("message", "\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"")));
      assertThat(entry.messageLength()).isEqualTo(10);
      rejected(
          parse(small, record("message", "\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9x\"")),
          ErrorType.FIELD_OVERFLOW,
          "/message");
      accepted(parse(small, record("message", "\"" + "\\n".repeat(10) + "\"")));
      Rejected r =
          rejected(
              parse(record("message", "\"" + "x".repeat(65_537) + "\"")),
              ErrorType.FIELD_OVERFLOW,
              "/message");
      assertThat(r.message()).isEqualTo("message is 65537 bytes (limit: 65536)");
    }

    @Test
    void limitsTheNumberOfAttributes() {
      accepted(parse(small, record("attributes", "{\"a\":1,\"b\":2}")));
      rejected(
          parse(small, record("attributes", "{\"a\":1,\"b\":2,\"c\":3}")),
          ErrorType.FIELD_OVERFLOW,
          "/attributes");
    }

    @Test
    void limitsAttributeKeyBytes() {
      accepted(parse(small, record("attributes", "{\"abc\":1}")));
      rejected(
          parse(small, record("attributes", "{\"abcd\":1}")),
          ErrorType.FIELD_OVERFLOW,
          "/attributes/abcd");
    }

    @Test
    void limitsStoredAttributeValueBytesAtTheBoundary() {
      accepted(
          parse(
              small,
              record("attributes", "{\"s\":\"12345678\",\"t\":\"\u00e9\u00e9\u00e9\u00e9\"}")));
      LogEntryParser nine = new LogEntryParser(new SchemaLimits(400, 5, 10, 2, 3, 9, 2, 60, 10));
      accepted(parse(nine, record("attributes", "{\"j\":[1, 2, 3, 4]}")));
      rejected(
          parse(small, record("attributes", "{\"j\":[1, 2, 3, 4]}")),
          ErrorType.FIELD_OVERFLOW,
          "/attributes/j");
      rejected(
          parse(small, record("attributes", "{\"s\":\"123456789\"}")),
          ErrorType.FIELD_OVERFLOW,
          "/attributes/s");
      accepted(parse(small, record("attributes", "{\"q\":\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\"}")));
      rejected(
          parse(small, record("attributes", "{\"q\":[\"\\\"\\\"\\\"\"]}")),
          ErrorType.FIELD_OVERFLOW,
          "/attributes/q");
    }

    @Test
    void limitsNestingDepthInsideOneAttributeValue() {
      LogEntryParser deep = new LogEntryParser(new SchemaLimits(400, 5, 10, 2, 3, 100, 2, 60, 10));
      accepted(parse(deep, record("attributes", "{\"a\":[[1]],\"b\":{\"x\":{\"y\":1}}}")));
      assertThat(entry.attributeValue(1)).isEqualTo("{\"x\":{\"y\":1}}");
      rejected(
          parse(deep, record("attributes", "{\"a\":[[[1]]]}")),
          ErrorType.FIELD_OVERFLOW,
          "/attributes/a");
      rejected(
          parse(deep, record("attributes", "{\"b\":{\"x\":{\"y\":{}}}}")),
          ErrorType.FIELD_OVERFLOW,
          "/attributes/b");
      LogEntryParser flat = new LogEntryParser(new SchemaLimits(400, 5, 10, 2, 3, 100, 0, 60, 10));
      accepted(parse(flat, record("attributes", "{\"a\":1,\"b\":\"x\"}")));
      rejected(
          parse(flat, record("attributes", "{\"a\":[]}")),
          ErrorType.FIELD_OVERFLOW,
          "/attributes/a");
    }

    @Test
    void capsTheEchoedPayloadOfHugeValues() {
      String huge = "x".repeat(10_000);
      Rejected r =
          rejected(
              parse(record("attributes", "{\"" + huge + "\":1}")),
              ErrorType.FIELD_OVERFLOW,
              "/attributes/" + "x".repeat(64));
      assertThat(r.message()).doesNotContain("xx");
      r = rejected(parse(record("level", "\"" + huge + "\"")), ErrorType.INVALID_VALUE, "/level");
      assertThat(r.message()).contains("x".repeat(64)).doesNotContain("x".repeat(65));
      r =
          rejected(
              parse(record("trace_id", "\"" + huge + "\"")), ErrorType.INVALID_VALUE, "/trace_id");
      assertThat(r.message()).doesNotContain("x".repeat(65));
      r =
          rejected(
              parse(record("timestamp", "\"" + huge + "\"")),
              ErrorType.INVALID_VALUE,
              "/timestamp");
      assertThat(r.message()).doesNotContain("x".repeat(65));
      r =
          rejected(
              parse(record("timestamp", "9".repeat(10_000))),
              ErrorType.TIMESTAMP_OUT_OF_RANGE,
              "/timestamp");
      assertThat(r.message()).doesNotContain("9".repeat(65));
    }
  }

  @Nested
  class TimestampOutOfRange {
    final LogEntryParser small = new LogEntryParser(SMALL);

    @Test
    void acceptsBothEdgesOfTheWindowInclusive() {
      accepted(parse(small, record("timestamp", Long.toString(NOW - 60_000))));
      accepted(parse(small, record("timestamp", Long.toString(NOW + 10_000))));
      rejected(
          parse(small, record("timestamp", Long.toString(NOW - 60_001))),
          ErrorType.TIMESTAMP_OUT_OF_RANGE,
          "/timestamp");
      rejected(
          parse(small, record("timestamp", Long.toString(NOW + 10_001))),
          ErrorType.TIMESTAMP_OUT_OF_RANGE,
          "/timestamp");
    }

    @Test
    void appliesTheWindowToRfc3339TimestampsToTheNanosecond() {
      String low = Instant.ofEpochMilli(NOW - 60_000).toString();
      accepted(parse(small, record("timestamp", "\"" + low + "\"")));
      String justBefore = Instant.ofEpochMilli(NOW - 60_000).minusNanos(1).toString();
      rejected(
          parse(small, record("timestamp", "\"" + justBefore + "\"")),
          ErrorType.TIMESTAMP_OUT_OF_RANGE,
          "/timestamp");
      String justAfter = Instant.ofEpochMilli(NOW + 10_000).plusNanos(1).toString();
      rejected(
          parse(small, record("timestamp", "\"" + justAfter + "\"")),
          ErrorType.TIMESTAMP_OUT_OF_RANGE,
          "/timestamp");
      rejected(
          parse(record("timestamp", "\"0001-01-01T00:00:00Z\"")),
          ErrorType.TIMESTAMP_OUT_OF_RANGE,
          "/timestamp");
      rejected(
          parse(record("timestamp", "\"9999-12-31T23:59:59.999999999+23:59\"")),
          ErrorType.TIMESTAMP_OUT_OF_RANGE,
          "/timestamp");
    }

    @Test
    void hintsAtSecondsInsteadOfMilliseconds() {
      Rejected r =
          rejected(
              parse(record("timestamp", Long.toString(NOW / 1000))),
              ErrorType.TIMESTAMP_OUT_OF_RANGE,
              "/timestamp");
      assertThat(r.message())
          .isEqualTo(
              "timestamp 1795316252 is 56 years before the accepted window (seconds instead of milliseconds?)");
      r =
          rejected(
              parse(record("timestamp", Long.toString(NOW * 1000))),
              ErrorType.TIMESTAMP_OUT_OF_RANGE,
              "/timestamp");
      assertThat(r.message())
          .endsWith("after the accepted window (microseconds instead of milliseconds?)");
      r =
          rejected(
              parse(record("timestamp", Long.toString(NOW - 21L * 86_400_000 - 7L * 86_400_000))),
              ErrorType.TIMESTAMP_OUT_OF_RANGE,
              "/timestamp");
      assertThat(r.message())
          .isEqualTo(
              "timestamp " + (NOW - 28L * 86_400_000) + " is 3 weeks before the accepted window");
    }

    @Test
    void treatsIntegersBeyondALongAsOutOfRange() {
      for (String ts :
          new String[] {
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "-1",
            "0",
            "-0"
          }) {
        rejected(parse(record("timestamp", ts)), ErrorType.TIMESTAMP_OUT_OF_RANGE, "/timestamp");
      }
    }
  }

  @Nested
  class Precedence {
    @Test
    void reportsTheFirstDefectiveFieldInDocumentOrder() {
      rejected(
          parse("{\"level\":\"BAD\",\"bogus\":1,\"service_name\":\"\"}"),
          ErrorType.INVALID_VALUE,
          "/level");
      rejected(parse("{\"bogus\":1,\"level\":\"BAD\"}"), ErrorType.UNKNOWN_FIELD, "/bogus");
      rejected(
          parse("{\"service_name\":\"\",\"level\":\"BAD\"}"),
          ErrorType.INVALID_VALUE,
          "/service_name");
      rejected(
          parse("{\"timestamp\":1,\"message\":1}"), ErrorType.TIMESTAMP_OUT_OF_RANGE, "/timestamp");
      rejected(parse("{\"message\":1,\"timestamp\":1}"), ErrorType.TYPE_MISMATCH, "/message");
      rejected(
          parse(record("attributes", "{\"a\":{\"x\":1,\"x\":2},\"\":1}")),
          ErrorType.DUPLICATE_FIELD,
          "/attributes/a");
    }

    @Test
    void ordersSizeThenUtf8ThenSyntaxThenFields() {
      LogEntryParser small = new LogEntryParser(SMALL);
      byte[] all =
          bytes("{\"level\":\"BAD\",\"message\":\"", new int[] {0xC0}, "\",", " ".repeat(400));
      rejected(parse(small, all), ErrorType.RECORD_TOO_LARGE, "");
      rejected(parse(small, java.util.Arrays.copyOf(all, 100)), ErrorType.INVALID_UTF8, "");
      byte[] noUtf8 = bytes("{\"level\":\"BAD\",\"message\":\"x\",");
      rejected(parse(small, noUtf8), ErrorType.JSON_SYNTAX, "");
      rejected(
          parse(small, "{\"level\":\"BAD\",\"message\":\"x\"}"), ErrorType.INVALID_VALUE, "/level");
    }
  }
}
