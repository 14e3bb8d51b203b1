package io.loghaul.dlqtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeArgumentTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static long parse(String text) throws UsageException {
    return TimeArgument.parse("--since", text, NOW);
  }

  private static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void readsRfc3339WithAnyOffsetAndOptionalSecondsAndFraction() throws Exception {
    assertThat(parse("2026-12-01T08:30:00Z")).isEqualTo(at("2026-12-01T08:30:00Z"));
    assertThat(parse("2026-12-01T08:30Z")).isEqualTo(at("2026-12-01T08:30:00Z"));
    assertThat(parse("2026-12-01T10:30:00.250+02:00")).isEqualTo(at("2026-12-01T08:30:00.250Z"));
  }

  @Test
  void readsADateAsMidnightUtc() throws Exception {
    assertThat(parse("2026-11-30")).isEqualTo(at("2026-11-30T00:00:00Z"));
  }

  @Test
  void readsEpochMilliseconds() throws Exception {
    assertThat(parse("1796084693904")).isEqualTo(1796084693904L);
    assertThat(parse(" 0 ")).isZero();
  }

  @Test
  void readsADurationAsThatLongBeforeNow() throws Exception {
    assertThat(parse("1500ms")).isEqualTo(NOW.toEpochMilli() - 1500);
    assertThat(parse("30s")).isEqualTo(at("2026-12-01T11:59:30Z"));
    assertThat(parse("90m")).isEqualTo(at("2026-12-01T10:30:00Z"));
    assertThat(parse("2h")).isEqualTo(at("2026-12-01T10:00:00Z"));
    assertThat(parse("7d")).isEqualTo(at("2026-11-24T12:00:00Z"));
  }

  @Test
  void rejectsAnythingElseNamingTheOptionAndTheForms() {
    for (String bad :
        new String[] {
          "",
          "yesterday",
          "2h30m",
          "-5m",
          "2026-12-01 08:30",
          "2026-13-01",
          "2026-12-01T08:30:00",
          "1.5h",
          "12345678901234567890"
        }) {
      assertThatThrownBy(() -> parse(bad))
          .as(bad)
          .isInstanceOf(UsageException.class)
          .hasMessageStartingWith("--since: '" + bad + "'")
          .hasMessageContaining("RFC 3339");
    }
  }
}
