package io.loghaul.redaction;

import java.nio.charset.StandardCharsets;

/**
 * An attribute-key glob: {@code *} matches any run of bytes (dots included), {@code ?} one
 * character; everything else literally, ASCII letters in any case. Matches UTF-8 bytes in place
 * without allocating. Immutable.
 */
final class Glob {
  private final String text;
  private final byte[] pattern;

  Glob(String text) {
    this.text = text;
    this.pattern = text.getBytes(StandardCharsets.UTF_8);
  }

  boolean matches(byte[] b, int from, int len) {
    byte[] p = pattern;
    int end = from + len;
    int pi = 0;
    int si = from;
    int starP = -1;
    int starS = -1;
    while (si < end) {
      if (pi < p.length && p[pi] == '*') {
        starP = pi++;
        starS = si;
      } else if (pi < p.length && p[pi] == '?') {
        pi++;
        si = nextChar(b, si, end);
      } else if (pi < p.length && lower(p[pi]) == lower(b[si])) {
        pi++;
        si++;
      } else if (starP >= 0) {
        pi = starP + 1;
        si = ++starS;
      } else {
        return false;
      }
    }
    while (pi < p.length && p[pi] == '*') {
      pi++;
    }
    return pi == p.length;
  }

  private static int nextChar(byte[] b, int i, int end) {
    i++;
    while (i < end && (b[i] & 0xC0) == 0x80) {
      i++;
    }
    return i;
  }

  private static int lower(byte c) {
    return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
  }

  @Override
  public String toString() {
    return text;
  }
}
