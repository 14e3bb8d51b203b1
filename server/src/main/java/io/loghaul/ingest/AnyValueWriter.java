package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpFields.ANY_ARRAY;
import static io.loghaul.ingest.OtlpFields.ANY_BOOL;
import static io.loghaul.ingest.OtlpFields.ANY_BYTES;
import static io.loghaul.ingest.OtlpFields.ANY_DOUBLE;
import static io.loghaul.ingest.OtlpFields.ANY_INT;
import static io.loghaul.ingest.OtlpFields.ANY_KVLIST;
import static io.loghaul.ingest.OtlpFields.ANY_STRING;
import static io.loghaul.ingest.OtlpFields.LIST_VALUES;

import io.loghaul.bytes.Hex;
import io.loghaul.schema.LogEntry;
import java.nio.charset.StandardCharsets;

/**
 * Writes an OTLP {@code AnyValue} of a checked request into an entry's arena as docs/otlp.md stores
 * it: a string (or a value whose JSON form is a string: bytes as base64, NaN and the infinities) as
 * its text, anything else as compact JSON (kvlist → object, array → array, int and double → number,
 * bool, an unset value inside a list → {@code null}). Nesting deeper than the depth limit stops it.
 * Reads through the decoder's {@link OtlpWire}; allocates nothing but for double values. Not
 * thread-safe.
 */
final class AnyValueWriter {
  private static final byte[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
          .getBytes(StandardCharsets.US_ASCII);

  private final OtlpWire wire;
  private final int maxDepth;
  private LogEntry into;

  AnyValueWriter(OtlpWire wire, int maxDepth) {
    this.wire = wire;
    this.maxDepth = maxDepth;
  }

  /** Makes {@code into} the entry values are appended to, {@code null} to let go of it. */
  void target(LogEntry into) {
    this.into = into;
  }

  /**
   * Appends the {@code AnyValue} {@code [start, end)} as stored text: a string (or a value whose
   * JSON form is a string) without quotes, anything else as compact JSON. Returns false when
   * nesting exceeds the depth limit.
   */
  boolean appendValue(int start, int end, int depth) {
    OtlpWire w = wire;
    int tag = w.valueField(start, end);
    w.pos = w.valuePos;
    switch (tag) {
      case ANY_STRING -> {
        int len = (int) w.varint();
        into.appendBytes(w.buf, w.pos, len);
      }
      case ANY_BYTES -> {
        int len = (int) w.varint();
        appendBase64(into, w.buf, w.pos, len);
      }
      case ANY_DOUBLE -> {
        double d = Double.longBitsToDouble(w.fixed64());
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          appendAscii(into, Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        } else {
          appendDouble(into, d);
        }
      }
      case 0 -> {}
      default -> {
        return appendJson(start, end, depth);
      }
    }
    return true;
  }

  /**
   * Appends the {@code AnyValue} {@code [start, end)} as compact JSON; false when nesting exceeds
   * the depth limit.
   */
  private boolean appendJson(int start, int end, int depth) {
    LogEntry e = into;
    OtlpWire w = wire;
    int tag = w.valueField(start, end);
    w.pos = w.valuePos;
    switch (tag) {
      case ANY_STRING -> {
        int len = (int) w.varint();
        appendJsonString(e, w.buf, w.pos, len);
      }
      case ANY_BOOL -> appendAscii(e, w.varint() != 0 ? "true" : "false");
      case ANY_INT -> appendLong(e, w.varint());
      case ANY_DOUBLE -> {
        double d = Double.longBitsToDouble(w.fixed64());
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          appendAscii(e, Double.isNaN(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
          appendDouble(e, d);
        }
      }
      case ANY_BYTES -> {
        int len = (int) w.varint();
        e.appendByte('"');
        appendBase64(e, w.buf, w.pos, len);
        e.appendByte('"');
      }
      case ANY_ARRAY, ANY_KVLIST -> {
        if (depth >= maxDepth) {
          return false;
        }
        // ArrayValue and KeyValueList both hold their entries in field 1; only the entry differs
        boolean object = tag == ANY_KVLIST;
        int listEnd = (int) w.varint();
        listEnd += w.pos;
        e.appendByte(object ? '{' : '[');
        boolean first = true;
        while (w.pos < listEnd) {
          int t = w.tag();
          if (t != LIST_VALUES) {
            w.skip(t);
            continue;
          }
          int len = (int) w.varint();
          int next = w.pos + len;
          if (!first) {
            e.appendByte(',');
          }
          first = false;
          if (object) {
            w.readKeyValue(w.pos, next);
            int vo = w.valueOff;
            int ve = w.valueEnd;
            appendJsonString(e, w.buf, w.keyOff, w.keyLen);
            e.appendByte(':');
            if (vo < 0) {
              appendAscii(e, "null");
            } else if (!appendJson(vo, ve, depth + 1)) {
              return false;
            }
          } else if (!appendJson(w.pos, next, depth + 1)) {
            return false;
          }
          w.pos = next;
        }
        e.appendByte(object ? '}' : ']');
      }
      default -> appendAscii(e, "null");
    }
    return true;
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
