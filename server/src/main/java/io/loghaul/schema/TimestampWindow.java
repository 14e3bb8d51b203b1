package io.loghaul.schema;

/**
 * The arithmetic of the accepted timestamp window of docs/record-schema.md ({@code now - max-age ..
 * now + max-future}), shared by the parser and the validator: saturating, so that limits near
 * {@link Long#MAX_VALUE} never wrap around, and the rough durations rejection messages use.
 */
final class TimestampWindow {
  private static final long[] UNITS = {
    365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000
  };
  private static final String[] UNIT_NAMES = {"year", "week", "day", "hour", "minute", "second"};

  private TimestampWindow() {}

  static long saturatedMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi != (lo >> 63)) {
      return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return lo;
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /** A rough human-readable length of a positive duration, e.g. {@code 3 weeks}. */
  static String duration(long millis) {
    for (int i = 0; i < UNITS.length; i++) {
      long n = millis / UNITS[i];
      if (n > 0) {
        return n + " " + UNIT_NAMES[i] + (n == 1 ? "" : "s");
      }
    }
    return millis <= 0 ? "less than 1 ms" : millis + " ms";
  }
}
