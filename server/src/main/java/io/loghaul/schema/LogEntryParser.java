package io.loghaul.schema;

import static java.util.Objects.requireNonNull;

import io.loghaul.bytes.Hex;
import io.loghaul.bytes.LittleEndian;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The strict parser of docs/record-schema.md: checks one JSON Kafka record value against the
 * LogEntry schema and fills a {@link LogEntry} in the same single pass over the bytes. This class
 * holds the schema rules (which fields, their types, limits and order of defects); the bytes are
 * read by a {@link JsonLexer}, and attribute values that are objects, arrays or literals are
 * re-written as compact JSON by a {@link CompactJsonWriter}.
 *
 * <p>Not thread-safe: use one instance per consumer thread. Reusable: {@link #parse} resets all
 * per-record state, and the accepted path allocates nothing (strings are unescaped straight into
 * the entry's arena; field names are recognised by comparing bytes).
 *
 * <p>Never throws for bad input: every defect becomes a {@link Rejected} value. When a record has
 * several defects the order of docs/record-schema.md#precedence decides: size, then UTF-8, then
 * JSON syntax of the whole document (parsing continues after a field defect only to find syntax
 * errors), then the first defective field in document order, and missing required fields last. Byte
 * positions in messages count from the start of the value, from 0.
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
  private static final int REQUIRED =
      1 << TIMESTAMP | 1 << SERVICE_NAME | 1 << LEVEL | 1 << MESSAGE;

  private static final String[] NAMES = {
    "timestamp", "service_name", "level", "message", "trace_id", "span_id", "attributes"
  };
  private static final String[] PATHS = {
    "/timestamp", "/service_name", "/level", "/message", "/trace_id", "/span_id", "/attributes"
  };
  private static final byte[][] NAME_BYTES = new byte[NAMES.length][];
  // each name's first and last 8 bytes (4 for names shorter than 8), as little-endian reads see
  // them;
  // the two overlap, so together they cover every byte of names up to 16 bytes long
  private static final long[] NAME_HEAD = new long[NAMES.length];
  private static final long[] NAME_TAIL = new long[NAMES.length];

  static {
    for (int i = 0; i < NAMES.length; i++) {
      byte[] name = NAMES[i].getBytes(StandardCharsets.US_ASCII);
      NAME_BYTES[i] = name;
      int n = name.length;
      if (n >= 8) {
        NAME_HEAD[i] = LittleEndian.getLong(name, 0);
        NAME_TAIL[i] = LittleEndian.getLong(name, n - 8);
      } else {
        NAME_HEAD[i] = LittleEndian.getInt(name, 0);
        NAME_TAIL[i] = LittleEndian.getInt(name, n - 4);
      }
    }
  }

  private final int maxRecordBytes;
  private final int maxServiceNameBytes;
  private final int maxMessageBytes;
  private final int maxAttributes;
  private final int maxAttributeKeyBytes;
  private final int maxAttributeValueBytes;
  private final long maxAgeMillis;
  private final long maxFutureMillis;

  private final JsonLexer in = new JsonLexer();
  private final CompactJsonWriter json;
  private final AttributeKeys attributeKeys = new AttributeKeys();

  // ---- per-record state (reset by parse) ----
  private LogEntry entry;
  private long windowLowMillis;
  private long windowHighMillis;

  /** The first field defect; later ones are ignored, but parsing goes on to find syntax errors. */
  private Rejected defect;

  private int seenFields;
  private int presentFields;

  /** A parser for these limits. */
  public LogEntryParser(SchemaLimits limits) {
    requireNonNull(limits, "limits");
    this.maxRecordBytes = limits.maxRecordBytes();
    this.maxServiceNameBytes = limits.maxServiceNameBytes();
    this.maxMessageBytes = limits.maxMessageBytes();
    this.maxAttributes = limits.maxAttributes();
    this.maxAttributeKeyBytes = limits.maxAttributeKeyBytes();
    this.maxAttributeValueBytes = limits.maxAttributeValueBytes();
    this.maxAgeMillis = TimestampWindow.saturatedMultiply(limits.maxAgeSeconds(), 1000);
    this.maxFutureMillis = TimestampWindow.saturatedMultiply(limits.maxFutureSeconds(), 1000);
    this.json = new CompactJsonWriter(in, limits.maxDepth(), maxAttributeValueBytes);
  }

  /**
   * Checks {@code value[offset, offset + length)} and fills {@code into} with its fields.
   *
   * @param nowMillis the current time, epoch milliseconds; the timestamp window is relative to it
   * @param into reset first; on {@link Accepted} it holds the record, on {@link Rejected} its
   *     content is unspecified
   * @return {@link Accepted#INSTANCE} or the first defect as a {@link Rejected}
   */
  public ParseResult parse(byte[] value, int offset, int length, long nowMillis, LogEntry into) {
    requireNonNull(value, "value");
    requireNonNull(into, "into");
    Objects.checkFromIndexSize(offset, length, value.length);
    into.reset();
    if (length > maxRecordBytes) {
      return new Rejected(
          ErrorType.RECORD_TOO_LARGE,
          "",
          "record is " + length + " bytes (limit: " + maxRecordBytes + ")");
    }
    in.reset(value, offset, length, into);
    entry = into;
    windowLowMillis = TimestampWindow.saturatedAdd(nowMillis, -maxAgeMillis);
    windowHighMillis = TimestampWindow.saturatedAdd(nowMillis, maxFutureMillis);
    defect = null;
    seenFields = 0;
    presentFields = 0;
    try {
      return document();
    } catch (JsonLexer.Malformed e) {
      return in.malformed();
    } finally {
      in.clear();
      entry = null;
      defect = null;
    }
  }

  // ---- document and top-level fields ----------------------------------------------------------

  private ParseResult document() {
    JsonLexer in = this.in;
    in.skipWhitespace();
    if (in.pos == in.end) {
      throw in.syntax(in.pos, "empty value");
    }
    if (in.buf[in.pos] != '{') {
      return notAnObject();
    }
    topObject();
    in.skipWhitespace();
    if (in.pos != in.end) {
      throw in.syntax(in.pos, "trailing data after the object");
    }
    if (defect != null) {
      return defect;
    }
    if ((presentFields & REQUIRED) != REQUIRED) {
      for (int f = TIMESTAMP; f <= MESSAGE; f++) {
        if ((presentFields & 1 << f) == 0) {
          return new Rejected(
              ErrorType.MISSING_FIELD,
              PATHS[f],
              "required field "
                  + NAMES[f]
                  + ((seenFields & 1 << f) == 0 ? " is missing" : " is null"));
        }
      }
    }
    return Accepted.INSTANCE;
  }

  private ParseResult notAnObject() {
    JsonLexer in = this.in;
    int first = in.buf[in.pos];
    int valueStart = in.pos;
    json.skip();
    in.skipWhitespace();
    if (in.pos != in.end) {
      throw in.syntax(in.pos, "trailing data after the value");
    }
    if (first == 'n') {
      throw in.syntax(valueStart, "the value is null, expected an object");
    }
    return new Rejected(
        ErrorType.TYPE_MISMATCH,
        "",
        "the record is " + JsonLexer.jsonType(first) + ", expected an object");
  }

  private void topObject() {
    JsonLexer in = this.in;
    in.pos++;
    in.skipWhitespace();
    if (in.pos < in.end && in.buf[in.pos] == '}') {
      in.pos++;
      return;
    }
    while (true) {
      int field = fieldName();
      in.skipWhitespace();
      in.expect(':');
      in.skipWhitespace();
      if (in.pos >= in.end) {
        throw in.syntax(in.pos, "unexpected end of data, expected a value");
      }
      if (defect != null) {
        json.skip();
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
      if (endOfMember()) {
        return;
      }
    }
  }

  /** After a member of an object: true at its closing brace, false after a comma; both consumed. */
  private boolean endOfMember() {
    JsonLexer in = this.in;
    in.skipWhitespace();
    if (in.pos >= in.end) {
      throw in.syntax(in.pos, "unterminated object");
    }
    byte c = in.buf[in.pos++];
    if (c == ',') {
      in.skipWhitespace();
      return false;
    } else if (c == '}') {
      return true;
    } else {
      throw in.syntax(in.pos - 1, "expected ',' or '}'");
    }
  }

  /** Reads a top-level key; records unknown and duplicate keys as defects. */
  private int fieldName() {
    JsonLexer in = this.in;
    int end = in.end;
    if (in.pos >= end || in.buf[in.pos] != '"') {
      throw in.syntax(in.pos, "expected a field name");
    }
    byte[] b = in.buf;
    int s = in.pos + 1;
    int known = knownName(b, s, end);
    if (known != UNKNOWN) {
      in.pos = s + NAME_BYTES[known].length + 1;
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
      in.pos = p + 1;
      field = identify(b, s, p - s);
      if (field == UNKNOWN || (seenFields & 1 << field) != 0) {
        nameDefect(field, b, s, p - s);
      }
    } else {
      int mark = entry.arenaSize();
      in.string(JsonLexer.RAW);
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
      defect =
          new Rejected(
              ErrorType.UNKNOWN_FIELD,
              "/" + Echo.cap(key, off, len),
              "unknown field (the schema has timestamp, service_name, level, message, trace_id, span_id,"
                  + " attributes)");
    } else {
      defect =
          new Rejected(
              ErrorType.DUPLICATE_FIELD,
              PATHS[field],
              "field " + NAMES[field] + " appears more than once");
    }
  }

  /**
   * The field whose name, followed by its closing quote, starts at {@code b[s]} spelled without
   * escapes, or {@link #UNKNOWN}: the common case, recognised without scanning the key byte by
   * byte. {@link #UNKNOWN} only means "not recognised here"; the caller then decodes the key in
   * full.
   */
  private static int knownName(byte[] b, int s, int end) {
    if (end - s < 6) {
      return UNKNOWN;
    }
    int candidate =
        switch (b[s]) {
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
    boolean same =
        n >= 8
            ? LittleEndian.getLong(b, s) == NAME_HEAD[candidate]
                && LittleEndian.getLong(b, s + n - 8) == NAME_TAIL[candidate]
            : LittleEndian.getInt(b, s) == NAME_HEAD[candidate]
                && LittleEndian.getInt(b, s + n - 4) == NAME_TAIL[candidate];
    return same ? candidate : UNKNOWN;
  }

  private static int identify(byte[] b, int off, int len) {
    int candidate =
        switch (len) {
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
    JsonLexer in = this.in;
    int c = in.buf[in.pos];
    if (c == '"') {
      int mark = entry.arenaSize();
      in.string(JsonLexer.RAW);
      byte[] a = entry.arena();
      int len = entry.arenaSize() - mark;
      long nanos = Rfc3339.parseEpochNanos(a, mark, len);
      if (nanos == Rfc3339.MALFORMED) {
        setDefect(
            ErrorType.INVALID_VALUE,
            PATHS[TIMESTAMP],
            "timestamp \""
                + Echo.echo(a, mark, len)
                + "\" is not an RFC 3339 date-time with offset, e.g. 2026-11-22T02:53:00.123Z");
      } else {
        long millis = Math.floorDiv(nanos, 1_000_000L);
        if (nanos < TimestampWindow.saturatedMultiply(windowLowMillis, 1_000_000L)
            || nanos > TimestampWindow.saturatedMultiply(windowHighMillis, 1_000_000L)) {
          setDefect(
              ErrorType.TIMESTAMP_OUT_OF_RANGE,
              PATHS[TIMESTAMP],
              outOfWindow("timestamp \"" + Echo.echo(a, mark, len) + "\"", millis, false));
        } else {
          entry.setTimestampNanos(nanos);
          presentFields |= 1 << TIMESTAMP;
        }
      }
      entry.truncateArena(mark);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      int s = in.pos;
      in.number(false);
      long millis = in.numValue;
      if (!in.numInteger) {
        setDefect(
            ErrorType.TYPE_MISMATCH,
            PATHS[TIMESTAMP],
            "timestamp "
                + Echo.echo(in.buf, s, in.pos - s)
                + " is not an integer (expected: epoch milliseconds or an RFC 3339 string)");
      } else if (in.numOverflow) {
        setDefect(
            ErrorType.TIMESTAMP_OUT_OF_RANGE,
            PATHS[TIMESTAMP],
            "timestamp "
                + Echo.echo(in.buf, s, in.pos - s)
                + " is too large for epoch milliseconds");
      } else if (millis < windowLowMillis || millis > windowHighMillis) {
        setDefect(
            ErrorType.TIMESTAMP_OUT_OF_RANGE,
            PATHS[TIMESTAMP],
            outOfWindow("timestamp " + Echo.echo(in.buf, s, in.pos - s), millis, true));
      } else {
        long hi = Math.multiplyHigh(millis, 1_000_000L);
        long nanos = millis * 1_000_000L;
        if (hi != (nanos >> 63)) {
          setDefect(
              ErrorType.TIMESTAMP_OUT_OF_RANGE,
              PATHS[TIMESTAMP],
              "timestamp "
                  + Echo.echo(in.buf, s, in.pos - s)
                  + " is beyond the range of epoch nanoseconds");
        } else {
          entry.setTimestampNanos(nanos);
          presentFields |= 1 << TIMESTAMP;
        }
      }
    } else if (!in.nullLiteral()) {
      mismatch(TIMESTAMP, "an integer (epoch milliseconds) or an RFC 3339 string");
    }
  }

  private String outOfWindow(String what, long millis, boolean epochMillis) {
    StringBuilder sb = new StringBuilder(what).append(" is ");
    if (millis < windowLowMillis) {
      sb.append(TimestampWindow.duration(windowLowMillis - millis))
          .append(" before the accepted window");
    } else {
      sb.append(TimestampWindow.duration(millis - windowHighMillis))
          .append(" after the accepted window");
    }
    if (epochMillis) {
      if (inWindow(TimestampWindow.saturatedMultiply(millis, 1000))) {
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

  private void serviceName() {
    if (in.buf[in.pos] == '"') {
      int mark = entry.arenaSize();
      in.string(JsonLexer.RAW);
      int len = entry.arenaSize() - mark;
      if (len == 0) {
        setDefect(ErrorType.INVALID_VALUE, PATHS[SERVICE_NAME], "service_name is empty");
      } else if (len > maxServiceNameBytes) {
        setDefect(
            ErrorType.FIELD_OVERFLOW,
            PATHS[SERVICE_NAME],
            "service_name is " + len + " bytes (limit: " + maxServiceNameBytes + ")");
      } else {
        entry.setServiceName(mark, len);
        presentFields |= 1 << SERVICE_NAME;
      }
    } else if (!in.nullLiteral()) {
      mismatch(SERVICE_NAME, "a string");
    }
  }

  private void message() {
    if (in.buf[in.pos] == '"') {
      int mark = entry.arenaSize();
      in.string(JsonLexer.RAW);
      int len = entry.arenaSize() - mark;
      if (len > maxMessageBytes) {
        setDefect(
            ErrorType.FIELD_OVERFLOW,
            PATHS[MESSAGE],
            "message is " + len + " bytes (limit: " + maxMessageBytes + ")");
      } else {
        entry.setMessage(mark, len);
        presentFields |= 1 << MESSAGE;
      }
    } else if (!in.nullLiteral()) {
      mismatch(MESSAGE, "a string");
    }
  }

  private void level() {
    JsonLexer in = this.in;
    int c = in.buf[in.pos];
    if (c == '"') {
      int mark = entry.arenaSize();
      in.string(JsonLexer.RAW);
      int len = entry.arenaSize() - mark;
      Level level = Level.ofName(entry.arena(), mark, len);
      if (level == null) {
        setDefect(
            ErrorType.INVALID_VALUE,
            PATHS[LEVEL],
            "level \""
                + Echo.echo(entry.arena(), mark, len)
                + "\" is not one of TRACE, DEBUG, INFO, WARN, WARNING, ERROR, FATAL");
      } else {
        entry.setLevel(level);
        presentFields |= 1 << LEVEL;
      }
      entry.truncateArena(mark);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      int s = in.pos;
      in.number(false);
      Level level = in.numInteger && !in.numOverflow ? Level.ofSeverityNumber(in.numValue) : null;
      if (!in.numInteger) {
        setDefect(
            ErrorType.TYPE_MISMATCH,
            PATHS[LEVEL],
            "level "
                + Echo.echo(in.buf, s, in.pos - s)
                + " is not an integer (expected: a level name or a severity number 1..24)");
      } else if (level == null) {
        setDefect(
            ErrorType.INVALID_VALUE,
            PATHS[LEVEL],
            "level " + Echo.echo(in.buf, s, in.pos - s) + " is not a severity number 1..24");
      } else {
        entry.setLevel(level);
        presentFields |= 1 << LEVEL;
      }
    } else if (!in.nullLiteral()) {
      mismatch(LEVEL, "a level name or a severity number");
    }
  }

  private void hexId(int field, int digits, byte[] target) {
    JsonLexer in = this.in;
    if (in.buf[in.pos] != '"') {
      if (!in.nullLiteral()) {
        mismatch(field, "a string of " + digits + " hex digits");
      }
      return;
    }
    int s = in.pos + 1;
    // the common case, read in place: exactly `digits` unescaped hex digits, not all zero, then the
    // quote; anything else (escapes, wrong length, bad digits) takes the general path for its
    // message
    if (in.end - s > digits
        && in.buf[s + digits] == '"'
        && Hex.copyId(in.buf, s, digits, target) == Hex.ID) {
      in.pos = s + digits + 1;
      setHasId(field);
      return;
    }
    int mark = entry.arenaSize();
    in.string(JsonLexer.RAW);
    byte[] a = entry.arena();
    int len = entry.arenaSize() - mark;
    if (len != digits) {
      setDefect(
          ErrorType.INVALID_VALUE,
          PATHS[field],
          NAMES[field] + " is " + len + " bytes long (expected: " + digits + " hex digits)");
    } else {
      switch (Hex.copyId(a, mark, digits, target)) {
        case Hex.NOT_HEX ->
            setDefect(
                ErrorType.INVALID_VALUE,
                PATHS[field],
                NAMES[field]
                    + " \""
                    + Echo.echo(a, mark, len)
                    + "\" is not "
                    + digits
                    + " hex digits");
        case Hex.ALL_ZEROS ->
            setDefect(ErrorType.INVALID_VALUE, PATHS[field], NAMES[field] + " is all zeros");
        default -> setHasId(field);
      }
    }
    entry.truncateArena(mark);
  }

  private void setHasId(int field) {
    if (field == TRACE_ID) {
      entry.setHasTraceId(true);
    } else {
      entry.setHasSpanId(true);
    }
  }

  private void attributes() {
    JsonLexer in = this.in;
    if (in.buf[in.pos] != '{') {
      if (!in.nullLiteral()) {
        mismatch(ATTRIBUTES, "an object");
      }
      return;
    }
    in.pos++;
    in.skipWhitespace();
    if (in.pos < in.end && in.buf[in.pos] == '}') {
      in.pos++;
      return;
    }
    int count = 0;
    do {
      if (in.pos >= in.end || in.buf[in.pos] != '"') {
        throw in.syntax(in.pos, "expected a field name");
      }
      if (defect != null) {
        in.string(JsonLexer.SKIP);
        in.skipWhitespace();
        in.expect(':');
        in.skipWhitespace();
        json.skip();
      } else {
        int keyOffset = entry.arenaSize();
        in.string(JsonLexer.RAW);
        int keyLength = entry.arenaSize() - keyOffset;
        int hash = AttributeKeys.hash(entry.arena(), keyOffset, keyLength);
        count++;
        if (count > maxAttributes) {
          setDefect(
              ErrorType.FIELD_OVERFLOW,
              PATHS[ATTRIBUTES],
              "attributes has more than " + maxAttributes + " keys");
        } else if (keyLength == 0) {
          setDefect(ErrorType.INVALID_VALUE, "/attributes/", "attribute key is empty");
        } else if (keyLength > maxAttributeKeyBytes) {
          setDefect(
              ErrorType.FIELD_OVERFLOW,
              Echo.attributePath(entry.arena(), keyOffset, keyLength),
              "attribute key is " + keyLength + " bytes (limit: " + maxAttributeKeyBytes + ")");
        } else if (attributeKeys.containsAmongFirst(
            entry.attributeCount(), entry, keyOffset, keyLength, hash)) {
          setDefect(
              ErrorType.DUPLICATE_FIELD,
              Echo.attributePath(entry.arena(), keyOffset, keyLength),
              "attribute key appears more than once");
        }
        in.skipWhitespace();
        in.expect(':');
        in.skipWhitespace();
        if (in.pos >= in.end) {
          throw in.syntax(in.pos, "unexpected end of data, expected a value");
        }
        if (defect != null) {
          json.skip();
        } else {
          attributeValue(keyOffset, keyLength, hash);
        }
      }
    } while (!endOfMember());
  }

  /**
   * Stores a string value as its decoded text, anything else as compact JSON
   * (docs/record-schema.md).
   */
  private void attributeValue(int keyOffset, int keyLength, int hash) {
    JsonLexer in = this.in;
    int valueOffset = entry.arenaSize();
    int c = in.buf[in.pos];
    if (c == '"') {
      in.string(JsonLexer.RAW);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      // a number is its own compact text: no need for the writer's container machinery
      in.number(true);
    } else {
      Rejected broken = json.write(keyOffset, keyLength);
      if (broken != null) {
        setDefect(broken);
        return;
      }
    }
    int valueLength = entry.arenaSize() - valueOffset;
    if (valueLength > maxAttributeValueBytes) {
      setDefect(
          CompactJsonWriter.valueTooLong(entry, keyOffset, keyLength, maxAttributeValueBytes));
      return;
    }
    attributeKeys.set(entry.attributeCount(), hash);
    entry.addAttribute(keyOffset, keyLength, valueOffset, valueLength);
  }

  private void mismatch(int field, String expected) {
    int first = in.buf[in.pos];
    json.skip();
    setDefect(
        ErrorType.TYPE_MISMATCH,
        PATHS[field],
        NAMES[field] + " is " + JsonLexer.jsonType(first) + " (expected: " + expected + ")");
  }

  private void setDefect(ErrorType type, String field, String message) {
    if (defect == null) {
      defect = new Rejected(type, field, message);
    }
  }

  private void setDefect(Rejected rejected) {
    if (defect == null) {
      defect = rejected;
    }
  }
}
