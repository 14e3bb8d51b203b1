package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpFields.ANY_BOOL;
import static io.loghaul.ingest.OtlpFields.ANY_BYTES;
import static io.loghaul.ingest.OtlpFields.ANY_DOUBLE;
import static io.loghaul.ingest.OtlpFields.ANY_INT;
import static io.loghaul.ingest.OtlpFields.ANY_KVLIST;
import static io.loghaul.ingest.OtlpFields.ANY_STRING;
import static io.loghaul.ingest.OtlpFields.LIST_VALUES;

import io.loghaul.bytes.Hex;
import io.loghaul.bytes.LittleEndian;
import io.loghaul.bytes.Varint;
import io.loghaul.schema.LogEntry;
import java.nio.charset.StandardCharsets;

/**
 * Writes an OTLP {@code AnyValue} of a checked request into an entry's arena as docs/otlp.md stores
 * it: a string (or a value whose JSON form is a string: bytes as base64, NaN and the infinities) as
 * its text, anything else as compact JSON (kvlist → object, array → array, int and double → number,
 * bool, an unset value inside a list → {@code null}). Nesting deeper than the depth limit stops it.
 * A value is given by the position of its case's tag, as {@link OtlpWire#valueCase} finds it, so
 * that a caller that has looked for the case does not look again. Allocates nothing but for double
 * values. Not thread-safe.
 */
final class AnyValueWriter {
  private static final byte[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
          .getBytes(StandardCharsets.US_ASCII);

  private final int maxDepth;
  private LogEntry into;

  AnyValueWriter(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  /** Makes {@code into} the entry values are appended to, {@code null} to let go of it. */
  void target(LogEntry into) {
    this.into = into;
  }

  /**
   * Appends the value whose case tag is at {@code b[at]} ({@link OtlpWire#ABSENT}: an unset value,
   * which appends nothing) as stored text: a string (or a value whose JSON form is a string)
   * without quotes, anything else as compact JSON. Returns false when nesting exceeds the depth
   * limit.
   */
  boolean appendValue(byte[] b, int at, int depth) {
    if (at == OtlpWire.ABSENT) {
      return true;
    }
    LogEntry e = into;
    int p = Varint.end(b, at);
    switch (OtlpWire.tag(b, at)) {
      case ANY_STRING -> e.appendBytes(b, Varint.end(b, p), (int) Varint.value(b, p));
      case ANY_BYTES -> appendBase64(e, b, Varint.end(b, p), (int) Varint.value(b, p));
      case ANY_DOUBLE -> {
        double d = Double.longBitsToDouble(LittleEndian.getLong(b, p));
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          appendAscii(e, Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        } else {
          appendDouble(e, d);
        }
      }
      default -> {
        return appendJson(b, at, depth);
      }
    }
    return true;
  }

  /**
   * Appends the value whose case tag is at {@code b[at]} as compact JSON ({@code null} when it is
   * {@link OtlpWire#ABSENT}); false when nesting exceeds the depth limit.
   */
  private boolean appendJson(byte[] b, int at, int depth) {
    LogEntry e = into;
    if (at == OtlpWire.ABSENT) {
      appendAscii(e, "null");
      return true;
    }
    int tag = OtlpWire.tag(b, at);
    int p = Varint.end(b, at);
    switch (tag) {
      case ANY_STRING -> appendJsonString(e, b, Varint.end(b, p), (int) Varint.value(b, p));
      case ANY_BOOL -> appendAscii(e, Varint.value(b, p) != 0 ? "true" : "false");
      case ANY_INT -> appendLong(e, Varint.value(b, p));
      case ANY_DOUBLE -> {
        double d = Double.longBitsToDouble(LittleEndian.getLong(b, p));
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          appendAscii(e, Double.isNaN(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
          appendDouble(e, d);
        }
      }
      case ANY_BYTES -> {
        e.appendByte('"');
        appendBase64(e, b, Varint.end(b, p), (int) Varint.value(b, p));
        e.appendByte('"');
      }
      default -> {
        // ANY_ARRAY or ANY_KVLIST, the only other cases
        if (depth >= maxDepth) {
          return false;
        }
        return appendList(b, tag == ANY_KVLIST, Varint.end(b, p), (int) Varint.value(b, p), depth);
      }
    }
    return true;
  }

  /**
   * Appends an {@code ArrayValue} or, when {@code object}, a {@code KeyValueList} of {@code len}
   * bytes from {@code start} as a JSON array or object. Both hold their entries in field 1; only
   * the entry differs.
   */
  private boolean appendList(byte[] b, boolean object, int start, int len, int depth) {
    LogEntry e = into;
    int end = start + len;
    e.appendByte(object ? '{' : '[');
    boolean first = true;
    int p = start;
    while (p < end) {
      int t = OtlpWire.tag(b, p);
      p = Varint.end(b, p);
      if (t != LIST_VALUES) {
        p = OtlpWire.skip(b, p, t);
        continue;
      }
      int entryStart = Varint.end(b, p);
      int next = entryStart + (int) Varint.value(b, p);
      if (!first) {
        e.appendByte(',');
      }
      first = false;
      int value;
      if (object) {
        long kv = OtlpWire.keyValue(b, entryStart, next);
        int k = OtlpWire.keyAt(kv);
        if (k == OtlpWire.ABSENT) {
          appendAscii(e, "\"\"");
        } else {
          appendJsonString(e, b, Varint.end(b, k), (int) Varint.value(b, k));
        }
        e.appendByte(':');
        value = valueCaseAt(b, OtlpWire.valueAt(kv));
      } else {
        value = OtlpWire.valueCase(b, entryStart, next);
      }
      if (!appendJson(b, value, depth + 1)) {
        return false;
      }
      p = next;
    }
    e.appendByte(object ? '}' : ']');
    return true;
  }

  /**
   * The case of the {@code AnyValue} whose length is at {@code b[v]} ({@link OtlpWire#ABSENT} when
   * {@code v} is, or when no case is set).
   */
  static int valueCaseAt(byte[] b, int v) {
    if (v == OtlpWire.ABSENT) {
      return OtlpWire.ABSENT;
    }
    int start = Varint.end(b, v);
    return OtlpWire.valueCase(b, start, start + (int) Varint.value(b, v));
  }

  private static void appendDouble(LogEntry into, double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      // integral doubles as "3.0": JSON readers keep them floating point
      appendLong(into, (long) d);
      appendAscii(into, ".0");
    } else {
      appendAscii(into, compactDouble(d));
    }
  }

  /**
   * A finite, non-integral (or huge) double as a compact JSON number: Java's shortest round-trip
   * digits, an exponent written {@code e}, no {@code .0} mantissa: {@code 1e-300}, {@code 1.5e20},
   * {@code 0.001}, {@code 1e20}.
   */
  static String compactDouble(double d) {
    String s = Double.toString(d);
    int e = s.indexOf('E');
    if (e < 0) {
      return s;
    }
    String mantissa = s.substring(0, e);
    if (mantissa.endsWith(".0")) {
      mantissa = mantissa.substring(0, mantissa.length() - 2);
    }
    return mantissa + "e" + s.substring(e + 1);
  }

  private static void appendJsonString(LogEntry into, byte[] s, int off, int n) {
    into.ensureArenaCapacity(n + 2);
    into.appendByte('"');
    for (int i = off; i < off + n; i++) {
      int b = s[i] & 0xFF;
      if (b == '"' || b == '\\') {
        into.appendByte('\\');
        into.appendByte(b);
      } else if (b < 0x20) {
        switch (b) {
          case '\n' -> appendAscii(into, "\\n");
          case '\r' -> appendAscii(into, "\\r");
          case '\t' -> appendAscii(into, "\\t");
          case '\b' -> appendAscii(into, "\\b");
          case '\f' -> appendAscii(into, "\\f");
          default -> {
            appendAscii(into, "\\u00");
            into.appendByte(Hex.digit(b >>> 4));
            into.appendByte(Hex.digit(b & 0xF));
          }
        }
      } else {
        // UTF-8 continuation and lead bytes are all >= 0x80: copying them keeps the text intact
        into.appendByte(b);
      }
    }
    into.appendByte('"');
  }

  private static void appendAscii(LogEntry into, String s) {
    for (int i = 0; i < s.length(); i++) {
      into.appendByte(s.charAt(i));
    }
  }

  private static void appendLong(LogEntry into, long v) {
    if (v == Long.MIN_VALUE) {
      appendAscii(into, "-9223372036854775808");
      return;
    }
    if (v < 0) {
      into.appendByte('-');
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    into.ensureArenaCapacity(digits);
    int end = into.arenaSize() + digits;
    byte[] a = into.arena();
    for (int p = end - 1; p >= into.arenaSize(); p--) {
      a[p] = (byte) ('0' + v % 10);
      v /= 10;
    }
    into.truncateArena(end);
  }

  private static void appendBase64(LogEntry into, byte[] s, int off, int n) {
    into.ensureArenaCapacity((n + 2) / 3 * 4);
    int i = 0;
    for (; i + 2 < n; i += 3) {
      int v = (s[off + i] & 0xFF) << 16 | (s[off + i + 1] & 0xFF) << 8 | (s[off + i + 2] & 0xFF);
      into.appendByte(BASE64[v >>> 18]);
      into.appendByte(BASE64[(v >>> 12) & 0x3F]);
      into.appendByte(BASE64[(v >>> 6) & 0x3F]);
      into.appendByte(BASE64[v & 0x3F]);
    }
    if (i < n) {
      int v = (s[off + i] & 0xFF) << 16 | (i + 1 < n ? (s[off + i + 1] & 0xFF) << 8 : 0);
      into.appendByte(BASE64[v >>> 18]);
      into.appendByte(BASE64[(v >>> 12) & 0x3F]);
      into.appendByte(i + 1 < n ? BASE64[(v >>> 6) & 0x3F] : '=');
      into.appendByte('=');
    }
  }
}
