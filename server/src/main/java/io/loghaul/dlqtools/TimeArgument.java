package io.loghaul.dlqtools;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TIME of {@code --since} and {@code --until}: an RFC 3339 time with offset ({@code
 * 2026-12-01T08:30:00Z}, seconds optional), a date ({@code 2026-12-01}, midnight UTC), epoch
 * milliseconds ({@code 1796084693904}), or a duration before now ({@code 90m}, {@code 2h}, {@code
 * 7d}; units ms, s, m, h, d). Stateless.
 */
final class TimeArgument {
  static final String EXPECTED =
      "an RFC 3339 time such as 2026-12-01T08:30:00Z, a date such as "
          + "2026-12-01 (midnight UTC), epoch milliseconds, or a duration ago such as 90m, 2h, 7d";
  private static final Pattern AGO = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern MILLIS = Pattern.compile("\\d{1,15}");

  private TimeArgument() {}

  /** Epoch milliseconds of {@code text}, relative forms counted back from {@code now}. */
  static long parse(String option, String text, Instant now) throws UsageException {
    String t = text.trim();
    try {
      if (MILLIS.matcher(t).matches()) {
        return Long.parseLong(t);
      }
      Matcher ago = AGO.matcher(t);
      if (ago.matches()) {
        long n = Long.parseLong(ago.group(1));
        Duration d =
            switch (ago.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
        return now.minus(d).toEpochMilli();
      }
      if (DATE.matcher(t).matches()) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new UsageException(option + ": '" + text + "' (expected: " + EXPECTED + ")");
    }
  }
}
