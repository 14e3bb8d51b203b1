package io.loghaul.schema;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The strict parser of docs/record-schema.md: checks one JSON Kafka record value against the LogEntry schema and
 * fills a {@link LogEntry} in the same single pass over the bytes.
 *
 * <p>Not thread-safe: use one instance per consumer thread. Reusable: {@link #parse} resets all
 * per-record state, and the accepted path allocates nothing (strings are unescaped straight into the
 * entry's arena; field names are recognised by comparing bytes).
 *
 * <p>Never throws for bad input: every defect becomes a {@link Rejected} value. When a record has
 * several defects the order of docs/record-schema.md#precedence decides: size, then UTF-8, then JSON syntax of the whole document
 * (parsing continues after a field defect only to find syntax errors), then the first defective
 * field in document order, and missing required fields last. Byte positions in messages count from
 * the start of the value, from 0.
 */
public final class LogEntryParser {
  private static final int TIMESTAMP = 0;
  private static final int SERVICE_NAME = 1;
  private static final int LEVEL = 2;
  private static final int MESSAGE = 3;
  private static final int TRACE_ID = 4;
  private static final int SPAN_ID = 5;
  private static final int ATTRIBUTES = 6;
  private static final int UNKNOWN = -1;
  private static final int REQUIRED = 1 << TIMESTAMP | 1 << SERVICE_NAME | 1 << LEVEL | 1 << MESSAGE;

  private static final String[] NAMES = {
    "timestamp", "service_name", "level", "message", "trace_id", "span_id", "attributes"
  };
  private static final String[] PATHS = {
    "/timestamp", "/service_name", "/level", "/message", "/trace_id", "/span_id", "/attributes"
  };
  private static final byte[][] NAME_BYTES = new byte[NAMES.length][];
  // each name's first and last 8 bytes (4 for names shorter than 8), as little-endian reads see them;
  // the two overlap, so together they cover every byte of names up to 16 bytes long
  private static final long[] NAME_HEAD = new long[NAMES.length];
  private static final long[] NAME_TAIL = new long[NAMES.length];

  /** Little-endian 8-byte reads from a {@code byte[]}: the scanners look at 8 bytes at a time. */
  static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

  static {
    for (int i = 0; i < NAMES.length; i++) {
      byte[] name = NAMES[i].getBytes(StandardCharsets.US_ASCII);
      NAME_BYTES[i] = name;
      int n = name.length;
      if (n >= 8) {
        NAME_HEAD[i] = (long) LONG_LE.get(name, 0);
        NAME_TAIL[i] = (long) LONG_LE.get(name, n - 8);
      } else {
        NAME_HEAD[i] = (int) INT_LE.get(name, 0);
        NAME_TAIL[i] = (int) INT_LE.get(name, n - 4);
      }
    }
  }

  /** Most payload bytes a message or field path may echo (docs/dead-letters.md#headers). */
  static final int MAX_ECHO_BYTES = 64;

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  // how string() treats the decoded text
  private static final int SKIP = 0;
  private static final int RAW = 1;
  private static final int JSON = 2;

  private static final byte OBJECT = 1;
  private static final byte ARRAY = 2;

  private static final Malformed MALFORMED = new Malformed();

  private final int maxRecordBytes;
  private final int maxServiceNameBytes;
  private final int maxMessageBytes;
  private final int maxAttributes;
  private final int maxAttributeKeyBytes;
  private final int maxAttributeValueBytes;
  private final int maxDepth;
  private final long maxAgeMillis;
  private final long maxFutureMillis;

  // ---- per-record state (reset by parse) ----
  private byte[] buf;
  private int start;
  private int pos;
  private int end;
  private LogEntry entry;
  private long windowLowMillis;
  private long windowHighMillis;
  /** The first field defect; later ones are ignored, but parsing goes on to find syntax errors. */
  private Rejected defect;
  private int seenFields;
  private int presentFields;

  private int errorPos;
  private String errorWhat;
  private boolean errorUtf8;

  // results of number()
  private boolean numInteger;
  private boolean numOverflow;
  private long numValue;

  // value(): container kinds, and (while emitting) each object's first key in nestedKeys
  private byte[] containers = new byte[32];
  private int[] keyBase = new int[16];
  private int[] nestedKeys = new int[3 * 32];
  private int nestedKeyTop;
  private boolean emitting;
  private int emitStart;
  private int attrKeyOffset;
  private int attrKeyLength;

  private int[] attributeKeyHashes = new int[16];

  /** A parser for these limits. */
  public LogEntryParser(SchemaLimits limits) {
    requireNonNull(limits, "limits");
    this.maxRecordBytes = limits.maxRecordBytes();
    this.maxServiceNameBytes = limits.maxServiceNameBytes();
    this.maxMessageBytes = limits.maxMessageBytes();
    this.maxAttributes = limits.maxAttributes();
    this.maxAttributeKeyBytes = limits.maxAttributeKeyBytes();
    this.maxAttributeValueBytes = limits.maxAttributeValueBytes();
    this.maxDepth = limits.maxDepth();
    this.maxAgeMillis = saturatedMultiply(limits.maxAgeSeconds(), 1000);
    this.maxFutureMillis = saturatedMultiply(limits.maxFutureSeconds(), 1000);
  }

  /**
   * Checks {@code value[offset, offset + length)} and fills {@code into} with its fields.
   *
   * @param nowMillis the current time, epoch milliseconds; the timestamp window is relative to it
   * @param into reset first; on {@link Accepted} it holds the record, on {@link Rejected} its content
   *     is unspecified
   * @return {@link Accepted#INSTANCE} or the first defect as a {@link Rejected}
   */
  public ParseResult parse(byte[] value, int offset, int length, long nowMillis, LogEntry into) {
    requireNonNull(value, "value");
    requireNonNull(into, "into");
    Objects.checkFromIndexSize(offset, length, value.length);
    into.reset();
    if (length > maxRecordBytes) {
      return new Rejected(ErrorType.RECORD_TOO_LARGE, "",
          "record is " + length + " bytes (limit: " + maxRecordBytes + ")");
    }
    buf = value;
    start = offset;
    pos = offset;
    end = offset + length;
    entry = into;
    windowLowMillis = saturatedAdd(nowMillis, -maxAgeMillis);
    windowHighMillis = saturatedAdd(nowMillis, maxFutureMillis);
    defect = null;
    seenFields = 0;
    presentFields = 0;
    errorUtf8 = false;
    emitting = false;
    try {
      return document();
    } catch (Malformed e) {
      return malformed();
    } finally {
      buf = null;
      entry = null;
      defect = null;
    }
  }

  // ---- document and top-level fields ----------------------------------------------------------

  private ParseResult document() {
    skipWhitespace();
    if (pos == end) {
      throw syntax(pos, "empty value");
    }
    if (buf[pos] != '{') {
      return notAnObject();
    }
    topObject();
    skipWhitespace();
    if (pos != end) {
      throw syntax(pos, "trailing data after the object");
    }
    if (defect != null) {
      return defect;
    }
    if ((presentFields & REQUIRED) != REQUIRED) {
      for (int f = TIMESTAMP; f <= MESSAGE; f++) {
        if ((presentFields & 1 << f) == 0) {
          return new Rejected(ErrorType.MISSING_FIELD, PATHS[f],
              "required field " + NAMES[f] + ((seenFields & 1 << f) == 0 ? " is missing" : " is null"));
        }
      }
    }
    return Accepted.INSTANCE;
  }

  private ParseResult notAnObject() {
    int first = buf[pos];
    int valueStart = pos;
    value(false);
    skipWhitespace();
    if (pos != end) {
      throw syntax(pos, "trailing data after the value");
    }
    if (first == 'n') {
      throw syntax(valueStart, "the value is null, expected an object");
    }
    return new Rejected(ErrorType.TYPE_MISMATCH, "",
        "the record is " + jsonType(first) + ", expected an object");
  }

  private void topObject() {
    pos++;
    skipWhitespace();
    if (pos < end && buf[pos] == '}') {
      pos++;
      return;
    }
    while (true) {
      int field = fieldName();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      if (pos >= end) {
        throw syntax(pos, "unexpected end of data, expected a value");
      }
      if (defect != null) {
        value(false);
      } else {
        switch (field) {
          case TIMESTAMP -> timestamp();
          case SERVICE_NAME -> serviceName();
          case LEVEL -> level();
          case MESSAGE -> message();
          case TRACE_ID -> hexId(TRACE_ID, 32, entry.traceIdHex());
          case SPAN_ID -> hexId(SPAN_ID, 16, entry.spanIdHex());
          case ATTRIBUTES -> attributes();
          default -> throw new AssertionError(field);
        }
      }
      skipWhitespace();
      if (pos >= end) {
        throw syntax(pos, "unterminated object");
      }
      byte c = buf[pos++];
      if (c == ',') {
        skipWhitespace();
      } else if (c == '}') {
        return;
      } else {
        throw syntax(pos - 1, "expected ',' or '}'");
      }
    }
  }

  /** Reads a top-level key; records unknown and duplicate keys as defects. */
  private int fieldName() {
    if (pos >= end || buf[pos] != '"') {
      throw syntax(pos, "expected a field name");
    }
    byte[] b = buf;
    int s = pos + 1;
    int known = knownName(b, s, end);
    if (known != UNKNOWN) {
      pos = s + NAME_BYTES[known].length + 1;
      if ((seenFields & 1 << known) != 0) {
        nameDefect(known, b, s, NAME_BYTES[known].length);
      }
      seenFields |= 1 << known;
      return known;
    }
    int p = s;
    // plain printable ASCII, no escapes; anything else goes through the full decoder
    while (p < end) {
      byte c = b[p];
      if (c == '"' || c < 0x20 || c == '\\') {
        break;
      }
      p++;
    }
    int field;
    if (p < end && b[p] == '"') {
      pos = p + 1;
      field = identify(b, s, p - s);
      if (field == UNKNOWN || (seenFields & 1 << field) != 0) {
        nameDefect(field, b, s, p - s);
      }
    } else {
      int mark = entry.arenaSize();
      string(RAW);
      int len = entry.arenaSize() - mark;
      field = identify(entry.arena(), mark, len);
      if (field == UNKNOWN || (seenFields & 1 << field) != 0) {
        nameDefect(field, entry.arena(), mark, len);
      }
      entry.truncateArena(mark);
    }
    if (field != UNKNOWN) {
      seenFields |= 1 << field;
    }
    return field;
  }

  private void nameDefect(int field, byte[] key, int off, int len) {
    if (defect != null) {
      return;
    }
    if (field == UNKNOWN) {
      defect = new Rejected(ErrorType.UNKNOWN_FIELD, "/" + cap(key, off, len),
          "unknown field (the schema has timestamp, service_name, level, message, trace_id, span_id,"
              + " attributes)");
    } else {
      defect = new Rejected(ErrorType.DUPLICATE_FIELD, PATHS[field],
          "field " + NAMES[field] + " appears more than once");
    }
  }

  /**
   * The field whose name, followed by its closing quote, starts at {@code b[s]} spelled without
   * escapes, or {@link #UNKNOWN}: the common case, recognised without scanning the key byte by byte.
   * {@link #UNKNOWN} only means "not recognised here"; the caller then decodes the key in full.
   */
  private static int knownName(byte[] b, int s, int end) {
    if (end - s < 6) {
      return UNKNOWN;
    }
    int candidate = switch (b[s]) {
      case 't' -> b[s + 1] == 'i' ? TIMESTAMP : TRACE_ID;
      case 's' -> b[s + 1] == 'e' ? SERVICE_NAME : SPAN_ID;
      case 'l' -> LEVEL;
      case 'm' -> MESSAGE;
      case 'a' -> ATTRIBUTES;
      default -> UNKNOWN;
    };
    if (candidate == UNKNOWN) {
      return UNKNOWN;
    }
    int n = NAME_BYTES[candidate].length;
    if (end - s <= n || b[s + n] != '"') {
      return UNKNOWN;
    }
    boolean same = n >= 8
        ? (long) LONG_LE.get(b, s) == NAME_HEAD[candidate] && (long) LONG_LE.get(b, s + n - 8) == NAME_TAIL[candidate]
        : (int) INT_LE.get(b, s) == NAME_HEAD[candidate] && (int) INT_LE.get(b, s + n - 4) == NAME_TAIL[candidate];
    return same ? candidate : UNKNOWN;
  }

  private static int identify(byte[] b, int off, int len) {
    int candidate = switch (len) {
      case 5 -> LEVEL;
      case 7 -> b[off] == 'm' ? MESSAGE : SPAN_ID;
      case 8 -> TRACE_ID;
      case 9 -> TIMESTAMP;
      case 10 -> ATTRIBUTES;
      case 12 -> SERVICE_NAME;
      default -> UNKNOWN;
    };
    if (candidate != UNKNOWN) {
      byte[] name = NAME_BYTES[candidate];
      if (!Arrays.equals(b, off, off + len, name, 0, name.length)) {
        return UNKNOWN;
      }
    }
    return candidate;
  }

  private void timestamp() {
    int c = buf[pos];
    if (c == '"') {
      int mark = entry.arenaSize();
      string(RAW);
      byte[] a = entry.arena();
      int len = entry.arenaSize() - mark;
      long nanos = Rfc3339.parseEpochNanos(a, mark, len);
      if (nanos == Rfc3339.MALFORMED) {
        setDefect(ErrorType.INVALID_VALUE, PATHS[TIMESTAMP], "timestamp \"" + echo(a, mark, len)
            + "\" is not an RFC 3339 date-time with offset, e.g. 2026-11-22T02:53:00.123Z");
      } else {
        long millis = Math.floorDiv(nanos, 1_000_000L);
        if (nanos < saturatedMultiply(windowLowMillis, 1_000_000L)
            || nanos > saturatedMultiply(windowHighMillis, 1_000_000L)) {
          setDefect(ErrorType.TIMESTAMP_OUT_OF_RANGE, PATHS[TIMESTAMP],
              outOfWindow("timestamp \"" + echo(a, mark, len) + "\"", millis, false));
        } else {
          entry.setTimestampNanos(nanos);
          presentFields |= 1 << TIMESTAMP;
        }
      }
      entry.truncateArena(mark);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      int s = pos;
      number(false);
      if (!numInteger) {
        setDefect(ErrorType.TYPE_MISMATCH, PATHS[TIMESTAMP], "timestamp " + echo(buf, s, pos - s)
            + " is not an integer (expected: epoch milliseconds or an RFC 3339 string)");
      } else if (numOverflow) {
        setDefect(ErrorType.TIMESTAMP_OUT_OF_RANGE, PATHS[TIMESTAMP], "timestamp " + echo(buf, s, pos - s)
            + " is too large for epoch milliseconds");
      } else if (numValue < windowLowMillis || numValue > windowHighMillis) {
        setDefect(ErrorType.TIMESTAMP_OUT_OF_RANGE, PATHS[TIMESTAMP],
            outOfWindow("timestamp " + echo(buf, s, pos - s), numValue, true));
      } else {
        long hi = Math.multiplyHigh(numValue, 1_000_000L);
        long nanos = numValue * 1_000_000L;
        if (hi != (nanos >> 63)) {
          setDefect(ErrorType.TIMESTAMP_OUT_OF_RANGE, PATHS[TIMESTAMP], "timestamp "
              + echo(buf, s, pos - s) + " is beyond the range of epoch nanoseconds");
        } else {
          entry.setTimestampNanos(nanos);
          presentFields |= 1 << TIMESTAMP;
        }
      }
    } else if (!nullLiteral()) {
      mismatch(TIMESTAMP, "an integer (epoch milliseconds) or an RFC 3339 string");
    }
  }

  private String outOfWindow(String what, long millis, boolean epochMillis) {
    StringBuilder sb = new StringBuilder(what).append(" is ");
    if (millis < windowLowMillis) {
      sb.append(duration(windowLowMillis - millis)).append(" before the accepted window");
    } else {
      sb.append(duration(millis - windowHighMillis)).append(" after the accepted window");
    }
    if (epochMillis) {
      if (inWindow(saturatedMultiply(millis, 1000))) {
        sb.append(" (seconds instead of milliseconds?)");
      } else if (inWindow(millis / 1000)) {
        sb.append(" (microseconds instead of milliseconds?)");
      } else if (inWindow(millis / 1_000_000)) {
        sb.append(" (nanoseconds instead of milliseconds?)");
      }
    }
    return sb.toString();
  }

  private boolean inWindow(long millis) {
    return millis >= windowLowMillis && millis <= windowHighMillis;
  }

  /** A rough human-readable length of a positive duration, e.g. {@code 3 weeks}. */
  static String duration(long millis) {
    long[] units = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000};
    String[] names = {"year", "week", "day", "hour", "minute", "second"};
    for (int i = 0; i < units.length; i++) {
      long n = millis / units[i];
      if (n > 0) {
        return n + " " + names[i] + (n == 1 ? "" : "s");
      }
    }
    return millis <= 0 ? "less than 1 ms" : millis + " ms";
  }

  private void serviceName() {
    if (buf[pos] == '"') {
      int mark = entry.arenaSize();
      string(RAW);
      int len = entry.arenaSize() - mark;
      if (len == 0) {
        setDefect(ErrorType.INVALID_VALUE, PATHS[SERVICE_NAME], "service_name is empty");
      } else if (len > maxServiceNameBytes) {
        setDefect(ErrorType.FIELD_OVERFLOW, PATHS[SERVICE_NAME],
            "service_name is " + len + " bytes (limit: " + maxServiceNameBytes + ")");
      } else {
        entry.setServiceName(mark, len);
        presentFields |= 1 << SERVICE_NAME;
      }
    } else if (!nullLiteral()) {
      mismatch(SERVICE_NAME, "a string");
    }
  }

  private void message() {
    if (buf[pos] == '"') {
      int mark = entry.arenaSize();
      string(RAW);
      int len = entry.arenaSize() - mark;
      if (len > maxMessageBytes) {
        setDefect(ErrorType.FIELD_OVERFLOW, PATHS[MESSAGE],
            "message is " + len + " bytes (limit: " + maxMessageBytes + ")");
      } else {
        entry.setMessage(mark, len);
        presentFields |= 1 << MESSAGE;
      }
    } else if (!nullLiteral()) {
      mismatch(MESSAGE, "a string");
    }
  }

  private void level() {
    int c = buf[pos];
    if (c == '"') {
      int mark = entry.arenaSize();
      string(RAW);
      int len = entry.arenaSize() - mark;
      Level level = levelNamed(entry.arena(), mark, len);
      if (level == null) {
        setDefect(ErrorType.INVALID_VALUE, PATHS[LEVEL], "level \"" + echo(entry.arena(), mark, len)
            + "\" is not one of TRACE, DEBUG, INFO, WARN, WARNING, ERROR, FATAL");
      } else {
        entry.setLevel(level);
        presentFields |= 1 << LEVEL;
      }
      entry.truncateArena(mark);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      int s = pos;
      number(false);
      Level level = numInteger && !numOverflow ? Level.ofSeverityNumber(numValue) : null;
      if (!numInteger) {
        setDefect(ErrorType.TYPE_MISMATCH, PATHS[LEVEL], "level " + echo(buf, s, pos - s)
            + " is not an integer (expected: a level name or a severity number 1..24)");
      } else if (level == null) {
        setDefect(ErrorType.INVALID_VALUE, PATHS[LEVEL],
            "level " + echo(buf, s, pos - s) + " is not a severity number 1..24");
      } else {
        entry.setLevel(level);
        presentFields |= 1 << LEVEL;
      }
    } else if (!nullLiteral()) {
      mismatch(LEVEL, "a level name or a severity number");
    }
  }

  private static Level levelNamed(byte[] a, int off, int len) {
    // b | 0x20 folds ASCII upper to lower case; it cannot turn a non-letter into a letter
    switch (len) {
      case 4:
        if (is(a, off, 'i', 'n', 'f', 'o')) {
          return Level.INFO;
        }
        return is(a, off, 'w', 'a', 'r', 'n') ? Level.WARN : null;
      case 5:
        if (is(a, off, 'e', 'r', 'r', 'o') && (a[off + 4] | 0x20) == 'r') {
          return Level.ERROR;
        }
        if (is(a, off, 'd', 'e', 'b', 'u') && (a[off + 4] | 0x20) == 'g') {
          return Level.DEBUG;
        }
        if (is(a, off, 't', 'r', 'a', 'c') && (a[off + 4] | 0x20) == 'e') {
          return Level.TRACE;
        }
        if (is(a, off, 'f', 'a', 't', 'a') && (a[off + 4] | 0x20) == 'l') {
          return Level.FATAL;
        }
        return null;
      case 7:
        return is(a, off, 'w', 'a', 'r', 'n') && is3(a, off + 4, 'i', 'n', 'g') ? Level.WARN : null;
      default:
        return null;
    }
  }

  private static boolean is(byte[] a, int off, char c0, char c1, char c2, char c3) {
    return (a[off] | 0x20) == c0 && (a[off + 1] | 0x20) == c1 && (a[off + 2] | 0x20) == c2
        && (a[off + 3] | 0x20) == c3;
  }

  private static boolean is3(byte[] a, int off, char c0, char c1, char c2) {
    return (a[off] | 0x20) == c0 && (a[off + 1] | 0x20) == c1 && (a[off + 2] | 0x20) == c2;
  }

  private void hexId(int field, int digits, byte[] target) {
    if (buf[pos] != '"') {
      if (!nullLiteral()) {
        mismatch(field, "a string of " + digits + " hex digits");
      }
      return;
    }
    int s = pos + 1;
    // the common case, read in place: exactly `digits` unescaped hex digits, not all zero, then the
    // quote; anything else (escapes, wrong length, bad digits) takes the general path for its message
    if (end - s > digits && buf[s + digits] == '"' && copyHexId(buf, s, digits, target)) {
      pos = s + digits + 1;
      if (field == TRACE_ID) {
        entry.setHasTraceId(true);
      } else {
        entry.setHasSpanId(true);
      }
      return;
    }
    int mark = entry.arenaSize();
    string(RAW);
    byte[] a = entry.arena();
    int len = entry.arenaSize() - mark;
    if (len != digits) {
      setDefect(ErrorType.INVALID_VALUE, PATHS[field],
          NAMES[field] + " is " + len + " bytes long (expected: " + digits + " hex digits)");
    } else {
      int nonZero = 0;
      boolean hex = true;
      for (int i = 0; i < digits; i++) {
        int c = a[mark + i];
        int lower = c | 0x20;
        if (c >= '0' && c <= '9') {
          target[i] = (byte) c;
        } else if (lower >= 'a' && lower <= 'f') {
          target[i] = (byte) lower;
        } else {
          hex = false;
          break;
        }
        nonZero |= c ^ '0';
      }
      if (!hex) {
        setDefect(ErrorType.INVALID_VALUE, PATHS[field], NAMES[field] + " \"" + echo(a, mark, len)
            + "\" is not " + digits + " hex digits");
      } else if (nonZero == 0) {
        setDefect(ErrorType.INVALID_VALUE, PATHS[field], NAMES[field] + " is all zeros");
      } else if (field == TRACE_ID) {
        entry.setHasTraceId(true);
      } else {
        entry.setHasSpanId(true);
      }
    }
    entry.truncateArena(mark);
  }

  /**
   * Copies {@code digits} (a multiple of 8) hex digits, lower-cased, to {@code target}; false if one
   * is not a hex digit or all are '0'. Looks at 8 digits at a time (see {@link #notHexDigits}).
   */
  private static boolean copyHexId(byte[] b, int s, int digits, byte[] target) {
    long invalid = 0;
    long nonZero = 0;
    for (int i = 0; i < digits; i += 8) {
      long w = (long) LONG_LE.get(b, s + i);
      invalid |= notHexDigits(w);
      long lower = w | hexLetters(w) >>> 2; // 0x80 >>> 2 == 0x20: the case bit, letters only
      LONG_LE.set(target, i, lower);
      nonZero |= lower ^ 0x3030_3030_3030_3030L;
    }
    return invalid == 0 && nonZero != 0;
  }

  /**
   * The high bit of each byte of {@code w} that is not an ASCII hex digit (0-9, a-f, A-F), or 0 when
   * all 8 are. Exact for every byte: for ASCII bytes each comparison below adds at most 0x7F + 0x80,
   * so no carry crosses into the next byte, and a non-ASCII byte is flagged by its own high bit.
   */
  static long notHexDigits(long w) {
    long ascii = w & ~HIGH_BITS;
    long digit = ge(ascii, '0') & ~ge(ascii, '9' + 1);
    return (w | ~(digit | hexLetters(w))) & HIGH_BITS;
  }

  /** The high bit of each byte of {@code w} that is a-f or A-F (exact for every byte, as above). */
  static long hexLetters(long w) {
    long folded = (w | 0x2020_2020_2020_2020L) & ~HIGH_BITS;
    return ge(folded, 'a') & ~ge(folded, 'f' + 1) & ~w & HIGH_BITS;
  }

  /** For bytes below 0x80: the high bit of each that is {@code >= k} (1 <= k <= 0x80). */
  private static long ge(long ascii, int k) {
    return ascii + (0x80 - k) * ONES;
  }

  private void attributes() {
    if (buf[pos] != '{') {
      if (!nullLiteral()) {
        mismatch(ATTRIBUTES, "an object");
      }
      return;
    }
    pos++;
    skipWhitespace();
    if (pos < end && buf[pos] == '}') {
      pos++;
      return;
    }
    int count = 0;
    while (true) {
      if (pos >= end || buf[pos] != '"') {
        throw syntax(pos, "expected a field name");
      }
      if (defect != null) {
        string(SKIP);
        skipWhitespace();
        expect(':');
        skipWhitespace();
        value(false);
      } else {
        int keyOffset = entry.arenaSize();
        string(RAW);
        int keyLength = entry.arenaSize() - keyOffset;
        int hash = hash(entry.arena(), keyOffset, keyLength);
        count++;
        if (count > maxAttributes) {
          setDefect(ErrorType.FIELD_OVERFLOW, PATHS[ATTRIBUTES],
              "attributes has more than " + maxAttributes + " keys");
        } else if (keyLength == 0) {
          setDefect(ErrorType.INVALID_VALUE, "/attributes/", "attribute key is empty");
        } else if (keyLength > maxAttributeKeyBytes) {
          setDefect(ErrorType.FIELD_OVERFLOW, attributePath(keyOffset, keyLength),
              "attribute key is " + keyLength + " bytes (limit: " + maxAttributeKeyBytes + ")");
        } else if (isDuplicateAttribute(keyOffset, keyLength, hash)) {
          setDefect(ErrorType.DUPLICATE_FIELD, attributePath(keyOffset, keyLength),
              "attribute key appears more than once");
        }
        skipWhitespace();
        expect(':');
        skipWhitespace();
        if (pos >= end) {
          throw syntax(pos, "unexpected end of data, expected a value");
        }
        if (defect != null) {
          value(false);
        } else {
          attributeValue(keyOffset, keyLength, hash);
        }
      }
      skipWhitespace();
      if (pos >= end) {
        throw syntax(pos, "unterminated object");
      }
      byte c = buf[pos++];
      if (c == ',') {
        skipWhitespace();
      } else if (c == '}') {
        return;
      } else {
        throw syntax(pos - 1, "expected ',' or '}'");
      }
    }
  }

  private boolean isDuplicateAttribute(int keyOffset, int keyLength, int hash) {
    byte[] a = entry.arena();
    int n = entry.attributeCount();
    for (int i = 0; i < n; i++) {
      if (attributeKeyHashes[i] == hash && entry.attributeKeyLength(i) == keyLength) {
        int o = entry.attributeKeyOffset(i);
        if (Arrays.equals(a, o, o + keyLength, a, keyOffset, keyOffset + keyLength)) {
          return true;
        }
      }
    }
    return false;
  }

  private void attributeValue(int keyOffset, int keyLength, int hash) {
    int valueOffset = entry.arenaSize();
    attrKeyOffset = keyOffset;
    attrKeyLength = keyLength;
    int c = buf[pos];
    if (c == '"') {
      string(RAW);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      // a number is its own compact text: no need for value()'s container machinery
      number(true);
    } else {
      value(true);
    }
    if (defect != null) {
      return;
    }
    int valueLength = entry.arenaSize() - valueOffset;
    if (valueLength > maxAttributeValueBytes) {
      overflowAttributeValue();
      return;
    }
    int i = entry.attributeCount();
    if (i == attributeKeyHashes.length) {
      attributeKeyHashes = Arrays.copyOf(attributeKeyHashes, i * 2);
    }
    attributeKeyHashes[i] = hash;
    entry.addAttribute(keyOffset, keyLength, valueOffset, valueLength);
  }

  private void overflowAttributeValue() {
    setDefect(ErrorType.FIELD_OVERFLOW, attributePath(attrKeyOffset, attrKeyLength),
        "attribute value is longer than " + maxAttributeValueBytes + " bytes");
  }

  private String attributePath(int keyOffset, int keyLength) {
    return "/attributes/" + cap(entry.arena(), keyOffset, keyLength);
  }

  private void mismatch(int field, String expected) {
    int first = buf[pos];
    value(false);
    setDefect(ErrorType.TYPE_MISMATCH, PATHS[field],
        NAMES[field] + " is " + jsonType(first) + " (expected: " + expected + ")");
  }

  private void setDefect(ErrorType type, String field, String message) {
    if (defect == null) {
      defect = new Rejected(type, field, message);
    }
  }

  // ---- generic JSON values --------------------------------------------------------------------

  /**
   * Reads one JSON value of any depth without recursion. When {@code emit}, appends its compact
   * JSON text to the arena and enforces the attribute-value rules (depth, duplicate keys, size),
   * recording the first violation as the defect of attribute {@code attrKey*} and only checking
   * syntax from then on.
   */
  private void value(boolean emit) {
    emitting = emit;
    emitStart = entry.arenaSize();
    nestedKeyTop = 0;
    int depth = 0;
    while (true) {
      // here: at the start of a value
      if (pos >= end) {
        throw syntax(pos, "unexpected end of data, expected a value");
      }
      boolean closed = true;
      int c = buf[pos];
      switch (c) {
        case '{', '[' -> {
          pos++;
          if (depth == containers.length) {
            containers = Arrays.copyOf(containers, depth * 2);
          }
          containers[depth++] = c == '{' ? OBJECT : ARRAY;
          if (emitting) {
            if (depth > maxDepth) {
              emitting = false;
              setDefect(ErrorType.FIELD_OVERFLOW, attributePath(attrKeyOffset, attrKeyLength),
                  "attribute value is nested deeper than " + maxDepth + " levels");
            } else {
              entry.appendByte(c);
              if (depth >= keyBase.length) {
                keyBase = Arrays.copyOf(keyBase, depth * 2);
              }
              keyBase[depth] = nestedKeyTop;
            }
          }
          skipWhitespace();
          int closer = c == '{' ? '}' : ']';
          if (pos < end && buf[pos] == closer) {
            pos++;
            depth--;
            if (emitting) {
              entry.appendByte(closer);
            }
          } else {
            closed = false;
            if (c == '{') {
              nestedKey(depth);
            }
          }
        }
        case '"' -> string(emitting ? JSON : SKIP);
        case 't' -> literal(TRUE);
        case 'f' -> literal(FALSE);
        case 'n' -> literal(NULL);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            number(emitting);
          } else {
            throw syntax(pos, "unexpected character");
          }
        }
      }
      if (!closed) {
        continue;
      }
      // here: after a complete value
      while (true) {
        if (emitting && entry.arenaSize() - emitStart > maxAttributeValueBytes) {
          emitting = false;
          overflowAttributeValue();
        }
        if (depth == 0) {
          emitting = false;
          return;
        }
        skipWhitespace();
        if (pos >= end) {
          throw syntax(pos, "unexpected end of data inside an object or array");
        }
        byte kind = containers[depth - 1];
        int d = buf[pos++];
        if (d == ',') {
          if (emitting) {
            entry.appendByte(',');
          }
          skipWhitespace();
          if (kind == OBJECT) {
            nestedKey(depth);
          }
          break;
        }
        if (d == (kind == OBJECT ? '}' : ']')) {
          if (emitting) {
            entry.appendByte(d);
            if (kind == OBJECT) {
              nestedKeyTop = keyBase[depth];
            }
          }
          depth--;
        } else {
          throw syntax(pos - 1, kind == OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
        }
      }
    }
  }

  /** Reads {@code "key" :} inside a nested object; while emitting, checks it is not a duplicate. */
  private void nestedKey(int depth) {
    if (pos >= end || buf[pos] != '"') {
      throw syntax(pos, "expected a field name");
    }
    if (!emitting) {
      string(SKIP);
    } else {
      int k = entry.arenaSize();
      string(JSON);
      byte[] a = entry.arena();
      int len = entry.arenaSize() - k;
      int h = hash(a, k, len);
      // the re-escaped form is canonical, so equal bytes mean equal decoded keys
      for (int i = keyBase[depth]; i < nestedKeyTop; i += 3) {
        int o = nestedKeys[i];
        if (nestedKeys[i + 2] == h && nestedKeys[i + 1] == len
            && Arrays.equals(a, o, o + len, a, k, k + len)) {
          emitting = false;
          setDefect(ErrorType.DUPLICATE_FIELD, attributePath(attrKeyOffset, attrKeyLength),
              "attribute value has the key " + echo(a, k, len) + " more than once in one object");
          break;
        }
      }
      if (emitting) {
        if (nestedKeyTop + 3 > nestedKeys.length) {
          nestedKeys = Arrays.copyOf(nestedKeys, nestedKeys.length * 2);
        }
        nestedKeys[nestedKeyTop] = k;
        nestedKeys[nestedKeyTop + 1] = len;
        nestedKeys[nestedKeyTop + 2] = h;
        nestedKeyTop += 3;
      }
    }
    skipWhitespace();
    expect(':');
    if (emitting) {
      entry.appendByte(':');
    }
    skipWhitespace();
  }

  private boolean nullLiteral() {
    if (buf[pos] != 'n') {
      return false;
    }
    literal(NULL);
    return true;
  }

  private void literal(byte[] lit) {
    int n = lit.length;
    if (end - pos < n || !Arrays.equals(buf, pos, pos + n, lit, 0, n)) {
      throw syntax(pos, "invalid literal");
    }
    if (emitting) {
      entry.appendBytes(lit, 0, n);
    }
    pos += n;
  }

  /**
   * Reads a number per RFC 8259 §6. Sets {@link #numInteger}, and for integers {@link #numValue}
   * or {@link #numOverflow}. When {@code emit}, appends its literal text.
   */
  private void number(boolean emit) {
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
      entry.appendBytes(b, s, p - s);
    }
  }

  // ---- strings --------------------------------------------------------------------------------

  /**
   * Reads the string starting at the opening quote at {@link #pos}, validating UTF-8, escapes and
   * control characters. {@code RAW} appends the decoded text to the arena; {@code JSON} appends it
   * re-escaped minimally, with quotes.
   */
  private void string(int mode) {
    if (mode == SKIP) {
      skipString();
      return;
    }
    byte[] b = buf;
    int end = this.end;
    LogEntry e = entry;
    int p = pos + 1;
    // Copies while it scans, 8 bytes at a time, writing each word before looking at it; the bytes
    // written past the string's end are overwritten or lie beyond arenaSize. Room for the rest of the
    // record (+ 16) covers every such write: a decoded or re-escaped escape is never longer than its
    // source, so the output never gets more than one byte (JSON's opening quote) ahead of the input.
    e.ensureArenaCapacity(end - p + 16);
    byte[] a = e.arena();
    int d = e.arenaSize();
    if (mode == JSON) {
      a[d++] = '"';
    }
    while (true) {
      // skip 8 bytes at a time to the first byte that needs a look (see specialBytes)
      while (p <= end - 8) {
        long w = (long) LONG_LE.get(b, p);
        LONG_LE.set(a, d, w);
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
        int q = utf8Sequence(b, p, end);
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

  /** Like {@link #string} with {@code SKIP}: validates the string and moves past it. */
  private void skipString() {
    byte[] b = buf;
    int end = this.end;
    int p = pos + 1;
    while (true) {
      while (p <= end - 8) {
        long special = specialBytes((long) LONG_LE.get(b, p));
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
        p = utf8Sequence(b, p, end);
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
   * The high bit of each byte of the little-endian word {@code w} that is {@code '"'}, {@code '\\'},
   * a control character (below 0x20) or not ASCII (0x80 and up), or 0 when it has none. Bytes above
   * the lowest flagged one may be flagged wrongly (a borrow carries upward), so only the lowest flag
   * is exact, and that is the only one the scanner uses.
   */
  static long specialBytes(long w) {
    // no "& ~x" terms (as in the classic has-zero-byte test): they only clear flags of bytes of 0x80
    // and up, and "| w" flags those anyway. Below the first flagged byte no subtraction borrows.
    return ((w ^ 0x2222_2222_2222_2222L) - ONES
        | (w ^ 0x5C5C_5C5C_5C5C_5C5CL) - ONES
        | w - 0x2020_2020_2020_2020L
        | w) & HIGH_BITS;
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
      entry.appendCodePoint(cp);
    } else if (mode == JSON) {
      appendJsonEscaped(cp);
    }
    return next;
  }

  private void appendJsonEscaped(int cp) {
    LogEntry e = entry;
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
          e.appendByte(HEX[cp >>> 4]);
          e.appendByte(HEX[cp & 0xF]);
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
      int c = buf[i];
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        d = (c | 0x20) - 'a' + 10;
      } else {
        throw syntax(i, "invalid hex digit in a \\u escape");
      }
      v = v << 4 | d;
    }
    return v;
  }

  // ---- UTF-8 ----------------------------------------------------------------------------------

  /**
   * Validates the multi-byte UTF-8 sequence starting at {@code b[p]} (a byte ≥ 0x80) per RFC 3629:
   * no overlongs, no surrogates, nothing above U+10FFFF, not truncated by {@code end}. Returns the
   * position after it, or {@code -(p + 1)} when invalid.
   */
  static int utf8Sequence(byte[] b, int p, int end) {
    int c = b[p] & 0xFF;
    int n;
    int lo = 0x80;
    int hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) {
        lo = 0xA0;
      } else if (c == 0xED) {
        hi = 0x9F;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) {
        lo = 0x90;
      } else if (c == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return -(p + 1);
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

  /** The position of the first invalid UTF-8 sequence in {@code b[from, to)}, or -1. */
  static int firstInvalidUtf8(byte[] b, int from, int to) {
    int p = from;
    while (p < to) {
      if (b[p] >= 0) {
        p++;
      } else {
        p = utf8Sequence(b, p, to);
        if (p < 0) {
          return -p - 1;
        }
      }
    }
    return -1;
  }

  // ---- errors and helpers ---------------------------------------------------------------------

  /** Thrown (one shared, stackless instance) to abandon a record that is not well-formed. */
  private static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed() {
      super(null, null, false, false);
    }
  }

  private Malformed syntax(int at, String what) {
    errorPos = at;
    errorWhat = what;
    return MALFORMED;
  }

  private Malformed utf8(int at) {
    errorPos = at;
    errorUtf8 = true;
    return MALFORMED;
  }

  private Rejected malformed() {
    // invalid UTF-8 anywhere beats a syntax error, even one earlier in the document
    int bad = firstInvalidUtf8(buf, start, end);
    if (bad >= 0) {
      return new Rejected(ErrorType.INVALID_UTF8, "", "invalid UTF-8 at byte " + (bad - start));
    }
    if (errorUtf8) {
      throw new IllegalStateException("UTF-8 error reported at " + errorPos + " but none found");
    }
    return new Rejected(ErrorType.JSON_SYNTAX, "",
        "json_syntax: " + errorWhat + " at byte " + (errorPos - start));
  }

  private void expect(char c) {
    if (pos >= end || buf[pos] != c) {
      throw syntax(pos, c == ':' ? "expected ':'" : "unexpected character");
    }
    pos++;
  }

  private void skipWhitespace() {
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

  private static String jsonType(int first) {
    return switch (first) {
      case '{' -> "an object";
      case '[' -> "an array";
      case '"' -> "a string";
      case 't', 'f' -> "a boolean";
      case 'n' -> "null";
      default -> "a number";
    };
  }

  /**
   * A cheap hash of a key for duplicate detection: length, first and last 8 bytes (all of a shorter
   * key). Equal hashes are confirmed by comparing the bytes, so collisions cost time, not correctness.
   */
  static int hash(byte[] a, int off, int len) {
    long h;
    if (len >= 8) {
      h = (long) LONG_LE.get(a, off) * 0x9E37_79B9_7F4A_7C15L + (long) LONG_LE.get(a, off + len - 8);
    } else {
      h = 0;
      for (int i = off; i < off + len; i++) {
        h = h << 8 | (a[i] & 0xFF);
      }
    }
    h = (h ^ len) * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h >>> 32);
  }

  /** At most {@value #MAX_ECHO_BYTES} bytes of the text, cut at a character boundary. */
  static String cap(byte[] b, int off, int len) {
    int n = Math.min(len, MAX_ECHO_BYTES);
    while (n < len && n > 0 && (b[off + n] & 0xC0) == 0x80) {
      n--;
    }
    return new String(b, off, n, StandardCharsets.UTF_8);
  }

  /** Like {@link #cap}, with {@code ...} appended when the text was cut. */
  static String echo(byte[] b, int off, int len) {
    String s = cap(b, off, len);
    return len > MAX_ECHO_BYTES ? s + "..." : s;
  }

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
}
