package io.loghaul.redaction;

/**
 * A one-pass summary of a value's bytes (counts of digits, dots and colons; whether some trigger
 * bytes occur) that lets the {@link Preset}s skip values that cannot match. Mutable and reused by
 * one {@link Redactor}; allocates nothing.
 */
final class TextStats {
  static final int AT = 1;
  static final int UPPER_J = 2;
  static final int UPPER_A = 4;
  static final int LETTER_B = 8;

  private static final int SHIFT = 21;
  private static final long MASK = (1L << SHIFT) - 1;
  private static final long[] COUNT = new long[256];
  private static final byte[] FLAG = new byte[256];

  static {
    for (int c = '0'; c <= '9'; c++) {
      COUNT[c] = 1;
    }
    COUNT['.'] = 1L << SHIFT;
    COUNT[':'] = 1L << (2 * SHIFT);
    FLAG['@'] = AT;
    FLAG['J'] = UPPER_J;
    FLAG['A'] = UPPER_A;
    FLAG['B'] = LETTER_B;
    FLAG['b'] = LETTER_B;
  }

  private long counts;
  private int flags;

  /** Summarises {@code b[from, end)}; values longer than 2 MiB saturate nothing that matters here. */
  void scan(byte[] b, int from, int end) {
    long c = 0;
    int f = 0;
    for (int i = from; i < end; i++) {
      int x = b[i] & 0xFF;
      c += COUNT[x];
      f |= FLAG[x];
    }
    counts = c;
    flags = f;
  }

  int digits() {
    return (int) (counts & MASK);
  }

  int dots() {
    return (int) ((counts >>> SHIFT) & MASK);
  }

  int colons() {
    return (int) ((counts >>> (2 * SHIFT)) & MASK);
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }
}
