package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryParser;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class LogRecordGeneratorTest {
  private static final long NOW = 1_795_316_252_123L;
  private final LogEntryParser parser = new LogEntryParser(SchemaLimits.defaults());
  private final LogEntry entry = new LogEntry();

  @Test
  void mixedRecordsAreValidAndSpanTheAdvertisedSizes() {
    LogRecordGenerator g = new LogRecordGenerator(1, NOW, true);
    int min = Integer.MAX_VALUE;
    int max = 0;
    int withAttributes = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] v = g.next();
      ParseResult r = parser.parse(v, 0, v.length, NOW, entry);
      assertThat(r).as(new String(v)).isSameAs(Accepted.INSTANCE);
      min = Math.min(min, v.length);
      max = Math.max(max, v.length);
      withAttributes += entry.attributeCount() > 0 ? 1 : 0;
    }
    assertThat(min)
        .isBetween(
            LogRecordGenerator.MIN_MIXED_BYTES - 20, LogRecordGenerator.MIN_MIXED_BYTES + 60);
    assertThat(max)
        .isBetween(
            LogRecordGenerator.MAX_MIXED_BYTES - 200, LogRecordGenerator.MAX_MIXED_BYTES + 200);
    assertThat(withAttributes).isEqualTo(5_000);
  }

  @Test
  void sizedRecordsComeCloseToTheTarget() {
    LogRecordGenerator g = new LogRecordGenerator(2, NOW, false);
    for (int i = 0; i < 1_000; i++) {
      byte[] v = g.ofSize(220);
      assertThat(v.length).isBetween(180, 300);
      assertThat(parser.parse(v, 0, v.length, NOW, entry)).isSameAs(Accepted.INSTANCE);
    }
  }

  @Test
  void numericTimestampsOnlyWhenAsked() {
    LogRecordGenerator g = new LogRecordGenerator(3, NOW, false);
    for (int i = 0; i < 1_000; i++) {
      assertThat(new String(g.next())).startsWith("{\"timestamp\":1");
    }
  }

  @Test
  void isDeterministicForASeed() {
    LogRecordGenerator a = new LogRecordGenerator(9, NOW, true);
    LogRecordGenerator b = new LogRecordGenerator(9, NOW, true);
    for (int i = 0; i < 100; i++) {
      assertThat(Arrays.equals(a.next(), b.next())).isTrue();
    }
  }

  static final java.util.List<ErrorType> BAD_TYPES = LogRecordGenerator.BAD_TYPES;

  @ParameterizedTest
  @FieldSource("BAD_TYPES")
  void badRecordsFailWithTheirErrorType(ErrorType type) {
    LogEntryParser small =
        new LogEntryParser(
            new SchemaLimits(65_536, 256, 65_536, 128, 256, 16_384, 8, 604_800, 900));
    byte[] v = new LogRecordGenerator(4, NOW, true).bad(type, 70_000);
    ParseResult r = small.parse(v, 0, v.length, NOW, entry);
    assertThat(r).isInstanceOf(Rejected.class);
    assertThat(((Rejected) r).type()).isEqualTo(type);
  }

  @Test
  void refusesTypesAJsonRecordCannotHave() {
    LogRecordGenerator g = new LogRecordGenerator(5, NOW, true);
    assertThatThrownBy(() -> g.bad(ErrorType.CLICKHOUSE_REJECTED, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clickhouse_rejected".toUpperCase());
  }
}
