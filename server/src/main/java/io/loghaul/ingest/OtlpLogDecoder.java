package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.Level;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryValidator;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decodes a serialized OTLP {@code ExportLogsServiceRequest} (opentelemetry-proto 1.3.2) straight
 * from its protobuf wire bytes and maps every log record, with its resource and scope, to a {@link
 * LogEntry} as docs/otlp.md#mapping says, then checks it with {@link LogEntryValidator}. No message objects and
 * no {@link String}s are built: strings are copied from the request into the entry's arena.
 *
 * <ul>
 *   <li>resource attribute {@code service.name} (the last one when given twice) → service_name
 *       ({@value #UNKNOWN_SERVICE} when absent or without a value); the other resource attributes →
 *       {@code resource.<key>} attributes;
 *   <li>{@code time_unix_nano}, else {@code observed_time_unix_nano}, else the receive time →
 *       timestamp;
 *   <li>{@code severity_number} 1..24 → level; 0 → {@code severity_text} read like the JSON
 *       {@code level} string, unknown or empty text → INFO; other numbers → {@code invalid_value};
 *   <li>body → message: a string as it is, other values as compact JSON (kvlist → object, array →
 *       array, bytes → base64 string, int and double → number, NaN and infinities → the strings
 *       {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, bool, an unset value inside a list →
 *       {@code null}); a body that is a JSON string (bytes, NaN) is stored without the quotes, like
 *       a string attribute (docs/record-schema.md#stored-values); an unset body is the empty message;
 *   <li>trace_id (16 bytes) and span_id (8 bytes) → lower-case hex; empty or all zero = absent;
 *       another length = {@code invalid_value}; so is a record with the private field {@link
 *       #JSON_ID_NOT_HEX_FIELD}, which stands for an OTLP/JSON id that was not hex;
 *   <li>log attributes → attributes, stringified like the body; an unset value is absent; nesting
 *       deeper than {@code schema.max-depth} = {@code field_overflow}; a key given twice (also
 *       {@code resource.x} next to a log attribute named so) = {@code duplicate_field};
 *   <li>scope name and version → {@code scope.name}, {@code scope.version} when not empty. Scope
 *       attributes are not mapped (docs/otlp.md#mapping names none).
 * </ul>
 *
 * <p>The wire is read exactly as protobuf-java's generated parser reads it, so a request means the
 * same here as it did when it was parsed into messages: fields in any order (a {@code resource}
 * after its {@code scope_logs}), repeated fields interleaved, unknown fields of every wire type
 * skipped (well-nested groups included), a known field number with another wire type treated as
 * unknown, the last of a scalar field given twice winning. First the whole request is checked: what
 * protobuf-java rejects (a truncated field, a varint longer than 10 bytes, a length past its
 * message, a zero field number, wire type 6 or 7, an unmatched end-group tag, nesting deeper than
 * protobuf-java's 100 levels, invalid UTF-8 in a proto3 {@code string} field) is an {@link
 * InvalidProtocolBufferException} before any record is mapped. A singular message field given twice
 * ({@code resource}, {@code scope}, {@code body}, a {@code KeyValue}'s value, more than one {@code
 * AnyValue} case) is merged by protobuf-java; such rare requests are parsed with protobuf-java once
 * and its canonical serialization is decoded instead, so there is one mapping, not two.
 *
 * <p>Allocates nothing per accepted record except for double values. Not thread-safe (it keeps a
 * cursor and the validator's scratch space): use one per thread. The entry is the caller's.
 */
public final class OtlpLogDecoder {
  /** service_name of records whose resource has no {@code service.name}. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  /** Receives the records of a request in wire order. */
  @FunctionalInterface
  public interface RecordSink {
    /**
     * One record: {@link Accepted#INSTANCE}, and then {@code entry} holds it until the next call, or
     * why it was rejected.
     */
    void accept(ParseResult result, LogEntry entry);
  }

  /** protobuf-java's default recursion limit (CodedInputStream.DEFAULT_RECURSION_LIMIT). */
  static final int RECURSION_LIMIT = 100;

  /**
   * A {@code LogRecord} field of loghaul's own (a varint: 9 for trace_id, 10 for span_id) that
   * {@link OtlpJsonTranscoder} writes instead of an OTLP/JSON {@code traceId} or {@code spanId}
   * that is not hex, so that the record alone is rejected as {@code invalid_value} (a protobuf id
   * has no such failure). OTLP numbers its fields from 1 up; this is the largest number whose tag
   * is still a positive {@code int}. A protobuf client sending it gets the same rejection.
   */
  static final int JSON_ID_NOT_HEX_FIELD = (1 << 28) - 1;

  private static final int VARINT = 0;
  private static final int I64 = 1;
  private static final int LEN = 2;
  private static final int START_GROUP = 3;
  private static final int END_GROUP = 4;
  private static final int I32 = 5;

  // tags (field number << 3 | wire type) of the fields read, per message
  private static final int REQUEST_RESOURCE_LOGS = 1 << 3 | LEN;
  private static final int RESOURCE_LOGS_RESOURCE = 1 << 3 | LEN;
  private static final int RESOURCE_LOGS_SCOPE_LOGS = 2 << 3 | LEN;
  private static final int RESOURCE_LOGS_SCHEMA_URL = 3 << 3 | LEN;
  private static final int RESOURCE_ATTRIBUTES = 1 << 3 | LEN;
  private static final int SCOPE_LOGS_SCOPE = 1 << 3 | LEN;
  private static final int SCOPE_LOGS_LOG_RECORDS = 2 << 3 | LEN;
  private static final int SCOPE_LOGS_SCHEMA_URL = 3 << 3 | LEN;
  private static final int SCOPE_NAME = 1 << 3 | LEN;
  private static final int SCOPE_VERSION = 2 << 3 | LEN;
  private static final int SCOPE_ATTRIBUTES = 3 << 3 | LEN;
  private static final int RECORD_TIME = 1 << 3 | I64;
  private static final int RECORD_OBSERVED_TIME = 11 << 3 | I64;
  private static final int RECORD_SEVERITY_NUMBER = 2 << 3 | VARINT;
  private static final int RECORD_SEVERITY_TEXT = 3 << 3 | LEN;
  private static final int RECORD_BODY = 5 << 3 | LEN;
  private static final int RECORD_ATTRIBUTES = 6 << 3 | LEN;
  private static final int RECORD_TRACE_ID = 9 << 3 | LEN;
  private static final int RECORD_SPAN_ID = 10 << 3 | LEN;
  private static final int RECORD_ID_NOT_HEX = JSON_ID_NOT_HEX_FIELD << 3 | VARINT;
  private static final int KEY_VALUE_KEY = 1 << 3 | LEN;
  private static final int KEY_VALUE_VALUE = 2 << 3 | LEN;
  private static final int ANY_STRING = 1 << 3 | LEN;
  private static final int ANY_BOOL = 2 << 3 | VARINT;
  private static final int ANY_INT = 3 << 3 | VARINT;
  private static final int ANY_DOUBLE = 4 << 3 | I64;
  private static final int ANY_ARRAY = 5 << 3 | LEN;
  private static final int ANY_KVLIST = 6 << 3 | LEN;
  private static final int ANY_BYTES = 7 << 3 | LEN;
  private static final int LIST_VALUES = 1 << 3 | LEN; // ArrayValue.values, KeyValueList.values

  // message types, for the check pass
  private static final int REQUEST = 0;
  private static final int RESOURCE_LOGS = 1;
  private static final int RESOURCE = 2;
  private static final int SCOPE_LOGS = 3;
  private static final int SCOPE = 4;
  private static final int LOG_RECORD = 5;
  private static final int KEY_VALUE = 6;
  private static final int ANY_VALUE = 7;
  private static final int ARRAY_VALUE = 8;
  private static final int KEY_VALUE_LIST = 9;
  private static final int STRING_FIELD = -2;
  private static final int OTHER_FIELD = -1;

  private static final byte[] SERVICE_NAME_KEY = "service.name".getBytes(StandardCharsets.UTF_8);
  private static final byte[] UNKNOWN_SERVICE_BYTES = UNKNOWN_SERVICE.getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESOURCE_PREFIX = "resource.".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SCOPE_NAME_KEY = "scope.name".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SCOPE_VERSION_KEY = "scope.version".getBytes(StandardCharsets.UTF_8);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_PAYLOAD_ECHO = 64;
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int maxDepth;
  private final LogEntryValidator validator;

  // the request being read; pos is the cursor of both passes
  private byte[] buf;
  private int pos;
  private int depth;
  private boolean needsCanonical;

  // per request / resource / scope, while mapping
  private LogEntry into;
  private long receiveTimeNanos;
  private long nowMillis;
  private int resourceOff;
  private int resourceEnd;
  private int serviceKeyValueOff;
  private int serviceValueOff;
  private int serviceValueEnd;
  private int scopeNameOff;
  private int scopeNameLen;
  private int scopeVersionOff;
  private int scopeVersionLen;

  // results of readKeyValue() and valueField(); read them into locals before the next call
  private int keyOff;
  private int keyLen;
  private int valueOff;
  private int valueEnd;
  private int valuePos;

  /** A decoder checking against {@code limits}. */
  public OtlpLogDecoder(SchemaLimits limits) {
    requireNonNull(limits, "limits");
    this.maxDepth = limits.maxDepth();
    this.validator = new LogEntryValidator(limits);
  }

  /**
   * Decodes {@code request[offset, offset + length)} and hands every log record to {@code sink}, in
   * wire order, mapped into {@code into} (reset before each record).
   *
   * @param receiveTimeNanos when the request arrived, the timestamp of records without one
   * @param nowMillis the "now" of the timestamp window check
   * @throws InvalidProtocolBufferException when protobuf-java would not parse the bytes as an
   *     {@code ExportLogsServiceRequest}; {@code sink} has not been called then
   */
  public void decode(byte[] request, int offset, int length, long receiveTimeNanos, long nowMillis, LogEntry into,
      RecordSink sink) throws InvalidProtocolBufferException {
    requireNonNull(request, "request");
    requireNonNull(into, "into");
    requireNonNull(sink, "sink");
    Objects.checkFromIndexSize(offset, length, request.length);
    byte[] bytes = request;
    int start = offset;
    int end = offset + length;
    try {
      if (check(bytes, start, end)) {
        // a singular message field given twice: let protobuf-java merge, decode its canonical form
        bytes = ExportLogsServiceRequest.parser().parseFrom(request, offset, length).toByteArray();
        start = 0;
        end = bytes.length;
        if (check(bytes, start, end)) {
          throw new IllegalStateException("protobuf-java's serialization repeats a singular message field");
        }
      }
      this.into = into;
      this.receiveTimeNanos = receiveTimeNanos;
      this.nowMillis = nowMillis;
      mapRequest(start, end, sink);
    } finally {
      buf = null;
      this.into = null;
    }
  }

  // ---- pass 1: check the whole request like protobuf-java's parser ----------------------------

  /** Checks the request; returns true when it repeats a field protobuf-java merges. */
  private boolean check(byte[] bytes, int start, int end) throws InvalidProtocolBufferException {
    buf = bytes;
    pos = start;
    depth = 0;
    needsCanonical = false;
    checkMessage(REQUEST, end);
    return needsCanonical;
  }

  private void checkMessage(int message, int limit) throws InvalidProtocolBufferException {
    int merged = 0;
    while (pos < limit) {
      int tag = readTag(limit);
      if (isMergedField(message, tag) && ++merged > 1) {
        needsCanonical = true;
      }
      int kind = fieldKind(message, tag);
      if (kind >= 0) {
        int length = (int) readVarint(limit);
        // CodedInputStream.readMessage: depth first, then the length
        if (depth >= RECURSION_LIMIT) {
          throw recursionLimitExceeded();
        }
        int end = end(length, limit);
        depth++;
        checkMessage(kind, end);
        depth--;
      } else if (kind == STRING_FIELD) {
        int end = end((int) readVarint(limit), limit);
        if (!isValidUtf8(buf, pos, end)) {
          throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
        }
        pos = end;
      } else {
        checkSkip(tag, limit);
      }
    }
  }

  /** What a field of {@code message} with {@code tag} is: a message type, a string, or other. */
  private static int fieldKind(int message, int tag) {
    return switch (message) {
      case REQUEST -> tag == REQUEST_RESOURCE_LOGS ? RESOURCE_LOGS : OTHER_FIELD;
      case RESOURCE_LOGS -> switch (tag) {
        case RESOURCE_LOGS_RESOURCE -> RESOURCE;
        case RESOURCE_LOGS_SCOPE_LOGS -> SCOPE_LOGS;
        case RESOURCE_LOGS_SCHEMA_URL -> STRING_FIELD;
        default -> OTHER_FIELD;
      };
      case RESOURCE -> tag == RESOURCE_ATTRIBUTES ? KEY_VALUE : OTHER_FIELD;
      case SCOPE_LOGS -> switch (tag) {
        case SCOPE_LOGS_SCOPE -> SCOPE;
        case SCOPE_LOGS_LOG_RECORDS -> LOG_RECORD;
        case SCOPE_LOGS_SCHEMA_URL -> STRING_FIELD;
        default -> OTHER_FIELD;
      };
      case SCOPE -> switch (tag) {
        case SCOPE_NAME, SCOPE_VERSION -> STRING_FIELD;
        case SCOPE_ATTRIBUTES -> KEY_VALUE;
        default -> OTHER_FIELD;
      };
      case LOG_RECORD -> switch (tag) {
        case RECORD_SEVERITY_TEXT -> STRING_FIELD;
        case RECORD_BODY -> ANY_VALUE;
        case RECORD_ATTRIBUTES -> KEY_VALUE;
        default -> OTHER_FIELD;
      };
      case KEY_VALUE -> switch (tag) {
        case KEY_VALUE_KEY -> STRING_FIELD;
        case KEY_VALUE_VALUE -> ANY_VALUE;
        default -> OTHER_FIELD;
      };
      case ANY_VALUE -> switch (tag) {
        case ANY_STRING -> STRING_FIELD;
        case ANY_ARRAY -> ARRAY_VALUE;
        case ANY_KVLIST -> KEY_VALUE_LIST;
        default -> OTHER_FIELD;
      };
      case ARRAY_VALUE -> tag == LIST_VALUES ? ANY_VALUE : OTHER_FIELD;
      case KEY_VALUE_LIST -> tag == LIST_VALUES ? KEY_VALUE : OTHER_FIELD;
      default -> throw new IllegalArgumentException("message: " + message);
    };
  }

  /**
   * True for the fields protobuf-java merges rather than replaces when they come twice: singular
   * message fields, and the cases of {@code AnyValue}'s oneof (a second case after the first can
   * still merge with a builder the first one left behind).
   */
  private static boolean isMergedField(int message, int tag) {
    return switch (message) {
      case RESOURCE_LOGS -> tag == RESOURCE_LOGS_RESOURCE;
      case SCOPE_LOGS -> tag == SCOPE_LOGS_SCOPE;
      case LOG_RECORD -> tag == RECORD_BODY;
      case KEY_VALUE -> tag == KEY_VALUE_VALUE;
      case ANY_VALUE -> switch (tag) {
        case ANY_STRING, ANY_BOOL, ANY_INT, ANY_DOUBLE, ANY_ARRAY, ANY_KVLIST, ANY_BYTES -> true;
        default -> false;
      };
      default -> false;
    };
  }

  /** Skips a field that is not a message or string, as protobuf-java's unknown-field parser does. */
  private void checkSkip(int tag, int limit) throws InvalidProtocolBufferException {
    switch (tag & 7) {
      case VARINT -> readVarint(limit);
      case I64 -> pos = end(8, limit);
      case LEN -> pos = end((int) readVarint(limit), limit);
      case START_GROUP -> {
        if (depth >= RECURSION_LIMIT) {
          throw recursionLimitExceeded();
        }
        depth++;
        int endTag = tag & ~7 | END_GROUP;
        while (true) {
          if (pos >= limit) {
            throw endGroupMismatch();
          }
          int inner = readTag(limit);
          if (inner == endTag) {
            break;
          }
          checkSkip(inner, limit);
        }
        depth--;
      }
      // outside its group (which ends above) an end-group tag stops the message where it cannot stop
      case END_GROUP -> throw endGroupMismatch();
      case I32 -> pos = end(4, limit);
      default -> throw new InvalidProtocolBufferException.InvalidWireTypeException(
          "Protocol message tag had invalid wire type.");
    }
  }

  private int readTag(int limit) throws InvalidProtocolBufferException {
    int tag = (int) readVarint(limit);
    if (tag >>> 3 == 0) {
      throw new InvalidProtocolBufferException("Protocol message contained an invalid tag (zero).");
    }
    return tag;
  }

  /** A varint of at most 10 bytes; bits past 64 are dropped (CodedInputStream.readRawVarint64). */
  private long readVarint(int limit) throws InvalidProtocolBufferException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw truncated();
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new InvalidProtocolBufferException("CodedInputStream encountered a malformed varint.");
  }

  /** The end of {@code length} bytes from the cursor, which must lie within {@code limit}. */
  private int end(int length, int limit) throws InvalidProtocolBufferException {
    if (length < 0) {
      throw new InvalidProtocolBufferException(
          "CodedInputStream encountered an embedded string or message which claimed to have negative size.");
    }
    if (length > limit - pos) {
      throw truncated();
    }
    return pos + length;
  }

  private static InvalidProtocolBufferException truncated() {
    return new InvalidProtocolBufferException("While parsing a protocol message, the input ended unexpectedly "
        + "in the middle of a field.  This could mean either that the input has been truncated or that an "
        + "embedded message misreported its own length.");
  }

  private static InvalidProtocolBufferException recursionLimitExceeded() {
    return new InvalidProtocolBufferException("Protocol message had too many levels of nesting.  May be "
        + "malicious.  Use setRecursionLimit() to increase the recursion depth limit.");
  }

  private static InvalidProtocolBufferException endGroupMismatch() {
    return new InvalidProtocolBufferException("Protocol message end-group tag did not match expected tag.");
  }

  /** Whether {@code b[from, to)} is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF). */
  static boolean isValidUtf8(byte[] b, int from, int to) {
    int p = from;
    while (p < to) {
      // ASCII 32, then 8 bytes at a time: log text is mostly ASCII
      while (to - p >= 32 && (((long) LONG_LE.get(b, p) | (long) LONG_LE.get(b, p + 8)
          | (long) LONG_LE.get(b, p + 16) | (long) LONG_LE.get(b, p + 24)) & 0x8080_8080_8080_8080L) == 0) {
        p += 32;
      }
      if (to - p >= 8 && ((long) LONG_LE.get(b, p) & 0x8080_8080_8080_8080L) == 0) {
        p += 8;
        continue;
      }
      if (p >= to) {
        break;
      }
      int b0 = b[p];
      if (b0 >= 0) {
        p++;
        continue;
      }
      b0 &= 0xFF;
      if (b0 < 0xC2) {
        return false; // continuation byte, or an overlong 2-byte lead
      }
      if (b0 < 0xE0) {
        if (to - p < 2 || !isContinuation(b[p + 1])) {
          return false;
        }
        p += 2;
      } else if (b0 < 0xF0) {
        if (to - p < 3) {
          return false;
        }
        int b1 = b[p + 1] & 0xFF;
        if (b1 < 0x80 || b1 > 0xBF
            || b0 == 0xE0 && b1 < 0xA0 // overlong
            || b0 == 0xED && b1 > 0x9F // UTF-16 surrogate
            || !isContinuation(b[p + 2])) {
          return false;
        }
        p += 3;
      } else if (b0 < 0xF5) {
        if (to - p < 4) {
          return false;
        }
        int b1 = b[p + 1] & 0xFF;
        if (b1 < 0x80 || b1 > 0xBF
            || b0 == 0xF0 && b1 < 0x90 // overlong
            || b0 == 0xF4 && b1 > 0x8F // past U+10FFFF
            || !isContinuation(b[p + 2]) || !isContinuation(b[p + 3])) {
          return false;
        }
        p += 4;
      } else {
        return false;
      }
    }
    return true;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }

  // ---- pass 2: map the checked request ---------------------------------------------------------
  // The bytes are known to be well-formed here, so the readers below check nothing.

  private void mapRequest(int start, int end, RecordSink sink) {
    pos = start;
    while (pos < end) {
      int tag = tag();
      if (tag == REQUEST_RESOURCE_LOGS) {
        int len = (int) varint();
        int next = pos + len;
        mapResourceLogs(pos, next, sink);
        pos = next;
      } else {
        skip(tag);
      }
    }
  }

  private void mapResourceLogs(int start, int end, RecordSink sink) {
    resourceOff = resourceEnd = 0;
    pos = start;
    while (pos < end) {
      int tag = tag();
      if (tag == RESOURCE_LOGS_RESOURCE) {
        int len = (int) varint();
        resourceOff = pos;
        resourceEnd = pos + len;
        pos = resourceEnd;
      } else {
        skip(tag);
      }
    }
    findServiceName();
    pos = start;
    while (pos < end) {
      int tag = tag();
      if (tag == RESOURCE_LOGS_SCOPE_LOGS) {
        int len = (int) varint();
        int next = pos + len;
        mapScopeLogs(pos, next, sink);
        pos = next;
      } else {
        skip(tag);
      }
    }
  }

  /** Finds the last {@code service.name} resource attribute and its value (-1 when it has none). */
  private void findServiceName() {
    serviceKeyValueOff = -1;
    serviceValueOff = serviceValueEnd = -1;
    pos = resourceOff;
    while (pos < resourceEnd) {
      int tag = tag();
      if (tag != RESOURCE_ATTRIBUTES) {
        skip(tag);
        continue;
      }
      int len = (int) varint();
      int kv = pos;
      int next = pos + len;
      readKeyValue(kv, next);
      if (keyLen == SERVICE_NAME_KEY.length
          && Arrays.equals(buf, keyOff, keyOff + keyLen, SERVICE_NAME_KEY, 0, keyLen)) {
        serviceKeyValueOff = kv;
        int vo = valueOff;
        int ve = valueEnd;
        boolean set = vo >= 0 && valueField(vo, ve) != 0;
        serviceValueOff = set ? vo : -1;
        serviceValueEnd = set ? ve : -1;
      }
      pos = next;
    }
  }

  private void mapScopeLogs(int start, int end, RecordSink sink) {
    int scopeOff = 0;
    int scopeEnd = 0;
    pos = start;
    while (pos < end) {
      int tag = tag();
      if (tag == SCOPE_LOGS_SCOPE) {
        int len = (int) varint();
        scopeOff = pos;
        scopeEnd = pos + len;
        pos = scopeEnd;
      } else {
        skip(tag);
      }
    }
    scopeNameLen = scopeVersionLen = 0;
    pos = scopeOff;
    while (pos < scopeEnd) {
      int tag = tag();
      if (tag == SCOPE_NAME) {
        scopeNameLen = (int) varint();
        scopeNameOff = pos;
        pos += scopeNameLen;
      } else if (tag == SCOPE_VERSION) {
        scopeVersionLen = (int) varint();
        scopeVersionOff = pos;
        pos += scopeVersionLen;
      } else {
        skip(tag);
      }
    }
    pos = start;
    while (pos < end) {
      int tag = tag();
      if (tag == SCOPE_LOGS_LOG_RECORDS) {
        int len = (int) varint();
        int next = pos + len;
        sink.accept(mapRecord(pos, next), into);
        pos = next;
      } else {
        skip(tag);
      }
    }
  }

  private ParseResult mapRecord(int start, int end) {
    LogEntry e = into;
    e.reset();
    long time = 0;
    long observedTime = 0;
    int severity = 0;
    int severityTextOff = 0;
    int severityTextLen = 0;
    int bodyOff = -1;
    int bodyEnd = -1;
    int traceOff = 0;
    int traceLen = 0;
    int spanOff = 0;
    int spanLen = 0;
    boolean traceNotHex = false;
    boolean spanNotHex = false;
    pos = start;
    while (pos < end) {
      int tag = tag();
      switch (tag) {
        case RECORD_TIME -> time = fixed64();
        case RECORD_OBSERVED_TIME -> observedTime = fixed64();
        case RECORD_SEVERITY_NUMBER -> severity = (int) varint();
        case RECORD_SEVERITY_TEXT -> {
          severityTextLen = (int) varint();
          severityTextOff = pos;
          pos += severityTextLen;
        }
        case RECORD_BODY -> {
          int len = (int) varint();
          bodyOff = pos;
          bodyEnd = pos += len;
        }
        case RECORD_TRACE_ID -> {
          traceLen = (int) varint();
          traceOff = pos;
          pos += traceLen;
        }
        case RECORD_SPAN_ID -> {
          spanLen = (int) varint();
          spanOff = pos;
          pos += spanLen;
        }
        case RECORD_ID_NOT_HEX -> {
          if (varint() == RECORD_SPAN_ID >>> 3) {
            spanNotHex = true;
          } else {
            traceNotHex = true;
          }
        }
        default -> skip(tag);
      }
    }

    long ts = time != 0 ? time : observedTime;
    e.setTimestampNanos(ts != 0 ? ts : receiveTimeNanos);

    if (severity == 0) {
      e.setLevel(levelOfText(buf, severityTextOff, severityTextLen));
    } else {
      Level level = Level.ofSeverityNumber(severity);
      if (level == null) {
        return new Rejected(ErrorType.INVALID_VALUE, "/level",
            "severity_number " + severity + " (expected: 0..24)");
      }
      e.setLevel(level);
    }

    if (serviceValueOff < 0) {
      e.setServiceName(e.appendBytes(UNKNOWN_SERVICE_BYTES, 0, UNKNOWN_SERVICE_BYTES.length),
          UNKNOWN_SERVICE_BYTES.length);
    } else {
      int serviceStart = e.arenaSize();
      if (!appendValue(serviceValueOff, serviceValueEnd, 0)) {
        return depthOverflow("/service_name");
      }
      e.setServiceName(serviceStart, e.arenaSize() - serviceStart);
    }

    int messageStart = e.arenaSize();
    if (bodyOff >= 0 && !appendValue(bodyOff, bodyEnd, 0)) {
      return depthOverflow("/message");
    }
    e.setMessage(messageStart, e.arenaSize() - messageStart);

    if (traceNotHex || spanNotHex) {
      String name = traceNotHex ? "trace_id" : "span_id";
      return new Rejected(ErrorType.INVALID_VALUE, "/" + name,
          name + " is not hex (expected: " + (traceNotHex ? 32 : 16) + " hex digits)");
    }
    Rejected idError = mapId(buf, traceOff, traceLen, 16, e.traceIdHex(), "trace_id");
    if (idError != null) {
      return idError;
    }
    e.setHasTraceId(traceLen == 16 && !isAllZero(buf, traceOff, traceLen));
    idError = mapId(buf, spanOff, spanLen, 8, e.spanIdHex(), "span_id");
    if (idError != null) {
      return idError;
    }
    e.setHasSpanId(spanLen == 8 && !isAllZero(buf, spanOff, spanLen));

    Rejected attributeError = addAttributes(start, end, RECORD_ATTRIBUTES, null, -1);
    if (attributeError == null) {
      attributeError = addAttributes(resourceOff, resourceEnd, RESOURCE_ATTRIBUTES, RESOURCE_PREFIX,
          serviceKeyValueOff);
    }
    if (attributeError != null) {
      return attributeError;
    }
    addScopeAttribute(SCOPE_NAME_KEY, scopeNameOff, scopeNameLen);
    addScopeAttribute(SCOPE_VERSION_KEY, scopeVersionOff, scopeVersionLen);

    Rejected duplicate = findDuplicateKey(e);
    if (duplicate != null) {
      return duplicate;
    }
    // every string of the entry was checked as UTF-8 on the wire (or is ASCII made here)
    return validator.validate(e, nowMillis, false);
  }

  /** The level of an OTLP {@code severity_text} when the number is 0 (the level names of docs/record-schema.md#levels, else INFO). */
  static Level levelOfText(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] < 0) {
        // non-ASCII: String.equalsIgnoreCase matches e.g. "WARN\u0131NG" (dotless i) to WARNING;
        // seven UTF-16 chars take at most 21 UTF-8 bytes, longer text is INFO anyway
        return len <= 21 ? levelOfText(new String(b, off, len, StandardCharsets.UTF_8)) : Level.INFO;
      }
    }
    return switch (len) {
      case 4 -> asciiEqualsIgnoreCase(b, off, "INFO") ? Level.INFO
          : asciiEqualsIgnoreCase(b, off, "WARN") ? Level.WARN : Level.INFO;
      case 5 -> asciiEqualsIgnoreCase(b, off, "TRACE") ? Level.TRACE
          : asciiEqualsIgnoreCase(b, off, "DEBUG") ? Level.DEBUG
          : asciiEqualsIgnoreCase(b, off, "ERROR") ? Level.ERROR
          : asciiEqualsIgnoreCase(b, off, "FATAL") ? Level.FATAL : Level.INFO;
      case 7 -> asciiEqualsIgnoreCase(b, off, "WARNING") ? Level.WARN : Level.INFO;
      default -> Level.INFO;
    };
  }

  /** The level of a {@code severity_text} as a Java string (the rule of the non-ASCII case). */
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

  /** {@code upper} is upper-case ASCII letters; {@code b[off..]} is ASCII of the same length. */
  private static boolean asciiEqualsIgnoreCase(byte[] b, int off, String upper) {
    for (int i = 0; i < upper.length(); i++) {
      int c = b[off + i];
      if (c >= 'a' && c <= 'z') {
        c -= 'a' - 'A';
      }
      if (c != upper.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static Rejected mapId(byte[] b, int off, int size, int expected, byte[] hexOut, String name) {
    if (size == 0) {
      return null;
    }
    if (size != expected) {
      return new Rejected(ErrorType.INVALID_VALUE, "/" + name,
          name + " has " + size + " bytes (expected: " + expected + ")");
    }
    for (int i = 0; i < size; i++) {
      int v = b[off + i] & 0xFF;
      hexOut[2 * i] = HEX[v >>> 4];
      hexOut[2 * i + 1] = HEX[v & 0xF];
    }
    return null;
  }

  private static boolean isAllZero(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds the {@code KeyValue}s with {@code tag} in message {@code [start, end)}, keys prefixed with
   * {@code prefix} when not null, leaving out the one at {@code skipOff} and those without a value.
   */
  private Rejected addAttributes(int start, int end, int tag, byte[] prefix, int skipOff) {
    LogEntry e = into;
    pos = start;
    while (pos < end) {
      int t = tag();
      if (t != tag) {
        skip(t);
        continue;
      }
      int len = (int) varint();
      int kv = pos;
      int next = pos + len;
      if (kv != skipOff) {
        readKeyValue(kv, next);
        int ko = keyOff;
        int kl = keyLen;
        int vo = valueOff;
        int ve = valueEnd;
        if (vo >= 0 && valueField(vo, ve) != 0) {
          int keyStart = e.arenaSize();
          if (prefix != null) {
            e.appendBytes(prefix, 0, prefix.length);
          }
          e.appendBytes(buf, ko, kl);
          int keyLength = e.arenaSize() - keyStart;
          int valueStart = e.arenaSize();
          if (!appendValue(vo, ve, 0)) {
            return depthOverflow("/attributes/" + clip(e.arena(), keyStart, keyLength));
          }
          e.addAttribute(keyStart, keyLength, valueStart, e.arenaSize() - valueStart);
        }
      }
      pos = next;
    }
    return null;
  }

  private void addScopeAttribute(byte[] key, int off, int len) {
    if (len == 0) {
      return;
    }
    LogEntry e = into;
    int k = e.appendBytes(key, 0, key.length);
    int v = e.appendBytes(buf, off, len);
    e.addAttribute(k, key.length, v, len);
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
    // never echo more than 64 payload bytes (docs/dead-letters.md#headers); a cut UTF-8 sequence decodes as U+FFFD
    return new String(bytes, offset, Math.min(length, MAX_PAYLOAD_ECHO), StandardCharsets.UTF_8);
  }

  // ---- AnyValue → text ---------------------------------------------------------------------

  /**
   * Reads the {@code KeyValue} {@code [start, end)} into {@link #keyOff}/{@link #keyLen} (the last
   * key; empty when absent) and {@link #valueOff}/{@link #valueEnd} (-1 when there is no value).
   */
  private void readKeyValue(int start, int end) {
    int ko = 0;
    int kl = 0;
    int vo = -1;
    int ve = -1;
    pos = start;
    while (pos < end) {
      int tag = tag();
      if (tag == KEY_VALUE_KEY) {
        kl = (int) varint();
        ko = pos;
        pos += kl;
      } else if (tag == KEY_VALUE_VALUE) {
        int len = (int) varint();
        vo = pos;
        ve = pos += len;
      } else {
        skip(tag);
      }
    }
    keyOff = ko;
    keyLen = kl;
    valueOff = vo;
    valueEnd = ve;
  }

  /**
   * The tag of the case set in the {@code AnyValue} {@code [start, end)}, 0 when none is; {@link
   * #valuePos} is where the field's value starts (at its length for length-delimited ones).
   */
  private int valueField(int start, int end) {
    int found = 0;
    pos = start;
    while (pos < end) {
      int tag = tag();
      switch (tag) {
        case ANY_STRING, ANY_BOOL, ANY_INT, ANY_DOUBLE, ANY_ARRAY, ANY_KVLIST, ANY_BYTES -> {
          found = tag;
          valuePos = pos;
          skip(tag);
        }
        default -> skip(tag);
      }
    }
    return found;
  }

  /**
   * Appends the {@code AnyValue} {@code [start, end)} as stored text: a string (or a value whose
   * JSON form is a string) without quotes, anything else as compact JSON. Returns false when
   * nesting exceeds the depth limit.
   */
  private boolean appendValue(int start, int end, int depth) {
    int tag = valueField(start, end);
    pos = valuePos;
    switch (tag) {
      case ANY_STRING -> {
        int len = (int) varint();
        into.appendBytes(buf, pos, len);
      }
      case ANY_BYTES -> {
        int len = (int) varint();
        appendBase64(into, buf, pos, len);
      }
      case ANY_DOUBLE -> {
        double d = Double.longBitsToDouble(fixed64());
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          appendAscii(into, Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        } else {
          appendDouble(into, d);
        }
      }
      case 0 -> { }
      default -> {
        return appendJson(start, end, depth);
      }
    }
    return true;
  }

  /** Appends the {@code AnyValue} {@code [start, end)} as compact JSON; false when nesting exceeds the depth limit. */
  private boolean appendJson(int start, int end, int depth) {
    LogEntry e = into;
    int tag = valueField(start, end);
    pos = valuePos;
    switch (tag) {
      case ANY_STRING -> {
        int len = (int) varint();
        appendJsonString(e, buf, pos, len);
      }
      case ANY_BOOL -> appendAscii(e, varint() != 0 ? "true" : "false");
      case ANY_INT -> appendLong(e, varint());
      case ANY_DOUBLE -> {
        double d = Double.longBitsToDouble(fixed64());
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          appendAscii(e, Double.isNaN(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
          appendDouble(e, d);
        }
      }
      case ANY_BYTES -> {
        int len = (int) varint();
        e.appendByte('"');
        appendBase64(e, buf, pos, len);
        e.appendByte('"');
      }
      case ANY_ARRAY, ANY_KVLIST -> {
        if (depth >= maxDepth) {
          return false;
        }
        // ArrayValue and KeyValueList both hold their entries in field 1; only the entry differs
        boolean object = tag == ANY_KVLIST;
        int listEnd = (int) varint();
        listEnd += pos;
        e.appendByte(object ? '{' : '[');
        boolean first = true;
        while (pos < listEnd) {
          int t = tag();
          if (t != LIST_VALUES) {
            skip(t);
            continue;
          }
          int len = (int) varint();
          int next = pos + len;
          if (!first) {
            e.appendByte(',');
          }
          first = false;
          if (object) {
            readKeyValue(pos, next);
            int vo = valueOff;
            int ve = valueEnd;
            appendJsonString(e, buf, keyOff, keyLen);
            e.appendByte(':');
            if (vo < 0) {
              appendAscii(e, "null");
            } else if (!appendJson(vo, ve, depth + 1)) {
              return false;
            }
          } else if (!appendJson(pos, next, depth + 1)) {
            return false;
          }
          pos = next;
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
      appendAscii(into, Double.toString(d));
    }
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

  // ---- unchecked wire readers (pass 2 only) --------------------------------------------------

  private int tag() {
    return (int) varint();
  }

  private long varint() {
    byte[] b = buf;
    int p = pos;
    long result = b[p++];
    if (result >= 0) {
      pos = p;
      return result;
    }
    result &= 0x7F;
    for (int shift = 7; ; shift += 7) {
      byte x = b[p++];
      result |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        pos = p;
        return result;
      }
    }
  }

  private long fixed64() {
    long v = (long) LONG_LE.get(buf, pos);
    pos += 8;
    return v;
  }

  private void skip(int tag) {
    switch (tag & 7) {
      case VARINT -> varint();
      case I64 -> pos += 8;
      case LEN -> {
        int len = (int) varint();
        pos += len;
      }
      case START_GROUP -> {
        int endTag = tag & ~7 | END_GROUP;
        for (int t = tag(); t != endTag; t = tag()) {
          skip(t);
        }
      }
      case I32 -> pos += 4;
      default -> throw new IllegalStateException("wire type " + (tag & 7) + " after the check pass");
    }
  }
}
