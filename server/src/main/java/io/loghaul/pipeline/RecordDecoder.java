package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import io.loghaul.record.RecordContract;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryParser;
import io.loghaul.schema.LogEntryProtoCodec;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns one Kafka record value into a checked {@link LogEntry}, by the {@link RecordContract}: JSON
 * LogEntry (no content-type header, or {@code application/json}) or the protobuf {@code
 * loghaul.v1.LogEntry} written by OTLP ingest ({@code content-type: application/x-protobuf}).
 * Anything else is rejected. Reads the value's bytes in place; allocates nothing for accepted
 * records. Not thread-safe.
 */
public final class RecordDecoder {
  private static final byte[] PROTOBUF = RecordContract.PROTOBUF.getBytes(US_ASCII);
  private static final byte[] JSON = RecordContract.JSON.getBytes(US_ASCII);
  private static final Rejected NULL_VALUE =
      new Rejected(
          ErrorType.JSON_SYNTAX, "", "json_syntax: the record has no value (null or tombstone)");

  private final LogEntryParser json;
  private final LogEntryProtoCodec protobuf;

  public RecordDecoder(SchemaLimits limits) {
    requireNonNull(limits, "limits");
    this.json = new LogEntryParser(limits);
    this.protobuf = new LogEntryProtoCodec(limits);
  }

  /** Checks {@code value} and fills {@code into}; returns Accepted or the typed rejection. */
  public ParseResult decode(byte[] value, Headers headers, long nowMillis, LogEntry into) {
    return decode(value, 0, value == null ? 0 : value.length, headers, nowMillis, into);
  }

  /**
   * Checks the value {@code value[offset, offset + length)} (a null array: the record has no value)
   * and fills {@code into}; reads nothing outside that range. Returns Accepted or the typed
   * rejection.
   */
  public ParseResult decode(
      byte[] value, int offset, int length, Headers headers, long nowMillis, LogEntry into) {
    if (value == null) {
      return NULL_VALUE;
    }
    Header contentType = headers.lastHeader(RecordContract.CONTENT_TYPE);
    if (contentType == null || startsWith(contentType.value(), JSON)) {
      return json.parse(value, offset, length, nowMillis, into);
    }
    if (startsWith(contentType.value(), PROTOBUF)) {
      return protobuf.decode(value, offset, length, nowMillis, into);
    }
    return new Rejected(
        ErrorType.TYPE_MISMATCH,
        "",
        "type_mismatch: unsupported content-type header (expected: application/json or application/x-protobuf)");
  }

  private static boolean startsWith(byte[] value, byte[] prefix) {
    if (value == null || value.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (value[i] != prefix[i]) {
        return false;
      }
    }
    // allow parameters such as "; charset=utf-8"
    return value.length == prefix.length
        || value[prefix.length] == ';'
        || value[prefix.length] == ' ';
  }
}
