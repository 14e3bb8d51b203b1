package io.loghaul.schema;

import io.loghaul.bytes.Hex;
import io.loghaul.bytes.LittleEndian;
import io.loghaul.bytes.Utf8;
import java.util.Arrays;

/**
 * The byte-level half of the strict JSON parser: whitespace, strings (UTF-8, escapes, control
 * characters), numbers and literals of RFC 8259 inside one record value, with strings scanned 8
 * bytes at a time. A string is skipped, decoded into the arena of the entry being filled ({@link
 * #RAW}), or re-escaped minimally into it with its quotes ({@link #JSON}, for compact JSON).
 *
 * <p>Knows nothing of the schema. A syntax or UTF-8 error abandons the record by throwing the one
 * shared, stackless {@link Malformed}; {@link #malformed()} then builds the rejection
 * docs/record-schema.md orders first. Not thread-safe; one {@link LogEntryParser} reuses it for
 * every record.
 */
final class JsonLexer {
  /** {@link #string}: validate only. */
  static final int SKIP = 0;

  /** {@link #string}: append the decoded text to the arena. */
  static final int RAW = 1;

  /** {@link #string}: append it as a minimally escaped JSON string, quotes included. */
  static final int JSON = 2;

  static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
  private static final Malformed MALFORMED = new Malformed();

  // the value being read: buf[start, end), cursor pos; the parser reads these directly
  byte[] buf;
  int start;
  int pos;
  int end;

  /** The entry whose arena strings decode into. */
  LogEntry out;

  // results of number()
  boolean numInteger;
  boolean numOverflow;
  long numValue;

  private int errorPos;
  private String errorWhat;
  private boolean errorUtf8;

  /**
   * Starts reading {@code value[offset, offset + length)}, decoding strings into {@code out}'s
   * arena.
   */
  void reset(byte[] value, int offset, int length, LogEntry out) {
    this.buf = value;
    this.start = offset;
    this.pos = offset;
    this.end = offset + length;
    this.out = out;
    this.errorUtf8 = false;
  }

  /** Drops the references to the record and the entry. */
  void clear() {
    buf = null;
    out = null;
  }

  void skipWhitespace() {
    byte[] b = buf;
    int p = pos;
    // compact JSON has none: one comparison for the common case
    if (p < end && b[p] > ' ') {
      return;
    }
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        break;
      }
      p++;
    }
    pos = p;
  }

  void expect(char c) {
    if (pos >= end || buf[pos] != c) {
      throw syntax(pos, c == ':' ? "expected ':'" : "unexpected character");
    }
    pos++;
  }

  /** Reads {@code null} if that is what comes next (without appending it); false otherwise. */
  boolean nullLiteral() {
    if (buf[pos] != 'n') {
      return false;
    }
    literal(NULL, false);
    return true;
  }

  /**
   * Reads the literal {@code lit} ({@link #TRUE}, {@link #FALSE}, {@link #NULL}); appends it when
   * {@code emit}.
   */
  void literal(byte[] lit, boolean emit) {
    int n = lit.length;
    if (end - pos < n || !Arrays.equals(buf, pos, pos + n, lit, 0, n)) {
      throw syntax(pos, "invalid literal");
    }
    if (emit) {
      out.appendBytes(lit, 0, n);
    }
    pos += n;
  }

  /**
   * Reads a number per RFC 8259 §6. Sets {@link #numInteger}, and for integers {@link #numValue} or
   * {@link #numOverflow}. When {@code emit}, appends its literal text.
   */
  void number(boolean emit) {
    byte[] b = buf;
    int s = pos;
    int p = s;
    boolean negative = false;
    if (b[p] == '-') {
      negative = true;
      p++;
    }
    if (p >= end) {
      throw syntax(p, "unexpected end of data in a number");
    }
    long v = 0;
    boolean overflow = false;
    int c = b[p];
    if (c == '0') {
      p++;
    } else if (c >= '1' && c <= '9') {
      // 18 digits cannot overflow a long: no overflow check for them (epoch millis have 13)
      int fastEnd = Math.min(end, p + 18);
      long u = 0;
      while (p < fastEnd && (c = b[p]) >= '0' && c <= '9') {
        u = u * 10 + (c - '0');
        p++;
      }
      v = -u;
      // further digits: accumulate negatively so Long.MIN_VALUE fits
      while (p < end && (c = b[p]) >= '0' && c <= '9') {
        int d = c - '0';
        if (v < (Long.MIN_VALUE + d) / 10) {
          overflow = true;
        } else {
          v = v * 10 - d;
        }
        p++;
      }
    } else {
      throw syntax(p, "invalid number");
    }
    boolean integer = true;
    if (p < end && b[p] == '.') {
      integer = false;
      p++;
      int digits = p;
      while (p < end && b[p] >= '0' && b[p] <= '9') {
        p++;
      }
      if (p == digits) {
        throw syntax(p, "expected a digit after the decimal point");
      }
    }
    if (p < end && (b[p] | 0x20) == 'e') {
      integer = false;
      p++;
      if (p < end && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      int digits = p;
      while (p < end && b[p] >= '0' && b[p] <= '9') {
        p++;
      }
      if (p == digits) {
        throw syntax(p, "expected a digit in the exponent");
      }
    }
    if (!negative && v == Long.MIN_VALUE) {
      overflow = true;
    }
    numInteger = integer;
    numOverflow = overflow;
    numValue = negative ? v : -v;
    pos = p;
    if (emit) {
      out.appendBytes(b, s, p - s);
    }
  }

  // ---- strings --------------------------------------------------------------------------------

  /**
   * Reads the string starting at the opening quote at {@link #pos}, validating UTF-8, escapes and
   * control characters; {@code mode} is {@link #SKIP}, {@link #RAW} or {@link #JSON}.
   */
  void string(int mode) {
    if (mode == SKIP) {
      skipString();
      return;
    }
    byte[] b = buf;
    int end = this.end;
    LogEntry e = out;
    int p = pos + 1;
    // Copies while it scans, 8 bytes at a time, writing each word before looking at it; the bytes
    // written past the string's end are overwritten or lie beyond arenaSize. Room for the rest of
    // the
    // record (+ 16) covers every such write: a decoded or re-escaped escape is never longer than
    // its
    // source, so the output never gets more than one byte (JSON's opening quote) ahead of the
    // input.
    e.ensureArenaCapacity(end - p + 16);
    byte[] a = e.arena();
    int d = e.arenaSize();
    if (mode == JSON) {
      a[d++] = '"';
    }
    while (true) {
      // skip 8 bytes at a time to the first byte that needs a look (see specialBytes)
      while (p <= end - 8) {
        long w = LittleEndian.getLong(b, p);
        LittleEndian.putLong(a, d, w);
        long special = specialBytes(w);
        if (special != 0) {
          int k = Long.numberOfTrailingZeros(special) >>> 3;
          p += k;
          d += k;
          break;
        }
        p += 8;
        d += 8;
      }
      if (p >= end) {
        throw syntax(p, "unterminated string");
      }
      int c = b[p];
      if (c >= 0x20 && c != '"' && c != '\\') {
        a[d++] = (byte) c;
        p++;
        continue;
      }
      if (c == '"') {
        p++;
        break;
      }
      if (c == '\\') {
        e.commitArena(d);
        p = escape(p, mode);
        a = e.arena();
        d = e.arenaSize();
      } else if (c < 0) {
        int q = Utf8.sequenceEnd(b, p, end);
        if (q < 0) {
          throw utf8(-q - 1);
        }
        while (p < q) {
          a[d++] = b[p++];
        }
      } else {
        throw syntax(p, "raw control character in a string");
      }
    }
    if (mode == JSON) {
      a[d++] = '"';
    }
    e.commitArena(d);
    pos = p;
  }

  /** Like {@link #string} with {@link #SKIP}: validates the string and moves past it. */
  private void skipString() {
    byte[] b = buf;
    int end = this.end;
    int p = pos + 1;
    while (true) {
      while (p <= end - 8) {
        long special = specialBytes(LittleEndian.getLong(b, p));
        if (special != 0) {
          p += Long.numberOfTrailingZeros(special) >>> 3;
          break;
        }
        p += 8;
      }
      if (p >= end) {
        throw syntax(p, "unterminated string");
      }
      int c = b[p];
      if (c >= 0x20 && c != '"' && c != '\\') {
        p++;
        continue;
      }
      if (c == '"') {
        p++;
        break;
      }
      if (c == '\\') {
        p = escape(p, SKIP);
      } else if (c < 0) {
        p = Utf8.sequenceEnd(b, p, end);
        if (p < 0) {
          throw utf8(-p - 1);
        }
      } else {
        throw syntax(p, "raw control character in a string");
      }
    }
    pos = p;
  }

  /**
   * The high bit of each byte of the little-endian word {@code w} that is {@code '"'}, {@code
   * '\\'}, a control character (below 0x20) or not ASCII (0x80 and up), or 0 when it has none.
   * Bytes above the lowest flagged one may be flagged wrongly (a borrow carries upward), so only
   * the lowest flag is exact, and that is the only one the scanner uses.
   */
  static long specialBytes(long w) {
    // no "& ~x" terms (as in the classic has-zero-byte test): they only clear flags of bytes of
    // 0x80
    // and up, and "| w" flags those anyway. Below the first flagged byte no subtraction borrows.
    return ((w ^ 0x2222_2222_2222_2222L) - ONES
            | (w ^ 0x5C5C_5C5C_5C5C_5C5CL) - ONES
            | w - 0x2020_2020_2020_2020L
            | w)
        & HIGH_BITS;
  }

  /** Decodes the escape at {@code b[p] == '\\'}; returns the position after it. */
  private int escape(int p, int mode) {
    if (p + 1 >= end) {
      throw syntax(p, "unterminated string");
    }
    int c = buf[p + 1];
    int cp;
    int next = p + 2;
    switch (c) {
      case '"', '\\', '/' -> cp = c;
      case 'b' -> cp = '\b';
      case 'f' -> cp = '\f';
      case 'n' -> cp = '\n';
      case 'r' -> cp = '\r';
      case 't' -> cp = '\t';
      case 'u' -> {
        cp = hex4(p + 2);
        next = p + 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (next + 6 > end || buf[next] != '\\' || buf[next + 1] != 'u') {
            throw syntax(p, "high surrogate escape not followed by a low surrogate");
          }
          int low = hex4(next + 2);
          if (low < 0xDC00 || low > 0xDFFF) {
            throw syntax(p, "high surrogate escape not followed by a low surrogate");
          }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          next += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          throw syntax(p, "low surrogate escape without a high surrogate");
        }
      }
      default -> throw syntax(p, "invalid escape");
    }
    if (mode == RAW) {
      out.appendCodePoint(cp);
    } else if (mode == JSON) {
      appendJsonEscaped(cp);
    }
    return next;
  }

  private void appendJsonEscaped(int cp) {
    LogEntry e = out;
    if (cp == '"' || cp == '\\') {
      e.appendByte('\\');
      e.appendByte(cp);
    } else if (cp >= 0x20) {
      e.appendCodePoint(cp);
    } else {
      e.appendByte('\\');
      switch (cp) {
        case '\b' -> e.appendByte('b');
        case '\f' -> e.appendByte('f');
        case '\n' -> e.appendByte('n');
        case '\r' -> e.appendByte('r');
        case '\t' -> e.appendByte('t');
        default -> {
          e.appendByte('u');
          e.appendByte('0');
          e.appendByte('0');
          e.appendByte(Hex.digit(cp >>> 4));
          e.appendByte(Hex.digit(cp & 0xF));
        }
      }
    }
  }

  private int hex4(int at) {
    if (at + 4 > end) {
      throw syntax(at - 2, "truncated \\u escape");
    }
    int v = 0;
    for (int i = at; i < at + 4; i++) {
      int d = Hex.value(buf[i]);
      if (d < 0) {
        throw syntax(i, "invalid hex digit in a \\u escape");
      }
      v = v << 4 | d;
    }
    return v;
  }

  // ---- errors ---------------------------------------------------------------------------------

  /** Thrown (one shared, stackless instance) to abandon a record that is not well-formed. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private Malformed() {
      super(null, null, false, false);
    }
  }

  /** Records a syntax error at byte {@code at} and returns the exception to throw. */
  Malformed syntax(int at, String what) {
    errorPos = at;
    errorWhat = what;
    return MALFORMED;
  }

  private Malformed utf8(int at) {
    errorPos = at;
    errorUtf8 = true;
    return MALFORMED;
  }

  /** The rejection of the record after {@link Malformed} was thrown. */
  Rejected malformed() {
    // invalid UTF-8 anywhere beats a syntax error, even one earlier in the document
    int bad = Utf8.firstInvalid(buf, start, end);
    if (bad >= 0) {
      return new Rejected(ErrorType.INVALID_UTF8, "", "invalid UTF-8 at byte " + (bad - start));
    }
    if (errorUtf8) {
      throw new IllegalStateException("UTF-8 error reported at " + errorPos + " but none found");
    }
    return new Rejected(
        ErrorType.JSON_SYNTAX, "", "json_syntax: " + errorWhat + " at byte " + (errorPos - start));
  }

  /** How a message names the type of the JSON value whose first byte is {@code first}. */
  static String jsonType(int first) {
    return switch (first) {
      case '{' -> "an object";
      case '[' -> "an array";
      case '"' -> "a string";
      case 't', 'f' -> "a boolean";
      case 'n' -> "null";
      default -> "a number";
    };
  }
}
