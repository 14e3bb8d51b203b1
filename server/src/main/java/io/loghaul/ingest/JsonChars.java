package io.loghaul.ingest;

import java.util.Arrays;

/**
 * Checks and measures of JSON string and number text as Jackson hands it over ({@code char[]},
 * offset, length), for {@link OtlpJsonTranscoder}: JSON number syntax, hex ids, UTF-8 length,
 * base64 (standard or URL-safe alphabet, padded or not). Stateless.
 */
final class JsonChars {
  /** The value of each base64 digit of either alphabet by ASCII code, -1 for other characters. */
  static final byte[] BASE64_VALUES = base64Values();

  private JsonChars() {}

  /**
   * Whether {@code c[o, o + n)} is a JSON number (RFC 8259 §6), which Double.parseDouble reads
   * exactly so.
   */
  static boolean isJsonNumber(char[] c, int o, int n) {
    int i = o;
    int end = o + n;
    if (i < end && c[i] == '-') {
      i++;
    }
    if (i >= end) {
      return false;
    }
    if (c[i] == '0') {
      i++;
    } else {
      int from = i;
      i = skipDigits(c, i, end);
      if (i == from) {
        return false;
      }
    }
    if (i < end && c[i] == '.') {
      int from = ++i;
      i = skipDigits(c, i, end);
      if (i == from) {
        return false;
      }
    }
    if (i < end && (c[i] == 'e' || c[i] == 'E')) {
      i++;
      if (i < end && (c[i] == '+' || c[i] == '-')) {
        i++;
      }
      int from = i;
      i = skipDigits(c, i, end);
      if (i == from) {
        return false;
      }
    }
    return i == end;
  }

  static int skipDigits(char[] c, int i, int end) {
    while (i < end && c[i] >= '0' && c[i] <= '9') {
      i++;
    }
    return i;
  }

  static boolean equals(char[] c, int o, int n, String s) {
    if (n != s.length()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (c[o + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static boolean isHex(char[] c, int o, int n) {
    if ((n & 1) != 0) {
      return false;
    }
    for (int i = o; i < o + n; i++) {
      if (Character.digit(c[i], 16) < 0 || c[i] > 'f') {
        return false; // digit() also takes full-width and other Unicode digits; the bound keeps
        // ASCII
      }
    }
    return true;
  }

  /** The UTF-8 length of {@code c[o, o + n)}, -1 when it has an unpaired surrogate. */
  static int utf8Length(char[] c, int o, int n) {
    int length = n;
    for (int i = o, end = o + n; i < end; i++) {
      char ch = c[i];
      if (ch < 0x80) {
        continue;
      }
      if (ch < 0x800) {
        length += 1;
      } else if (!Character.isSurrogate(ch)) {
        length += 2;
      } else if (Character.isHighSurrogate(ch)
          && i + 1 < end
          && Character.isLowSurrogate(c[i + 1])) {
        length += 2; // two chars, four bytes
        i++;
      } else {
        return -1;
      }
    }
    return length;
  }

  /**
   * The decoded length of base64 text {@code c[o, o + n)}, -1 when it is not base64: one alphabet
   * (standard or URL-safe, as proto3 JSON allows), no padding or the padding that completes the
   * last group of four.
   */
  static int base64Length(char[] c, int o, int n) {
    int padding = 0;
    while (padding < 2 && n - padding > 0 && c[o + n - padding - 1] == '=') {
      padding++;
    }
    int m = n - padding;
    if (padding > 0 && n % 4 != 0 || m % 4 == 1) {
      return -1;
    }
    int alphabets = 0; // 1: standard-only characters seen, 2: URL-safe-only ones
    for (int i = o; i < o + m; i++) {
      char ch = c[i];
      int v = ch < 128 ? BASE64_VALUES[ch] : -1;
      if (v < 0) {
        return -1;
      }
      if (ch == '+' || ch == '/') {
        alphabets |= 1;
      } else if (ch == '-' || ch == '_') {
        alphabets |= 2;
      }
    }
    if (alphabets == 3) {
      return -1;
    }
    return m / 4 * 3 + (m % 4 == 0 ? 0 : m % 4 - 1);
  }

  private static byte[] base64Values() {
    byte[] values = new byte[128];
    Arrays.fill(values, (byte) -1);
    String std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < std.length(); i++) {
      values[std.charAt(i)] = (byte) i;
    }
    values['-'] = 62;
    values['_'] = 63;
    return values;
  }
}
