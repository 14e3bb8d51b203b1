package io.loghaul.bytes;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no UTF-16 surrogates (U+D800..U+DFFF),
 * nothing above U+10FFFF, no truncated sequence. What docs/record-schema.md calls {@code
 * invalid_utf8}, and what protobuf-java rejects in a proto3 {@code string}: the two rules are the
 * same.
 */
public final class Utf8 {
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

  private Utf8() {}

  /**
   * Validates the multi-byte sequence starting at {@code b[p]} (a byte of 0x80 or more), reading no
   * further than {@code end}. Returns the position after it, or {@code -(p + 1)} when it is
   * invalid.
   */
  public static int sequenceEnd(byte[] b, int p, int end) {
    int c = b[p] & 0xFF;
    int n;
    // the range of the second byte; later ones are any continuation byte 0x80..0xBF
    int lo = 0x80;
    int hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) {
        lo = 0xA0; // overlong below
      } else if (c == 0xED) {
        hi = 0x9F; // surrogates above
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) {
        lo = 0x90; // overlong below
      } else if (c == 0xF4) {
        hi = 0x8F; // past U+10FFFF above
      }
    } else {
      return -(p + 1); // a continuation byte, an overlong 2-byte lead (C0, C1), or F5..FF
    }
    if (p + n >= end) {
      return -(p + 1);
    }
    int c1 = b[p + 1] & 0xFF;
    if (c1 < lo || c1 > hi) {
      return -(p + 1);
    }
    for (int i = 2; i <= n; i++) {
      if ((b[p + i] & 0xC0) != 0x80) {
        return -(p + 1);
      }
    }
    return p + n + 1;
  }

  /**
   * The position of the first invalid sequence in {@code b[from, to)}, or -1 when it is all valid.
   */
  public static int firstInvalid(byte[] b, int from, int to) {
    int p = from;
    while (p < to) {
      // ASCII 32, then 8 bytes at a time: log text is mostly ASCII
      while (to - p >= 32
          && ((LittleEndian.getLong(b, p)
                      | LittleEndian.getLong(b, p + 8)
                      | LittleEndian.getLong(b, p + 16)
                      | LittleEndian.getLong(b, p + 24))
                  & HIGH_BITS)
              == 0) {
        p += 32;
      }
      if (to - p >= 8 && (LittleEndian.getLong(b, p) & HIGH_BITS) == 0) {
        p += 8;
        continue;
      }
      if (p >= to) {
        break;
      }
      if (b[p] >= 0) {
        p++;
      } else {
        p = sequenceEnd(b, p, to);
        if (p < 0) {
          return -p - 1;
        }
      }
    }
    return -1;
  }

  /** Whether {@code b[from, to)} is valid UTF-8. */
  public static boolean isValid(byte[] b, int from, int to) {
    return firstInvalid(b, from, to) < 0;
  }
}
