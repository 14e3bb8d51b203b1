package io.loghaul.redaction;

/**
 * The byte scanners behind {@link Preset}: hand-written, linear in the input, allocation-free. A
 * match is reported as {@code (start << 32) | end}; {@link Preset#NONE} when there is none. Word
 * boundaries treat ASCII letters, digits and {@code _} as word bytes.
 */
final class Scanners {
  private Scanners() {}

  private static final int WORD = 1;
  private static final int DIGIT = 2;
  private static final int HEX = 4;
  private static final int B64URL = 8;
  private static final int EMAIL_LOCAL = 16;
  private static final int DOMAIN = 32;
  private static final int TOKEN68 = 64;
  private static final int UPPER_OR_DIGIT = 128;
  private static final int[] CLASS = new int[256];

  static {
    for (int c = 0; c < 128; c++) {
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      boolean digit = c >= '0' && c <= '9';
      int k = 0;
      if (letter || digit || c == '_') k |= WORD;
      if (digit) k |= DIGIT;
      if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) k |= HEX;
      if (letter || digit || c == '_' || c == '-') k |= B64URL;
      if (letter || digit || "._%+-".indexOf(c) >= 0) k |= EMAIL_LOCAL;
      if (letter || digit || c == '.' || c == '-') k |= DOMAIN;
      if (letter || digit || "-._~+/".indexOf(c) >= 0) k |= TOKEN68;
      if (digit || (c >= 'A' && c <= 'Z')) k |= UPPER_OR_DIGIT;
      CLASS[c] = k;
    }
  }

  private static boolean is(byte b, int cls) {
    return (CLASS[b & 0xFF] & cls) != 0;
  }

  private static long match(int start, int end) {
    return ((long) start << 32) | end;
  }

  // ---- credit_card ------------------------------------------------------------------------------

  /**
   * 13 to 19 digits starting with 2..6, optionally in groups separated by one space or dash,
   * passing the Luhn check, with no word byte on either side. Inside a longer run of digit groups,
   * each group start is tried, longest Luhn-valid span first.
   */
  static long creditCard(byte[] b, int from, int end) {
    int i = from;
    while (i < end) {
      if (!is(b[i], DIGIT)) {
        i++;
        continue;
      }
      int runStart = i;
      // the run: digits with single separators between them
      int j = i;
      while (j < end) {
        if (is(b[j], DIGIT)) {
          j++;
        } else if ((b[j] == ' ' || b[j] == '-') && j + 1 < end && is(b[j + 1], DIGIT)) {
          j++;
        } else {
          break;
        }
      }
      int runEnd = j;
      boolean leftOk = runStart == from || !is(b[runStart - 1], WORD);
      boolean rightOk = runEnd == end || !is(b[runEnd], WORD);
      if (runEnd - runStart >= 13) {
        // candidate starts: the run start (if bounded) and every group start after a separator
        for (int s = runStart; s < runEnd; s++) {
          boolean groupStart = s == runStart ? leftOk : !is(b[s - 1], DIGIT);
          if (!groupStart || b[s] < '2' || b[s] > '6') {
            // card numbers start with 2..6 (the issuer ranges of Visa, Mastercard, Amex, Discover,
            // JCB, Diners, UnionPay, Maestro): this spares millisecond timestamps and most ids
            continue;
          }
          int best = -1;
          int digits = 0;
          for (int e = s; e < runEnd; e++) {
            if (!is(b[e], DIGIT)) {
              continue;
            }
            digits++;
            if (digits > 19) {
              break;
            }
            boolean groupEnd = e + 1 == runEnd ? rightOk : !is(b[e + 1], DIGIT);
            if (digits >= 13 && groupEnd && luhn(b, s, e + 1)) {
              best = e + 1;
            }
          }
          if (best > 0) {
            return match(s, best);
          }
        }
      }
      i = runEnd;
      // skip the rest of a word that glued onto the digits
      while (i < end && is(b[i], WORD)) {
        i++;
      }
    }
    return Preset.NONE;
  }

  static boolean luhn(byte[] b, int from, int end) {
    int sum = 0;
    boolean dbl = false;
    for (int k = end - 1; k >= from; k--) {
      int c = b[k];
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }

  // ---- email ------------------------------------------------------------------------------------

  /**
   * {@code local@domain.tld}: local part of letters, digits and {@code ._%+-}; a dotted domain
   * whose last label is 2+ letters.
   */
  static long email(byte[] b, int from, int end) {
    for (int at = from; at < end; at++) {
      if (b[at] != '@') {
        continue;
      }
      int s = at;
      while (s > from && is(b[s - 1], EMAIL_LOCAL)) {
        s--;
      }
      while (s < at && b[s] == '.') {
        s++;
      }
      if (s == at) {
        continue;
      }
      int e = at + 1;
      while (e < end && is(b[e], DOMAIN)) {
        e++;
      }
      while (e > at + 1 && (b[e - 1] == '.' || b[e - 1] == '-')) {
        e--;
      }
      // the last label: 2+ letters after a dot
      int lastDot = -1;
      for (int k = e - 1; k > at + 1; k--) {
        if (b[k] == '.') {
          lastDot = k;
          break;
        }
      }
      if (lastDot < 0 || e - lastDot - 1 < 2 || b[at + 1] == '.') {
        continue;
      }
      boolean letters = true;
      for (int k = lastDot + 1; k < e; k++) {
        int c = b[k] | 0x20;
        if (c < 'a' || c > 'z') {
          letters = false;
          break;
        }
      }
      if (letters) {
        return match(s, e);
      }
    }
    return Preset.NONE;
  }

  // ---- ipv4 -------------------------------------------------------------------------------------

  /** Four dot-separated decimal octets 0..255, not part of a longer dotted number or word. */
  static long ipv4(byte[] b, int from, int end) {
    int i = from;
    while (i < end) {
      if (!is(b[i], DIGIT) || (i > from && (is(b[i - 1], WORD) || b[i - 1] == '.'))) {
        i++;
        continue;
      }
      int p = i;
      boolean ok = true;
      for (int octet = 0; octet < 4 && ok; octet++) {
        if (octet > 0) {
          if (p < end && b[p] == '.') {
            p++;
          } else {
            ok = false;
            break;
          }
        }
        int v = 0;
        int n = 0;
        while (p < end && is(b[p], DIGIT) && n < 4) {
          v = v * 10 + (b[p] - '0');
          p++;
          n++;
        }
        if (n == 0 || n > 3 || v > 255) {
          ok = false;
        }
      }
      if (ok
          && (p == end
              || (!is(b[p], WORD) && !(b[p] == '.' && p + 1 < end && is(b[p + 1], DIGIT))))) {
        return match(i, p);
      }
      // skip this dotted number entirely
      i++;
      while (i < end && (is(b[i], WORD) || b[i] == '.')) {
        i++;
      }
    }
    return Preset.NONE;
  }

  // ---- ipv6 -------------------------------------------------------------------------------------

  /**
   * An RFC 4291 text address (eight groups, one {@code ::} for zeros, an optional dotted IPv4 tail)
   * standing alone: no word byte, colon or dot glued to either end.
   */
  static long ipv6(byte[] b, int from, int end) {
    int i = from;
    while (i < end) {
      byte c = b[i];
      if (!(is(c, HEX) || c == ':')) {
        i++;
        continue;
      }
      int s = i;
      int e = i;
      int colons = 0;
      while (e < end && (is(b[e], HEX) || b[e] == ':' || b[e] == '.')) {
        if (b[e] == ':') colons++;
        e++;
      }
      int next = e;
      while (e > s && b[e - 1] == '.') {
        e--; // a sentence's full stop
      }
      boolean leftOk = s == from || !is(b[s - 1], WORD);
      boolean rightOk = next == end || !is(b[next], WORD);
      if (colons >= 2 && leftOk && rightOk && validIpv6(b, s, e)) {
        return match(s, e);
      }
      i = next;
      while (i < end && is(b[i], WORD)) {
        i++;
      }
    }
    return Preset.NONE;
  }

  static boolean validIpv6(byte[] b, int s, int e) {
    int groups = 0;
    boolean compressed = false;
    boolean anyHex = false;
    int p = s;
    if (e - s >= 2 && b[s] == ':' && b[s + 1] == ':') {
      compressed = true;
      p = s + 2;
      if (p == e) {
        return false; // "::" alone: too common in code and prose
      }
    } else if (b[s] == ':') {
      return false;
    }
    while (p < e) {
      // one group, or a dotted IPv4 tail
      int g = p;
      while (g < e && is(b[g], HEX)) {
        g++;
      }
      if (g < e && b[g] == '.') {
        long v4 = ipv4(b, p, e);
        if (v4 == Preset.NONE || (int) (v4 >>> 32) != p || (int) v4 != e) {
          return false;
        }
        groups += 2;
        anyHex = true;
        p = e;
        break;
      }
      int len = g - p;
      if (len == 0 || len > 4) {
        return false;
      }
      anyHex = true;
      groups++;
      p = g;
      if (p == e) {
        break;
      }
      // b[p] == ':'
      if (p + 1 < e && b[p + 1] == ':') {
        if (compressed) {
          return false;
        }
        compressed = true;
        p += 2;
      } else {
        p++;
        if (p == e) {
          return false; // trailing single colon
        }
      }
    }
    return anyHex && (compressed ? groups < 8 : groups == 8);
  }

  // ---- jwt --------------------------------------------------------------------------------------

  /** Three base64url segments separated by dots, the first starting {@code eyJ} (a JSON header). */
  static long jwt(byte[] b, int from, int end) {
    for (int i = from; i + 3 <= end; i++) {
      if (b[i] != 'e' || b[i + 1] != 'y' || b[i + 2] != 'J' || (i > from && is(b[i - 1], B64URL))) {
        continue;
      }
      int p = i + 3;
      while (p < end && is(b[p], B64URL)) p++;
      if (p - i < 10 || p >= end || b[p] != '.') continue;
      int q = ++p;
      while (q < end && is(b[q], B64URL)) q++;
      if (q - p < 2 || q >= end || b[q] != '.') continue;
      int r = q + 1;
      while (r < end && is(b[r], B64URL)) r++;
      return match(i, r);
    }
    return Preset.NONE;
  }

  // ---- bearer_token -----------------------------------------------------------------------------

  /**
   * The token after {@code Bearer } (any case, then spaces): RFC 6750 token68 bytes with trailing
   * {@code =}, at least 8 of them and not only letters (so prose such as "bearer authentication" is
   * left alone). The match is the token; the word {@code Bearer} stays.
   */
  static long bearer(byte[] b, int from, int end) {
    for (int i = from; i + 7 < end; i++) {
      if ((b[i] | 0x20) != 'b' || (i > from && is(b[i - 1], WORD))) {
        continue;
      }
      if ((b[i + 1] | 0x20) != 'e'
          || (b[i + 2] | 0x20) != 'a'
          || (b[i + 3] | 0x20) != 'r'
          || (b[i + 4] | 0x20) != 'e'
          || (b[i + 5] | 0x20) != 'r'
          || (b[i + 6] != ' ' && b[i + 6] != '\t')) {
        continue;
      }
      int s = i + 7;
      while (s < end && (b[s] == ' ' || b[s] == '\t')) s++;
      int e = s;
      boolean notOnlyLetters = false;
      while (e < end && is(b[e], TOKEN68)) {
        int c = b[e] | 0x20;
        if (c < 'a' || c > 'z') notOnlyLetters = true;
        e++;
      }
      while (e < end && b[e] == '=') {
        e++;
        notOnlyLetters = true;
      }
      if (e - s >= 8 && notOnlyLetters) {
        return match(s, e);
      }
    }
    return Preset.NONE;
  }

  // ---- aws_access_key_id ------------------------------------------------------------------------

  private static final byte[][] AWS_PREFIXES = {
    "AKIA".getBytes(), "ASIA".getBytes(), "AGPA".getBytes(), "AIDA".getBytes(), "AROA".getBytes(),
    "AIPA".getBytes(), "ANPA".getBytes(), "ANVA".getBytes(), "ABIA".getBytes(), "ACCA".getBytes()
  };

  /**
   * 20 upper-case letters and digits starting with an AWS key-id prefix (AKIA, ASIA, ... or A3T).
   */
  static long awsAccessKeyId(byte[] b, int from, int end) {
    for (int i = from; i + 20 <= end; i++) {
      if (b[i] != 'A' || (i > from && is(b[i - 1], WORD))) {
        continue;
      }
      if (!awsPrefix(b, i)) {
        continue;
      }
      int e = i + 4;
      while (e < i + 20 && is(b[e], UPPER_OR_DIGIT)) e++;
      if (e == i + 20 && (e == end || !is(b[e], WORD))) {
        return match(i, e);
      }
    }
    return Preset.NONE;
  }

  /** Whether an AWS key-id prefix starts at {@code i} (four bytes must exist there). */
  static boolean awsPrefixAt(byte[] b, int i) {
    return b[i] == 'A' && awsPrefix(b, i);
  }

  private static boolean awsPrefix(byte[] b, int i) {
    if (b[i + 1] == '3' && b[i + 2] == 'T' && is(b[i + 3], UPPER_OR_DIGIT)) {
      return true;
    }
    for (byte[] p : AWS_PREFIXES) {
      if (b[i + 1] == p[1] && b[i + 2] == p[2] && b[i + 3] == p[3]) {
        return true;
      }
    }
    return false;
  }
}
