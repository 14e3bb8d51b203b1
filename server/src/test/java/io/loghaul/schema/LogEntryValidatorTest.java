package io.loghaul.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogEntryValidatorTest {
  static final long NOW = 1_795_316_252_000L;
  static final SchemaLimits SMALL = new SchemaLimits(400, 5, 10, 2, 3, 8, 2, 60, 10);

  final LogEntryValidator validator = new LogEntryValidator(SMALL);

  static LogEntry valid() {
    LogEntry e = new LogEntry();
    e.setTimestampNanos(NOW * 1_000_000);
    e.setLevel(Level.INFO);
    int s = e.appendUtf8("svc");
    e.setServiceName(s, 3);
    int m = e.appendUtf8("msg");
    e.setMessage(m, 3);
    return e;
  }

  static void attribute(LogEntry e, String key, String value) {
    int k = e.appendUtf8(key);
    int kl = e.arenaSize() - k;
    int v = e.appendUtf8(value);
    e.addAttribute(k, kl, v, e.arenaSize() - v);
  }

  Rejected rejected(LogEntry e, ErrorType type, String field) {
    ParseResult r = validator.validate(e, NOW);
    assertThat(r).isInstanceOf(Rejected.class);
    Rejected rejected = (Rejected) r;
    assertThat(rejected.type()).as("%s", rejected).isEqualTo(type);
    assertThat(rejected.field()).as("%s", rejected).isEqualTo(field);
    assertThat(rejected.message().length()).isLessThanOrEqualTo(1024);
    return rejected;
  }

  @Test
  void acceptsAValidEntryAtEveryLimit() {
    LogEntry e = new LogEntry();
    e.setTimestampNanos((NOW - 60_000) * 1_000_000);
    e.setLevel(Level.FATAL);
    e.setServiceName(e.appendUtf8("abcde"), 5);
    e.setMessage(e.appendUtf8("0123456789"), 10);
    System.arraycopy(
        "4bf92f3577b34da6a3ce929d0e0e4736".getBytes(StandardCharsets.US_ASCII),
        0,
        e.traceIdHex(),
        0,
        32);
    e.setHasTraceId(true);
    System.arraycopy(
        "00f067aa0ba902b7".getBytes(StandardCharsets.US_ASCII), 0, e.spanIdHex(), 0, 16);
    e.setHasSpanId(true);
    attribute(e, "abc", "12345678");
    attribute(e, "é", "{\"a\":1}");
    assertThat(validator.validate(e, NOW)).isSameAs(Accepted.INSTANCE);
    e.setTimestampNanos((NOW + 10_000) * 1_000_000);
    assertThat(validator.validate(e, NOW)).isSameAs(Accepted.INSTANCE);
  }

  @Test
  void rejectsTimestampsOutsideTheWindowToTheNanosecond() {
    LogEntry e = valid();
    e.setTimestampNanos((NOW - 60_000) * 1_000_000 - 1);
    Rejected r = rejected(e, ErrorType.TIMESTAMP_OUT_OF_RANGE, "/timestamp");
    assertThat(r.message()).contains("before the accepted window");
    e.setTimestampNanos((NOW + 10_000) * 1_000_000 + 1);
    r = rejected(e, ErrorType.TIMESTAMP_OUT_OF_RANGE, "/timestamp");
    assertThat(r.message()).contains("after the accepted window");
    e.setTimestampNanos(0);
    rejected(e, ErrorType.TIMESTAMP_OUT_OF_RANGE, "/timestamp");
  }

  @Test
  void rejectsEmptyAndOverlongServiceNames() {
    LogEntry e = valid();
    e.setServiceName(0, 0);
    rejected(e, ErrorType.INVALID_VALUE, "/service_name");
    e.setServiceName(e.appendUtf8("abcdef"), 6);
    Rejected r = rejected(e, ErrorType.FIELD_OVERFLOW, "/service_name");
    assertThat(r.message()).isEqualTo("service_name is 6 bytes (limit: 5)");
  }

  @Test
  void rejectsAMissingLevel() {
    LogEntry e = valid();
    e.setLevel(null);
    rejected(e, ErrorType.MISSING_FIELD, "/level");
  }

  @Test
  void rejectsOverlongMessages() {
    LogEntry e = valid();
    e.setMessage(e.appendUtf8("01234567890"), 11);
    rejected(e, ErrorType.FIELD_OVERFLOW, "/message");
  }

  @Test
  void rejectsInvalidUtf8InStrings() {
    LogEntry e = valid();
    int at = e.arenaSize();
    e.appendByte('a');
    e.appendByte(0xC0);
    e.appendByte(0x80);
    e.setMessage(at, 3);
    Rejected r = rejected(e, ErrorType.INVALID_UTF8, "/message");
    assertThat(r.message()).isEqualTo("message has invalid UTF-8 at byte 1");
  }

  @Test
  void rejectsBadHexIds() {
    LogEntry e = valid();
    System.arraycopy(
        "4BF92F3577B34DA6A3CE929D0E0E4736".getBytes(StandardCharsets.US_ASCII),
        0,
        e.traceIdHex(),
        0,
        32);
    e.setHasTraceId(true);
    rejected(e, ErrorType.INVALID_VALUE, "/trace_id");
    java.util.Arrays.fill(e.traceIdHex(), (byte) '0');
    rejected(e, ErrorType.INVALID_VALUE, "/trace_id");
    e.setHasTraceId(false);
    java.util.Arrays.fill(e.spanIdHex(), (byte) '0');
    e.setHasSpanId(true);
    rejected(e, ErrorType.INVALID_VALUE, "/span_id");
  }

  @Test
  void rejectsTooManyAttributes() {
    LogEntry e = valid();
    attribute(e, "a", "1");
    attribute(e, "b", "2");
    assertThat(validator.validate(e, NOW)).isSameAs(Accepted.INSTANCE);
    attribute(e, "c", "3");
    rejected(e, ErrorType.FIELD_OVERFLOW, "/attributes");
  }

  @Test
  void rejectsBadAttributeKeysAndValues() {
    LogEntry e = valid();
    attribute(e, "", "1");
    rejected(e, ErrorType.INVALID_VALUE, "/attributes/");
    e = valid();
    attribute(e, "abcd", "1");
    rejected(e, ErrorType.FIELD_OVERFLOW, "/attributes/abcd");
    e = valid();
    attribute(e, "a", "123456789");
    rejected(e, ErrorType.FIELD_OVERFLOW, "/attributes/a");
    e = valid();
    attribute(e, "a", "1");
    attribute(e, "a", "2");
    rejected(e, ErrorType.DUPLICATE_FIELD, "/attributes/a");
  }

  @Test
  void reportsTheFirstDefectInSchemaOrder() {
    LogEntry e = valid();
    e.setLevel(null);
    e.setServiceName(0, 0);
    attribute(e, "", "1");
    rejected(e, ErrorType.INVALID_VALUE, "/service_name");
    e.setTimestampNanos(1);
    rejected(e, ErrorType.TIMESTAMP_OUT_OF_RANGE, "/timestamp");
  }

  @Test
  void agreesWithTheParserOnParsedEntries() {
    LogEntryParser parser = new LogEntryParser(SMALL);
    LogEntry e = new LogEntry();
    byte[] json =
        ("{\"timestamp\":"
                + NOW
                + ",\"service_name\":\"abcde\",\"level\":\"warn\",\"message\":\"m\","
                + "\"trace_id\":\"4BF92F3577B34DA6A3CE929D0E0E4736\",\"attributes\":{\"a\":[1,2],\"é\":\"x\"}}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(parser.parse(json, 0, json.length, NOW, e)).isSameAs(Accepted.INSTANCE);
    assertThat(validator.validate(e, NOW)).isSameAs(Accepted.INSTANCE);
  }
}
