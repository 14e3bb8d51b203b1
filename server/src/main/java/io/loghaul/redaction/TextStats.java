package io.loghaul.redaction;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A one-pass summary of a value that lets the {@link Preset}s skip values that cannot match: the
 * counts of digits, dots and colons, and whether an {@code @}, a {@code eyJ}, a {@code Bearer }
 * (any case) or an AWS key-id prefix occurs. Mutable and reused by one {@link Redactor}; allocates
 * nothing.
 *
 * <p>Reads eight bytes at a time (SWAR): digits, dots and colons are counted with bit tricks and a
 * population count; a range test ({@code @}, capitals A to J) and an equality test (lower-case
 * {@code b}) find the few bytes worth a closer look.
 */
final class TextStats {
  static final int AT = 1;
  static final int JWT_START = 2;
  static final int AWS_START = 4;
  static final int BEARER_WORD = 8;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long HIGH = 0x8080808080808080L;

  /** {@code y + GE_ZERO} has the high bit set in bytes {@code >= '0'} (0x30). */
  private static final long GE_ZERO = 0x5050505050505050L;

  /** ... in bytes {@code >= ':'} (0x3A), ending the digits. */
  private static final long GE_COLON = 0x4646464646464646L;

  /** ... in bytes {@code >= '@'} (0x40). */
  private static final long GE_AT = 0x4040404040404040L;

  private static final long DOTS = 0x2E2E2E2E2E2E2E2EL;
  private static final long COLONS = 0x3A3A3A3A3A3A3A3AL;

  /** {@code y + GE_K} has the high bit set in bytes {@code >= 'K'} (0x4B). */
  private static final long GE_K = 0x3535353535353535L;

  private static final long LOWER_B = 0x6262626262626262L;

  private int digits;
  private int dots;
  private int colons;
  private int flags;

  /** Summarises {@code b[from, end)}. */
  void scan(byte[] b, int from, int end) {
    int d = 0;
    int dot = 0;
    int colon = 0;
    flags = 0;
    int i = from;
    for (; i + 8 <= end; i += 8) {
      // the high bit of each byte of y is clear; bytes >= 0x80 fold onto ASCII and at worst make a
      // false candidate, which look() then ignores (counts may only be overstated: still a
      // superset)
      long y = (long) LONGS.get(b, i) & LOW7;
      d += Long.bitCount((y + GE_ZERO) & ~(y + GE_COLON) & HIGH);
      dot += Long.bitCount(~((y ^ DOTS) + LOW7) & HIGH);
      colon += Long.bitCount(~((y ^ COLONS) + LOW7) & HIGH);
      // '@', 'A'..'J' and 'b': the rare bytes that start an e-mail, JWT, AWS key id or Bearer
      long candidates = ((y + GE_AT) & ~(y + GE_K) & HIGH) | (~((y ^ LOWER_B) + LOW7) & HIGH);
      while (candidates != 0) {
        look(b, i + (Long.numberOfTrailingZeros(candidates) >>> 3), from, end);
        candidates &= candidates - 1;
      }
    }
    for (; i < end; i++) {
      int c = b[i];
      if (c >= '0' && c <= '9') {
        d++;
      } else if (c == '.') {
        dot++;
      } else if (c == ':') {
        colon++;
      } else {
        look(b, i, from, end);
      }
    }
    digits = d;
    dots = dot;
    colons = colon;
  }

  private void look(byte[] b, int p, int from, int end) {
    switch (b[p]) {
      case '@' -> flags |= AT;
      case 'J' -> {
        if (p - 2 >= from && b[p - 2] == 'e' && b[p - 1] == 'y') {
          flags |= JWT_START;
        }
      }
      case 'A' -> {
        if (p + 20 <= end && Scanners.awsPrefixAt(b, p)) {
          flags |= AWS_START;
        }
      }
      case 'B', 'b' -> {
        if (p + 7 <= end
            && (b[p + 1] | 0x20) == 'e'
            && (b[p + 2] | 0x20) == 'a'
            && (b[p + 3] | 0x20) == 'r'
            && (b[p + 4] | 0x20) == 'e'
            && (b[p + 5] | 0x20) == 'r'
            && (b[p + 6] == ' ' || b[p + 6] == '\t')) {
          flags |= BEARER_WORD;
        }
      }
      default -> {}
    }
  }

  /**
   * True when no preset can match: fewer digits than an IPv4 address, no two colons, no trigger.
   */
  boolean nothingPossible() {
    return digits < 4 && colons < 2 && flags == 0;
  }

  int digits() {
    return digits;
  }

  int dots() {
    return dots;
  }

  int colons() {
    return colons;
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }
}
