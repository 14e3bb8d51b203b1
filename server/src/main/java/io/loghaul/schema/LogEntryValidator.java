package io.loghaul.schema;

import static java.util.Objects.requireNonNull;

import io.loghaul.bytes.Hex;
import io.loghaul.bytes.Utf8;

/**
 * Applies the content rules of docs/record-schema.md#fields to a {@link LogEntry} that was built
 * some other way than by {@link LogEntryParser}: the OTLP ingest mapping and the protobuf Kafka
 * format. Types cannot be wrong there, so it checks content: the timestamp window, service name
 * length, a level being set, message length, hex ids, the attribute count, key and value sizes,
 * duplicate keys, and that every string is valid UTF-8.
 *
 * <p>Fields are checked in schema order (timestamp, service_name, level, message, trace_id,
 * span_id, attributes in entry order) and the first defect wins, with the same field paths as the
 * parser. Not thread-safe (it keeps a scratch array); use one per thread. Allocates only when
 * rejecting.
 */
public final class LogEntryValidator {
  private final int maxServiceNameBytes;
  private final int maxMessageBytes;
  private final int maxAttributes;
  private final int maxAttributeKeyBytes;
  private final int maxAttributeValueBytes;
  private final long maxAgeMillis;
  private final long maxFutureMillis;

  private final AttributeKeys keys = new AttributeKeys();

  /** A validator for these limits. */
  public LogEntryValidator(SchemaLimits limits) {
    requireNonNull(limits, "limits");
    this.maxServiceNameBytes = limits.maxServiceNameBytes();
    this.maxMessageBytes = limits.maxMessageBytes();
    this.maxAttributes = limits.maxAttributes();
    this.maxAttributeKeyBytes = limits.maxAttributeKeyBytes();
    this.maxAttributeValueBytes = limits.maxAttributeValueBytes();
    this.maxAgeMillis = TimestampWindow.saturatedMultiply(limits.maxAgeSeconds(), 1000);
    this.maxFutureMillis = TimestampWindow.saturatedMultiply(limits.maxFutureSeconds(), 1000);
  }

  /**
   * Checks {@code entry} against the schema.
   *
   * @param nowMillis the current time, epoch milliseconds; the timestamp window is relative to it
   * @return {@link Accepted#INSTANCE} or the first defect
   */
  public ParseResult validate(LogEntry entry, long nowMillis) {
    requireNonNull(entry, "entry");
    return validate(entry, nowMillis, true);
  }

  /**
   * Like {@link #validate(LogEntry, long)}; {@code checkUtf8 == false} skips the UTF-8 checks, for
   * callers that have already checked every string of the entry (the protobuf decoders do while
   * reading the wire).
   */
  public ParseResult validate(LogEntry entry, long nowMillis, boolean checkUtf8) {
    long lowMillis = TimestampWindow.saturatedAdd(nowMillis, -maxAgeMillis);
    long highMillis = TimestampWindow.saturatedAdd(nowMillis, maxFutureMillis);
    long nanos = entry.timestampNanos();
    if (nanos < TimestampWindow.saturatedMultiply(lowMillis, 1_000_000L)
        || nanos > TimestampWindow.saturatedMultiply(highMillis, 1_000_000L)) {
      long millis = Math.floorDiv(nanos, 1_000_000L);
      String where =
          millis < lowMillis
              ? TimestampWindow.duration(lowMillis - millis) + " before"
              : TimestampWindow.duration(millis - highMillis) + " after";
      return new Rejected(
          ErrorType.TIMESTAMP_OUT_OF_RANGE,
          "/timestamp",
          "timestamp " + nanos + " ns is " + where + " the accepted window");
    }
    byte[] a = entry.arena();
    int off = entry.serviceNameOffset();
    int len = entry.serviceNameLength();
    if (len == 0) {
      return new Rejected(ErrorType.INVALID_VALUE, "/service_name", "service_name is empty");
    }
    if (len > maxServiceNameBytes) {
      return new Rejected(
          ErrorType.FIELD_OVERFLOW,
          "/service_name",
          "service_name is " + len + " bytes (limit: " + maxServiceNameBytes + ")");
    }
    if (checkUtf8) {
      Rejected bad = utf8(a, off, len, "/service_name", "service_name");
      if (bad != null) {
        return bad;
      }
    }
    if (entry.level() == null) {
      return new Rejected(ErrorType.MISSING_FIELD, "/level", "required field level is missing");
    }
    len = entry.messageLength();
    if (len > maxMessageBytes) {
      return new Rejected(
          ErrorType.FIELD_OVERFLOW,
          "/message",
          "message is " + len + " bytes (limit: " + maxMessageBytes + ")");
    }
    if (checkUtf8) {
      Rejected bad = utf8(a, entry.messageOffset(), len, "/message", "message");
      if (bad != null) {
        return bad;
      }
    }
    if (entry.hasTraceId() && !Hex.isLowerCaseId(entry.traceIdHex(), 0, 32)) {
      return new Rejected(
          ErrorType.INVALID_VALUE,
          "/trace_id",
          "trace_id is not 32 lower-case hex digits, or is all zeros");
    }
    if (entry.hasSpanId() && !Hex.isLowerCaseId(entry.spanIdHex(), 0, 16)) {
      return new Rejected(
          ErrorType.INVALID_VALUE,
          "/span_id",
          "span_id is not 16 lower-case hex digits, or is all zeros");
    }
    return attributes(entry, checkUtf8);
  }

  private ParseResult attributes(LogEntry entry, boolean checkUtf8) {
    int n = entry.attributeCount();
    if (n > maxAttributes) {
      return new Rejected(
          ErrorType.FIELD_OVERFLOW,
          "/attributes",
          "attributes has more than " + maxAttributes + " keys");
    }
    byte[] a = entry.arena();
    for (int i = 0; i < n; i++) {
      int ko = entry.attributeKeyOffset(i);
      int kl = entry.attributeKeyLength(i);
      if (kl == 0) {
        return new Rejected(ErrorType.INVALID_VALUE, "/attributes/", "attribute key is empty");
      }
      if (kl > maxAttributeKeyBytes) {
        return new Rejected(
            ErrorType.FIELD_OVERFLOW,
            Echo.attributePath(a, ko, kl),
            "attribute key is " + kl + " bytes (limit: " + maxAttributeKeyBytes + ")");
      }
      if (checkUtf8 && Utf8.firstInvalid(a, ko, ko + kl) >= 0) {
        return new Rejected(
            ErrorType.INVALID_UTF8, "/attributes/", "attribute key is not valid UTF-8");
      }
      int h = AttributeKeys.hash(a, ko, kl);
      if (keys.containsAmongFirst(i, entry, ko, kl, h)) {
        return new Rejected(
            ErrorType.DUPLICATE_FIELD,
            Echo.attributePath(a, ko, kl),
            "attribute key appears more than once");
      }
      keys.set(i, h);
      int vl = entry.attributeValueLength(i);
      if (vl > maxAttributeValueBytes) {
        return new Rejected(
            ErrorType.FIELD_OVERFLOW,
            Echo.attributePath(a, ko, kl),
            "attribute value is longer than " + maxAttributeValueBytes + " bytes");
      }
      if (checkUtf8) {
        int vo = entry.attributeValueOffset(i);
        int at = Utf8.firstInvalid(a, vo, vo + vl);
        if (at >= 0) {
          // the path is built only here: building it for every attribute cost ~300 B per record
          return new Rejected(
              ErrorType.INVALID_UTF8,
              Echo.attributePath(a, ko, kl),
              "attribute value has invalid UTF-8 at byte " + (at - vo));
        }
      }
    }
    return Accepted.INSTANCE;
  }

  private static Rejected utf8(byte[] a, int off, int len, String path, String what) {
    int at = Utf8.firstInvalid(a, off, off + len);
    if (at < 0) {
      return null;
    }
    return new Rejected(
        ErrorType.INVALID_UTF8, path, what + " has invalid UTF-8 at byte " + (at - off));
  }
}
