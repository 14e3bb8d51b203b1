package io.loghaul.schema;

/**
 * A parser of RFC 3339 date-times ({@code 2026-11-22T02:53:00.123456789+08:00}) straight from UTF-8
 * bytes to epoch nanoseconds, without {@code java.time} and without allocating.
 *
 * <p>Accepts {@code T}/{@code t} as the separator, {@code Z}/{@code z} or {@code ±HH:MM} as the
 * offset ({@code -00:00} means UTC, as RFC 3339 §4.3 allows), and an optional fraction of 1 to 9
 * digits. Rejects anything else: a space separator, missing offset, more than 9 fraction digits,
 * the leap second 60 (an epoch timestamp cannot represent it), or a day the month does not have.
 * Stateless and thread-safe.
 */
final class Rfc3339 {
  /** Returned for text that is not an RFC 3339 date-time. */
  static final long MALFORMED = Long.MIN_VALUE;

  /** Returned for a valid date-time before 1677-09-21 (below the range of epoch nanoseconds). */
  static final long BEFORE_RANGE = Long.MIN_VALUE + 1;

  /** Returned for a valid date-time after 2262-04-11 (above the range of epoch nanoseconds). */
  static final long AFTER_RANGE = Long.MAX_VALUE;

  private static final int[] POW10 = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
  };

  private Rfc3339() {}

  /**
   * The epoch nanoseconds of the date-time in {@code b[off, off + len)}, or {@link #MALFORMED}.
   * Valid date-times outside the range of a {@code long} give {@link #BEFORE_RANGE} or {@link
   * #AFTER_RANGE}, which lie outside any realistic acceptance window.
   */
  static long parseEpochNanos(byte[] b, int off, int len) {
    // shortest form: YYYY-MM-DDTHH:MM:SSZ
    if (len < 20) {
      return MALFORMED;
    }
    int year = digits(b, off, 4);
    int month = digits(b, off + 5, 2);
    int day = digits(b, off + 8, 2);
    int hour = digits(b, off + 11, 2);
    int minute = digits(b, off + 14, 2);
    int second = digits(b, off + 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || b[off + 4] != '-'
        || b[off + 7] != '-'
        || (b[off + 10] | 0x20) != 't'
        || b[off + 13] != ':'
        || b[off + 16] != ':') {
      return MALFORMED;
    }
    if (month < 1
        || month > 12
        || day < 1
        || day > daysInMonth(year, month)
        || hour > 23
        || minute > 59
        || second > 59) {
      return MALFORMED;
    }
    int p = off + 19;
    int end = off + len;
    int fraction = 0;
    if (b[p] == '.') {
      int start = ++p;
      while (p < end && b[p] >= '0' && b[p] <= '9') {
        if (p - start == 9) {
          return MALFORMED;
        }
        fraction = fraction * 10 + (b[p] - '0');
        p++;
      }
      int n = p - start;
      if (n == 0) {
        return MALFORMED;
      }
      fraction *= POW10[9 - n];
    }
    if (p >= end) {
      return MALFORMED;
    }
    int offsetSeconds;
    byte z = b[p];
    if ((z | 0x20) == 'z') {
      if (p + 1 != end) {
        return MALFORMED;
      }
      offsetSeconds = 0;
    } else if (z == '+' || z == '-') {
      if (end - p != 6 || b[p + 3] != ':') {
        return MALFORMED;
      }
      int oh = digits(b, p + 1, 2);
      int om = digits(b, p + 4, 2);
      if (oh < 0 || om < 0 || oh > 23 || om > 59) {
        return MALFORMED;
      }
      offsetSeconds = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
    } else {
      return MALFORMED;
    }
    long epochSecond =
        daysFromCivil(year, month, day) * 86_400L
            + hour * 3600
            + minute * 60
            + second
            - offsetSeconds;
    long hi = Math.multiplyHigh(epochSecond, 1_000_000_000L);
    long nanos = epochSecond * 1_000_000_000L;
    if (hi != (nanos >> 63)) {
      return epochSecond < 0 ? BEFORE_RANGE : AFTER_RANGE;
    }
    long sum = nanos + fraction;
    if (((nanos ^ sum) & (fraction ^ sum)) < 0) {
      return AFTER_RANGE;
    }
    // keep the sentinels unambiguous: the two instants they would alias are outside the window
    // anyway
    if (sum == MALFORMED) {
      return BEFORE_RANGE;
    }
    return sum;
  }

  /** The decimal value of {@code n} ASCII digits at {@code b[at]}, or -1 if one is not a digit. */
  private static int digits(byte[] b, int at, int n) {
    int v = 0;
    for (int i = at; i < at + n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  static boolean isLeap(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  static long daysFromCivil(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097L + doe - 719_468;
  }
}
