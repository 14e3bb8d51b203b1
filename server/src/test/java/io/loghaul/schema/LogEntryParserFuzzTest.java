package io.loghaul.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loghaul.bytes.Utf8;

/**
 * Coverage-guided fuzzing of {@link LogEntryParser}. Without {@code JAZZER_FUZZ=1} this runs in
 * regression mode in the normal build, replaying the seed corpus under {@code
 * src/test/resources/io/loghaul/schema/LogEntryParserFuzzTestInputs/parse/}; with it, it fuzzes
 * (for example {@code JAZZER_FUZZ=1 mvn -pl server test -Dtest=LogEntryParserFuzzTest}).
 */
class LogEntryParserFuzzTest {
  static final long NOW = 1_795_316_252_000L;
  static final SchemaLimits SMALL = new SchemaLimits(4096, 5, 10, 2, 3, 8, 2, 60, 10);

  private final LogEntryParser defaults = new LogEntryParser(SchemaLimits.defaults());
  private final LogEntryParser small = new LogEntryParser(SMALL);
  private final LogEntry entry = new LogEntry();

  @FuzzTest(maxDuration = "2m")
  void parse(byte[] data) {
    check(defaults, SchemaLimits.defaults(), data);
    check(small, SMALL, data);
  }

  private void check(LogEntryParser parser, SchemaLimits limits, byte[] data) {
    ParseResult result = parser.parse(data, 0, data.length, NOW, entry);
    assertThat(result).isNotNull();
    if (result instanceof Rejected r) {
      assertThat(r.type()).isNotNull().isNotEqualTo(ErrorType.CLICKHOUSE_REJECTED);
      assertThat(r.message().length()).isLessThanOrEqualTo(1024);
      assertThat(r.field().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo("/attributes/".length() + Echo.MAX_ECHO_BYTES);
    } else {
      assertWellFormed(entry, limits);
    }
  }

  /** Asserts an accepted entry is valid UTF-8 and within {@code limits} everywhere. */
  static void assertWellFormed(LogEntry e, SchemaLimits limits) {
    assertThat(e.level()).isNotNull();
    assertThat(e.serviceNameLength()).isBetween(1, limits.maxServiceNameBytes());
    assertThat(e.messageLength()).isBetween(0, limits.maxMessageBytes());
    assertUtf8(e, e.serviceNameOffset(), e.serviceNameLength());
    assertUtf8(e, e.messageOffset(), e.messageLength());
    assertThat(e.attributeCount()).isBetween(0, limits.maxAttributes());
    for (int i = 0; i < e.attributeCount(); i++) {
      assertThat(e.attributeKeyLength(i)).isBetween(1, limits.maxAttributeKeyBytes());
      assertThat(e.attributeValueLength(i)).isBetween(0, limits.maxAttributeValueBytes());
      assertUtf8(e, e.attributeKeyOffset(i), e.attributeKeyLength(i));
      assertUtf8(e, e.attributeValueOffset(i), e.attributeValueLength(i));
    }
    if (e.hasTraceId()) {
      assertThat(e.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    }
    if (e.hasSpanId()) {
      assertThat(e.spanId()).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
    }
    long nowNanos = NOW * 1_000_000;
    assertThat(e.timestampNanos())
        .isBetween(
            nowNanos - limits.maxAgeSeconds() * 1_000_000_000,
            nowNanos + limits.maxFutureSeconds() * 1_000_000_000);
    // the other way in must agree with the parser
    assertThat(new LogEntryValidator(limits).validate(e, NOW)).isSameAs(Accepted.INSTANCE);
  }

  private static void assertUtf8(LogEntry e, int off, int len) {
    assertThat(Utf8.firstInvalid(e.arena(), off, off + len)).as("invalid UTF-8").isEqualTo(-1);
    assertThat(off + len).isLessThanOrEqualTo(e.arenaSize());
  }
}
