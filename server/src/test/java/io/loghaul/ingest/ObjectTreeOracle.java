package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.Level;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryValidator;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Maps one OTLP {@link LogRecord} (with its resource and scope) to a {@link LogEntry} as SPEC §6
 * says, then checks it with {@link LogEntryValidator}.
 *
 * <ul>
 *   <li>resource attribute {@code service.name} → service_name ({@value #UNKNOWN_SERVICE} when
 *       absent); the other resource attributes → {@code resource.<key>} attributes;
 *   <li>{@code time_unix_nano}, else {@code observed_time_unix_nano}, else the receive time →
 *       timestamp;
 *   <li>{@code severity_number} 1..24 → level; 0 → {@code severity_text} read like the JSON
 *       {@code level} string, unknown or empty text → INFO; other numbers → {@code invalid_value};
 *   <li>body → message: a string as it is, other values as compact JSON (kvlist → object, array →
 *       array, bytes → base64 string, int and double → number, NaN and infinities → the strings
 *       {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, bool, an unset value inside a list →
 *       {@code null}); a body that is a JSON string (bytes, NaN) is stored without the quotes, like
 *       a string attribute of §3; an unset body is the empty message;
 *   <li>trace_id (16 bytes) and span_id (8 bytes) → lower-case hex; empty or all zero = absent;
 *       another length = {@code invalid_value};
 *   <li>log attributes → attributes, stringified like the body; an unset value is absent; nesting
 *       deeper than {@code schema.max-depth} = {@code field_overflow}; a key given twice (also
 *       {@code resource.x} next to a log attribute named so) = {@code duplicate_field};
 *   <li>scope name and version → {@code scope.name}, {@code scope.version} when not empty. Scope
 *       attributes are not mapped (SPEC §6 names none).
 * </ul>
 *
 * <p>Writes straight into the entry's arena from the protobuf {@link ByteString}s: nothing is
 * allocated per record on the accepted path except for double values. Thread-safe; the entry is
 * the caller's.
 */
final class ObjectTreeOracle {
  /** service_name of records whose resource has no {@code service.name}. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  private static final String SERVICE_NAME_KEY = "service.name";
  private static final byte[] UNKNOWN_SERVICE_BYTES = UNKNOWN_SERVICE.getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESOURCE_PREFIX = "resource.".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SCOPE_NAME = "scope.name".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SCOPE_VERSION = "scope.version".getBytes(StandardCharsets.UTF_8);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_PAYLOAD_ECHO = 64;

  private final int maxDepth;
  private final LogEntryValidator validator;

  /** A mapper checking against {@code limits}. */
  ObjectTreeOracle(SchemaLimits limits) {
    requireNonNull(limits, "limits");
    this.maxDepth = limits.maxDepth();
    this.validator = new LogEntryValidator(limits);
  }

  /**
   * Fills {@code into} (reset first) from {@code record} and checks it.
   *
   * @param receiveTimeNanos when the request arrived, the timestamp of records without one
   * @param nowMillis the "now" of the timestamp window check
   */
  public ParseResult map(Resource resource, InstrumentationScope scope, LogRecord record,
      long receiveTimeNanos, long nowMillis, LogEntry into) {
    into.reset();

    long ts = record.getTimeUnixNano();
    if (ts == 0) {
      ts = record.getObservedTimeUnixNano();
    }
    into.setTimestampNanos(ts != 0 ? ts : receiveTimeNanos);

    int severity = record.getSeverityNumberValue();
    if (severity == 0) {
      into.setLevel(levelOfText(record.getSeverityText()));
    } else {
      Level level = Level.ofSeverityNumber(severity);
      if (level == null) {
        return new Rejected(ErrorType.INVALID_VALUE, "/level",
            "severity_number " + severity + " (expected: 0..24)");
      }
      into.setLevel(level);
    }

    KeyValue serviceName = null;
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals(SERVICE_NAME_KEY)) {
        serviceName = kv;
      }
    }
    if (serviceName == null || serviceName.getValue().getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
      into.setServiceName(into.appendBytes(UNKNOWN_SERVICE_BYTES, 0, UNKNOWN_SERVICE_BYTES.length),
          UNKNOWN_SERVICE_BYTES.length);
    } else {
      int start = into.arenaSize();
      if (!appendValue(into, serviceName.getValue(), 0)) {
        return depthOverflow("/service_name");
      }
      into.setServiceName(start, into.arenaSize() - start);
    }

    int messageStart = into.arenaSize();
    if (record.hasBody() && !appendValue(into, record.getBody(), 0)) {
      return depthOverflow("/message");
    }
    into.setMessage(messageStart, into.arenaSize() - messageStart);

    Rejected idError = mapId(record.getTraceId(), 16, into.traceIdHex(), "trace_id");
    if (idError != null) {
      return idError;
    }
    into.setHasTraceId(record.getTraceId().size() == 16 && !isAllZero(record.getTraceId()));
    idError = mapId(record.getSpanId(), 8, into.spanIdHex(), "span_id");
    if (idError != null) {
      return idError;
    }
    into.setHasSpanId(record.getSpanId().size() == 8 && !isAllZero(record.getSpanId()));

    Rejected attributeError = addAttributes(into, record.getAttributesList(), null, null);
    if (attributeError == null) {
      attributeError = addAttributes(into, resource.getAttributesList(), RESOURCE_PREFIX, serviceName);
    }
    if (attributeError != null) {
      return attributeError;
    }
    addScopeAttribute(into, SCOPE_NAME, scope.getNameBytes());
    addScopeAttribute(into, SCOPE_VERSION, scope.getVersionBytes());

    Rejected duplicate = findDuplicateKey(into);
    if (duplicate != null) {
      return duplicate;
    }
    return validator.validate(into, nowMillis);
  }

  /** The level of an OTLP {@code severity_text} when the number is 0 (SPEC §3 names, else INFO). */
  static Level levelOfText(String text) {
    return switch (text.length()) {
      case 4 -> text.equalsIgnoreCase("INFO") ? Level.INFO : text.equalsIgnoreCase("WARN") ? Level.WARN : Level.INFO;
      case 5 -> text.equalsIgnoreCase("TRACE") ? Level.TRACE
          : text.equalsIgnoreCase("DEBUG") ? Level.DEBUG
          : text.equalsIgnoreCase("ERROR") ? Level.ERROR
          : text.equalsIgnoreCase("FATAL") ? Level.FATAL : Level.INFO;
      case 7 -> text.equalsIgnoreCase("WARNING") ? Level.WARN : Level.INFO;
      default -> Level.INFO;
    };
  }

  private static Rejected mapId(ByteString id, int expected, byte[] hexOut, String name) {
    int size = id.size();
    if (size == 0) {
      return null;
    }
    if (size != expected) {
      return new Rejected(ErrorType.INVALID_VALUE, "/" + name,
          name + " has " + size + " bytes (expected: " + expected + ")");
    }
    for (int i = 0; i < size; i++) {
      int b = id.byteAt(i) & 0xFF;
      hexOut[2 * i] = HEX[b >>> 4];
      hexOut[2 * i + 1] = HEX[b & 0xF];
    }
    return null;
  }

  private static boolean isAllZero(ByteString id) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private Rejected addAttributes(LogEntry into, List<KeyValue> attributes, byte[] prefix, KeyValue skip) {
    for (KeyValue kv : attributes) {
      if (kv == skip || kv.getValue().getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
        continue;
      }
      int keyStart = into.arenaSize();
      if (prefix != null) {
        into.appendBytes(prefix, 0, prefix.length);
      }
      appendByteString(into, kv.getKeyBytes());
      int keyLength = into.arenaSize() - keyStart;
      int valueStart = into.arenaSize();
      if (!appendValue(into, kv.getValue(), 0)) {
        return depthOverflow("/attributes/" + clip(into.arena(), keyStart, keyLength));
      }
      into.addAttribute(keyStart, keyLength, valueStart, into.arenaSize() - valueStart);
    }
    return null;
  }

  private static void addScopeAttribute(LogEntry into, byte[] key, ByteString value) {
    if (value.isEmpty()) {
      return;
    }
    int k = into.appendBytes(key, 0, key.length);
    int v = into.arenaSize();
    appendByteString(into, value);
    into.addAttribute(k, key.length, v, value.size());
  }

  private static Rejected findDuplicateKey(LogEntry e) {
    byte[] a = e.arena();
    int n = e.attributeCount();
    for (int i = 1; i < n; i++) {
      int io = e.attributeKeyOffset(i);
      int il = e.attributeKeyLength(i);
      for (int j = 0; j < i; j++) {
        int jo = e.attributeKeyOffset(j);
        if (e.attributeKeyLength(j) == il && Arrays.equals(a, io, io + il, a, jo, jo + il)) {
          return new Rejected(ErrorType.DUPLICATE_FIELD, "/attributes/" + clip(a, io, il),
              "attribute key appears twice");
        }
      }
    }
    return null;
  }

  private Rejected depthOverflow(String field) {
    return new Rejected(ErrorType.FIELD_OVERFLOW, field, "value nested deeper than " + maxDepth + " levels");
  }

  private static String clip(byte[] bytes, int offset, int length) {
    // never echo more than 64 payload bytes (SPEC §4); a cut UTF-8 sequence decodes as U+FFFD
    return new String(bytes, offset, Math.min(length, MAX_PAYLOAD_ECHO), StandardCharsets.UTF_8);
  }

  // ---- AnyValue → text ---------------------------------------------------------------------

  /**
   * Appends {@code value} as stored text: a string (or a value whose JSON form is a string) without
   * quotes, anything else as compact JSON. Returns false when nesting exceeds the depth limit.
   */
  private boolean appendValue(LogEntry into, AnyValue value, int depth) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> appendByteString(into, value.getStringValueBytes());
      case BYTES_VALUE -> appendBase64(into, value.getBytesValue());
      case DOUBLE_VALUE -> {
        double d = value.getDoubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          into.appendUtf8(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        } else {
          appendJson(into, value, depth);
        }
      }
      case VALUE_NOT_SET -> { }
      default -> {
        return appendJson(into, value, depth);
      }
    }
    return true;
  }

  /** Appends {@code value} as compact JSON; false when nesting exceeds the depth limit. */
  private boolean appendJson(LogEntry into, AnyValue value, int depth) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> appendJsonString(into, value.getStringValueBytes());
      case BOOL_VALUE -> appendAscii(into, value.getBoolValue() ? "true" : "false");
      case INT_VALUE -> appendLong(into, value.getIntValue());
      case DOUBLE_VALUE -> {
        double d = value.getDoubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          appendAscii(into, Double.isNaN(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
          // integral doubles as "3.0": JSON readers keep them floating point
          appendLong(into, (long) d);
          appendAscii(into, ".0");
        } else {
          appendAscii(into, Double.toString(d));
        }
      }
      case BYTES_VALUE -> {
        into.appendByte('"');
        appendBase64(into, value.getBytesValue());
        into.appendByte('"');
      }
      case ARRAY_VALUE -> {
        if (depth >= maxDepth) {
          return false;
        }
        into.appendByte('[');
        List<AnyValue> values = value.getArrayValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            into.appendByte(',');
          }
          if (!appendJson(into, values.get(i), depth + 1)) {
            return false;
          }
        }
        into.appendByte(']');
      }
      case KVLIST_VALUE -> {
        if (depth >= maxDepth) {
          return false;
        }
        into.appendByte('{');
        List<KeyValue> values = value.getKvlistValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            into.appendByte(',');
          }
          KeyValue kv = values.get(i);
          appendJsonString(into, kv.getKeyBytes());
          into.appendByte(':');
          if (!appendJson(into, kv.getValue(), depth + 1)) {
            return false;
          }
        }
        into.appendByte('}');
      }
      case VALUE_NOT_SET -> appendAscii(into, "null");
    }
    return true;
  }

  private static void appendByteString(LogEntry into, ByteString s) {
    int n = s.size();
    into.ensureArenaCapacity(n);
    s.copyTo(into.arena(), into.arenaSize());
    into.truncateArena(into.arenaSize() + n);
  }

  private static void appendJsonString(LogEntry into, ByteString s) {
    into.appendByte('"');
    int n = s.size();
    for (int i = 0; i < n; i++) {
      int b = s.byteAt(i) & 0xFF;
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
            into.appendByte(HEX[b >>> 4]);
            into.appendByte(HEX[b & 0xF]);
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

  private static void appendBase64(LogEntry into, ByteString s) {
    int n = s.size();
    into.ensureArenaCapacity((n + 2) / 3 * 4);
    int i = 0;
    for (; i + 2 < n; i += 3) {
      int v = (s.byteAt(i) & 0xFF) << 16 | (s.byteAt(i + 1) & 0xFF) << 8 | (s.byteAt(i + 2) & 0xFF);
      into.appendByte(BASE64[v >>> 18]);
      into.appendByte(BASE64[(v >>> 12) & 0x3F]);
      into.appendByte(BASE64[(v >>> 6) & 0x3F]);
      into.appendByte(BASE64[v & 0x3F]);
    }
    if (i < n) {
      int v = (s.byteAt(i) & 0xFF) << 16 | (i + 1 < n ? (s.byteAt(i + 1) & 0xFF) << 8 : 0);
      into.appendByte(BASE64[v >>> 18]);
      into.appendByte(BASE64[(v >>> 12) & 0x3F]);
      into.appendByte(i + 1 < n ? BASE64[(v >>> 6) & 0x3F] : '=');
      into.appendByte('=');
    }
  }
}
