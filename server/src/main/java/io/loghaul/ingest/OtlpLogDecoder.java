package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpFields.RECORD_ATTRIBUTES;
import static io.loghaul.ingest.OtlpFields.RECORD_BODY;
import static io.loghaul.ingest.OtlpFields.RECORD_OBSERVED_TIME;
import static io.loghaul.ingest.OtlpFields.RECORD_SEVERITY_NUMBER;
import static io.loghaul.ingest.OtlpFields.RECORD_SEVERITY_TEXT;
import static io.loghaul.ingest.OtlpFields.RECORD_SPAN_ID;
import static io.loghaul.ingest.OtlpFields.RECORD_TIME;
import static io.loghaul.ingest.OtlpFields.RECORD_TRACE_ID;
import static io.loghaul.ingest.OtlpFields.REQUEST_RESOURCE_LOGS;
import static io.loghaul.ingest.OtlpFields.RESOURCE_ATTRIBUTES;
import static io.loghaul.ingest.OtlpFields.RESOURCE_LOGS_RESOURCE;
import static io.loghaul.ingest.OtlpFields.RESOURCE_LOGS_SCOPE_LOGS;
import static io.loghaul.ingest.OtlpFields.SCOPE_ATTRIBUTES;
import static io.loghaul.ingest.OtlpFields.SCOPE_LOGS_LOG_RECORDS;
import static io.loghaul.ingest.OtlpFields.SCOPE_LOGS_SCOPE;
import static io.loghaul.ingest.OtlpFields.SCOPE_NAME;
import static io.loghaul.ingest.OtlpFields.SCOPE_VERSION;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.loghaul.bytes.Hex;
import io.loghaul.bytes.LittleEndian;
import io.loghaul.bytes.Varint;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.Level;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryValidator;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decodes a serialized OTLP {@code ExportLogsServiceRequest} (opentelemetry-proto 1.3.2) straight
 * from its protobuf wire bytes and maps every log record, with its resource and scope, to a {@link
 * LogEntry} as docs/otlp.md#mapping says, then checks it with {@link LogEntryValidator}. No message
 * objects and no {@link String}s are built: strings are copied from the request into the entry's
 * arena.
 *
 * <ul>
 *   <li>resource attribute {@code service.name} (the last one when given twice) → service_name
 *       ({@value #UNKNOWN_SERVICE} when absent or without a value); the other resource attributes →
 *       {@code resource.<key>} attributes;
 *   <li>{@code time_unix_nano}, else {@code observed_time_unix_nano}, else the receive time →
 *       timestamp;
 *   <li>{@code severity_number} 1..24 → level; 0 → {@code severity_text} read like the JSON {@code
 *       level} string, unknown or empty text → INFO; other numbers → {@code invalid_value};
 *   <li>body → message: a string as it is, other values as compact JSON (kvlist → object, array →
 *       array, bytes → base64 string, int and double → number, NaN and infinities → the strings
 *       {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, bool, an unset value inside a list
 *       → {@code null}); a body that is a JSON string (bytes, NaN) is stored without the quotes,
 *       like a string attribute (docs/record-schema.md#stored-values); an unset body is the empty
 *       message;
 *   <li>trace_id (16 bytes) and span_id (8 bytes) → lower-case hex; empty or all zero = absent;
 *       another length = {@code invalid_value}; so is a record with the private field {@link
 *       #JSON_ID_NOT_HEX_FIELD}, which stands for an OTLP/JSON id that was not hex;
 *   <li>log attributes → attributes, stringified like the body; an unset value is absent; nesting
 *       deeper than {@code schema.max-depth} = {@code field_overflow}; a key given twice (also
 *       {@code resource.x} next to a log attribute named so) = {@code duplicate_field};
 *   <li>scope name and version → {@code scope.name}, {@code scope.version} when not empty; scope
 *       attributes → {@code scope.<key>} attributes, stringified like the others (a scope attribute
 *       named {@code name} next to a scope name = {@code duplicate_field}, as for resources).
 * </ul>
 *
 * <p>The wire is read exactly as protobuf-java's generated parser reads it, so a request means the
 * same here as it did when it was parsed into messages: fields in any order (a {@code resource}
 * after its {@code scope_logs}), repeated fields interleaved, unknown fields of every wire type
 * skipped (well-nested groups included), a known field number with another wire type treated as
 * unknown, the last of a scalar field given twice winning. First {@link OtlpWireCheck} checks the
 * whole request: what protobuf-java rejects is an {@link InvalidProtocolBufferException} before any
 * record is mapped. A singular message field given twice ({@code resource}, {@code scope}, {@code
 * body}, a {@code KeyValue}'s value, more than one {@code AnyValue} case) is merged by
 * protobuf-java; such rare requests are parsed with protobuf-java once and its canonical
 * serialization is decoded instead, so there is one mapping, not two.
 *
 * <p>Then this class maps the checked request, reading it with {@link OtlpWire}'s reads (its
 * position kept in locals), with an {@link AnyValueWriter} for bodies and attribute values.
 * Allocates nothing per accepted record except for double values. Not thread-safe (it keeps the
 * current resource and scope and the validator's scratch space): use one per thread. The entry is
 * the caller's.
 */
public final class OtlpLogDecoder {
  /** service_name of records whose resource has no {@code service.name}. */
  public static final String UNKNOWN_SERVICE = "unknown_service";

  /** Receives the records of a request in wire order. */
  @FunctionalInterface
  public interface RecordSink {
    /**
     * One record: {@link Accepted#INSTANCE}, and then {@code entry} holds it until the next call,
     * or why it was rejected.
     */
    void accept(ParseResult result, LogEntry entry);
  }

  /**
   * A {@code LogRecord} field of loghaul's own (a varint: 9 for trace_id, 10 for span_id) that
   * {@link OtlpJsonTranscoder} writes instead of an OTLP/JSON {@code traceId} or {@code spanId}
   * that is not hex, so that the record alone is rejected as {@code invalid_value} (a protobuf id
   * has no such failure). OTLP numbers its fields from 1 up; this is the largest number whose tag
   * is still a positive {@code int}. A protobuf client sending it gets the same rejection.
   */
  static final int JSON_ID_NOT_HEX_FIELD = (1 << 28) - 1;

  private static final int RECORD_ID_NOT_HEX = JSON_ID_NOT_HEX_FIELD << 3 | OtlpFields.VARINT;
  private static final byte[] SERVICE_NAME_KEY = "service.name".getBytes(StandardCharsets.UTF_8);
  private static final byte[] UNKNOWN_SERVICE_BYTES =
      UNKNOWN_SERVICE.getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESOURCE_PREFIX = "resource.".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SCOPE_NAME_KEY = "scope.name".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SCOPE_VERSION_KEY = "scope.version".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SCOPE_PREFIX = "scope.".getBytes(StandardCharsets.UTF_8);
  private static final int MAX_PAYLOAD_ECHO = 64;

  private final int maxDepth;
  private final LogEntryValidator validator;
  private final OtlpWireCheck check = new OtlpWireCheck();
  private final AnyValueWriter values;

  // per request / resource / scope, while mapping
  private LogEntry into;
  private long receiveTimeNanos;
  private long nowMillis;
  private int resourceOff;
  private int resourceEnd;
  private int serviceKeyValueOff;
  private int serviceValueCase;
  private int scopeOff;
  private int scopeEnd;
  private int scopeNameOff;
  private int scopeNameLen;
  private int scopeVersionOff;
  private int scopeVersionLen;
  private boolean scopeHasAttributes;

  /** A decoder checking against {@code limits}. */
  public OtlpLogDecoder(SchemaLimits limits) {
    requireNonNull(limits, "limits");
    this.maxDepth = limits.maxDepth();
    this.validator = new LogEntryValidator(limits);
    this.values = new AnyValueWriter(maxDepth);
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
  public void decode(
      byte[] request,
      int offset,
      int length,
      long receiveTimeNanos,
      long nowMillis,
      LogEntry into,
      RecordSink sink)
      throws InvalidProtocolBufferException {
    requireNonNull(request, "request");
    requireNonNull(into, "into");
    requireNonNull(sink, "sink");
    Objects.checkFromIndexSize(offset, length, request.length);
    byte[] bytes = request;
    int start = offset;
    int end = offset + length;
    if (check.check(bytes, start, end)) {
      // a singular message field given twice: let protobuf-java merge, decode its canonical form
      bytes = ExportLogsServiceRequest.parser().parseFrom(request, offset, length).toByteArray();
      start = 0;
      end = bytes.length;
      if (check.check(bytes, start, end)) {
        throw new IllegalStateException(
            "protobuf-java's serialization repeats a singular message field");
      }
    }
    try {
      this.into = into;
      this.receiveTimeNanos = receiveTimeNanos;
      this.nowMillis = nowMillis;
      values.target(into);
      mapRequest(bytes, start, end, sink);
    } finally {
      values.target(null);
      this.into = null;
    }
  }

  // ---- map the checked request ----------------------------------------------------------------

  // Every loop below reads the request through a local position p: a tag, then the field's value
  // (OtlpWire.skip for the fields it does not want).

  private void mapRequest(byte[] b, int start, int end, RecordSink sink) {
    int p = start;
    while (p < end) {
      int tag = OtlpWire.tag(b, p);
      p = Varint.end(b, p);
      if (tag == REQUEST_RESOURCE_LOGS) {
        int from = Varint.end(b, p);
        p = from + (int) Varint.value(b, p);
        mapResourceLogs(b, from, p, sink);
      } else {
        p = OtlpWire.skip(b, p, tag);
      }
    }
  }

  private void mapResourceLogs(byte[] b, int start, int end, RecordSink sink) {
    resourceOff = resourceEnd = 0;
    int p = start;
    while (p < end) {
      int tag = OtlpWire.tag(b, p);
      p = Varint.end(b, p);
      if (tag == RESOURCE_LOGS_RESOURCE) {
        resourceOff = Varint.end(b, p);
        resourceEnd = resourceOff + (int) Varint.value(b, p);
      }
      p = OtlpWire.skip(b, p, tag);
    }
    findServiceName(b);
    p = start;
    while (p < end) {
      int tag = OtlpWire.tag(b, p);
      p = Varint.end(b, p);
      if (tag == RESOURCE_LOGS_SCOPE_LOGS) {
        int from = Varint.end(b, p);
        p = from + (int) Varint.value(b, p);
        mapScopeLogs(b, from, p, sink);
      } else {
        p = OtlpWire.skip(b, p, tag);
      }
    }
  }

  /**
   * Finds the last {@code service.name} resource attribute and the case of its value ({@link
   * OtlpWire#ABSENT} when it has none).
   */
  private void findServiceName(byte[] b) {
    serviceKeyValueOff = -1;
    serviceValueCase = OtlpWire.ABSENT;
    int p = resourceOff;
    while (p < resourceEnd) {
      int tag = OtlpWire.tag(b, p);
      p = Varint.end(b, p);
      if (tag != RESOURCE_ATTRIBUTES) {
        p = OtlpWire.skip(b, p, tag);
        continue;
      }
      int kv = Varint.end(b, p);
      p = kv + (int) Varint.value(b, p);
      long keyValue = OtlpWire.keyValue(b, kv, p);
      if (isKey(b, OtlpWire.keyAt(keyValue), SERVICE_NAME_KEY)) {
        serviceKeyValueOff = kv;
        serviceValueCase = AnyValueWriter.valueCaseAt(b, OtlpWire.valueAt(keyValue));
      }
    }
  }

  /** Whether the string whose length is at {@code b[k]} ({@link OtlpWire#ABSENT}: "") is key. */
  private static boolean isKey(byte[] b, int k, byte[] key) {
    if (k == OtlpWire.ABSENT) {
      return key.length == 0;
    }
    int off = Varint.end(b, k);
    return Varint.value(b, k) == key.length
        && Arrays.equals(b, off, off + key.length, key, 0, key.length);
  }

  private void mapScopeLogs(byte[] b, int start, int end, RecordSink sink) {
    scopeOff = 0;
    scopeEnd = 0;
    int p = start;
    while (p < end) {
      int tag = OtlpWire.tag(b, p);
      p = Varint.end(b, p);
      if (tag == SCOPE_LOGS_SCOPE) {
        scopeOff = Varint.end(b, p);
        scopeEnd = scopeOff + (int) Varint.value(b, p);
      }
      p = OtlpWire.skip(b, p, tag);
    }
    scopeNameLen = scopeVersionLen = 0;
    scopeHasAttributes = false;
    p = scopeOff;
    while (p < scopeEnd) {
      int tag = OtlpWire.tag(b, p);
      p = Varint.end(b, p);
      if (tag == SCOPE_NAME) {
        scopeNameLen = (int) Varint.value(b, p);
        scopeNameOff = Varint.end(b, p);
      } else if (tag == SCOPE_VERSION) {
        scopeVersionLen = (int) Varint.value(b, p);
        scopeVersionOff = Varint.end(b, p);
      } else if (tag == SCOPE_ATTRIBUTES) {
        scopeHasAttributes = true;
      }
      p = OtlpWire.skip(b, p, tag);
    }
    p = start;
    while (p < end) {
      int tag = OtlpWire.tag(b, p);
      p = Varint.end(b, p);
      if (tag == SCOPE_LOGS_LOG_RECORDS) {
        int from = Varint.end(b, p);
        p = from + (int) Varint.value(b, p);
        sink.accept(mapRecord(b, from, p), into);
      } else {
        p = OtlpWire.skip(b, p, tag);
      }
    }
  }

  private ParseResult mapRecord(byte[] b, int start, int end) {
    LogEntry e = into;
    e.reset();
    long time = 0;
    long observedTime = 0;
    int severity = 0;
    int severityTextOff = 0;
    int severityTextLen = 0;
    int bodyLength = OtlpWire.ABSENT;
    int traceOff = 0;
    int traceLen = 0;
    int spanOff = 0;
    int spanLen = 0;
    boolean traceNotHex = false;
    boolean spanNotHex = false;
    int p = start;
    while (p < end) {
      int tag = OtlpWire.tag(b, p);
      p = Varint.end(b, p);
      switch (tag) {
        case RECORD_TIME -> time = LittleEndian.getLong(b, p);
        case RECORD_OBSERVED_TIME -> observedTime = LittleEndian.getLong(b, p);
        case RECORD_SEVERITY_NUMBER -> severity = (int) Varint.value(b, p);
        case RECORD_SEVERITY_TEXT -> {
          severityTextLen = (int) Varint.value(b, p);
          severityTextOff = Varint.end(b, p);
        }
        case RECORD_BODY -> bodyLength = p;
        case RECORD_TRACE_ID -> {
          traceLen = (int) Varint.value(b, p);
          traceOff = Varint.end(b, p);
        }
        case RECORD_SPAN_ID -> {
          spanLen = (int) Varint.value(b, p);
          spanOff = Varint.end(b, p);
        }
        default -> {
          // a separate test, not a case: its large tag would turn the switch into a lookup
          if (tag == RECORD_ID_NOT_HEX) {
            if (Varint.value(b, p) == RECORD_SPAN_ID >>> 3) {
              spanNotHex = true;
            } else {
              traceNotHex = true;
            }
          }
        }
      }
      p = OtlpWire.skip(b, p, tag);
    }

    long ts = time != 0 ? time : observedTime;
    e.setTimestampNanos(ts != 0 ? ts : receiveTimeNanos);

    if (severity == 0) {
      e.setLevel(levelOfText(b, severityTextOff, severityTextLen));
    } else {
      Level level = Level.ofSeverityNumber(severity);
      if (level == null) {
        return new Rejected(
            ErrorType.INVALID_VALUE,
            "/level",
            "severity_number " + severity + " (expected: 0..24)");
      }
      e.setLevel(level);
    }

    if (serviceValueCase == OtlpWire.ABSENT) {
      e.setServiceName(
          e.appendBytes(UNKNOWN_SERVICE_BYTES, 0, UNKNOWN_SERVICE_BYTES.length),
          UNKNOWN_SERVICE_BYTES.length);
    } else {
      int serviceStart = e.arenaSize();
      if (!values.appendValue(b, serviceValueCase, 0)) {
        return depthOverflow("/service_name");
      }
      e.setServiceName(serviceStart, e.arenaSize() - serviceStart);
    }

    int messageStart = e.arenaSize();
    if (!values.appendValue(b, AnyValueWriter.valueCaseAt(b, bodyLength), 0)) {
      return depthOverflow("/message");
    }
    e.setMessage(messageStart, e.arenaSize() - messageStart);

    if (traceNotHex || spanNotHex) {
      String name = traceNotHex ? "trace_id" : "span_id";
      return new Rejected(
          ErrorType.INVALID_VALUE,
          "/" + name,
          name + " is not hex (expected: " + (traceNotHex ? 32 : 16) + " hex digits)");
    }
    Rejected idError = mapId(b, traceOff, traceLen, 16, e.traceIdHex(), "trace_id");
    if (idError != null) {
      return idError;
    }
    e.setHasTraceId(traceLen == 16 && !Hex.isZeroId(b, traceOff, traceLen));
    idError = mapId(b, spanOff, spanLen, 8, e.spanIdHex(), "span_id");
    if (idError != null) {
      return idError;
    }
    e.setHasSpanId(spanLen == 8 && !Hex.isZeroId(b, spanOff, spanLen));

    Rejected attributeError = addAttributes(b, start, end, RECORD_ATTRIBUTES, null, -1);
    if (attributeError == null) {
      attributeError =
          addAttributes(
              b,
              resourceOff,
              resourceEnd,
              RESOURCE_ATTRIBUTES,
              RESOURCE_PREFIX,
              serviceKeyValueOff);
    }
    if (attributeError != null) {
      return attributeError;
    }
    addScopeAttribute(b, SCOPE_NAME_KEY, scopeNameOff, scopeNameLen);
    addScopeAttribute(b, SCOPE_VERSION_KEY, scopeVersionOff, scopeVersionLen);
    if (scopeHasAttributes) {
      attributeError = addAttributes(b, scopeOff, scopeEnd, SCOPE_ATTRIBUTES, SCOPE_PREFIX, -1);
      if (attributeError != null) {
        return attributeError;
      }
    }

    Rejected duplicate = findDuplicateKey(e);
    if (duplicate != null) {
      return duplicate;
    }
    // every string of the entry was checked as UTF-8 on the wire (or is ASCII made here)
    return validator.validate(e, nowMillis, false);
  }

  /**
   * The level of an OTLP {@code severity_text} when the number is 0: the level names of
   * docs/record-schema.md in any case (compared as {@link String#equalsIgnoreCase} does when the
   * text is not ASCII), else INFO.
   */
  static Level levelOfText(byte[] b, int off, int len) {
    Level level = Level.ofName(b, off, len);
    if (level == null) {
      for (int i = off; i < off + len; i++) {
        if (b[i] < 0) {
          // seven UTF-16 chars take at most 21 UTF-8 bytes, longer text is INFO anyway
          level =
              len <= 21
                  ? Level.ofNameIgnoringCase(new String(b, off, len, StandardCharsets.UTF_8))
                  : null;
          break;
        }
      }
    }
    return level == null ? Level.INFO : level;
  }

  private static Rejected mapId(
      byte[] b, int off, int size, int expected, byte[] hexOut, String name) {
    if (size == 0) {
      return null;
    }
    if (size != expected) {
      return new Rejected(
          ErrorType.INVALID_VALUE,
          "/" + name,
          name + " has " + size + " bytes (expected: " + expected + ")");
    }
    Hex.encode(b, off, size, hexOut, 0);
    return null;
  }

  /**
   * Adds the {@code KeyValue}s with {@code tag} in message {@code [start, end)}, keys prefixed with
   * {@code prefix} when not null, leaving out the one at {@code skipOff} and those without a value.
   */
  private Rejected addAttributes(
      byte[] b, int start, int end, int tag, byte[] prefix, int skipOff) {
    LogEntry e = into;
    int p = start;
    while (p < end) {
      int t = OtlpWire.tag(b, p);
      p = Varint.end(b, p);
      if (t != tag) {
        p = OtlpWire.skip(b, p, t);
        continue;
      }
      int kv = Varint.end(b, p);
      p = kv + (int) Varint.value(b, p);
      if (kv == skipOff) {
        continue;
      }
      long keyValue = OtlpWire.keyValue(b, kv, p);
      int value = AnyValueWriter.valueCaseAt(b, OtlpWire.valueAt(keyValue));
      if (value == OtlpWire.ABSENT) {
        continue;
      }
      int keyStart = e.arenaSize();
      if (prefix != null) {
        e.appendBytes(prefix, 0, prefix.length);
      }
      int k = OtlpWire.keyAt(keyValue);
      if (k != OtlpWire.ABSENT) {
        e.appendBytes(b, Varint.end(b, k), (int) Varint.value(b, k));
      }
      int keyLength = e.arenaSize() - keyStart;
      int valueStart = e.arenaSize();
      if (!values.appendValue(b, value, 0)) {
        return depthOverflow("/attributes/" + clip(e.arena(), keyStart, keyLength));
      }
      e.addAttribute(keyStart, keyLength, valueStart, e.arenaSize() - valueStart);
    }
    return null;
  }

  private void addScopeAttribute(byte[] b, byte[] key, int off, int len) {
    if (len == 0) {
      return;
    }
    LogEntry e = into;
    int k = e.appendBytes(key, 0, key.length);
    int v = e.appendBytes(b, off, len);
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
          return new Rejected(
              ErrorType.DUPLICATE_FIELD,
              "/attributes/" + clip(a, io, il),
              "attribute key appears twice");
        }
      }
    }
    return null;
  }

  private Rejected depthOverflow(String field) {
    return new Rejected(
        ErrorType.FIELD_OVERFLOW, field, "value nested deeper than " + maxDepth + " levels");
  }

  private static String clip(byte[] bytes, int offset, int length) {
    // never echo more than 64 payload bytes (docs/dead-letters.md#headers); a cut UTF-8 sequence
    // decodes as U+FFFD
    return new String(bytes, offset, Math.min(length, MAX_PAYLOAD_ECHO), StandardCharsets.UTF_8);
  }
}
