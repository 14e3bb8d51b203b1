package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpFields.ANY_ARRAY;
import static io.loghaul.ingest.OtlpFields.ANY_BOOL;
import static io.loghaul.ingest.OtlpFields.ANY_BYTES;
import static io.loghaul.ingest.OtlpFields.ANY_DOUBLE;
import static io.loghaul.ingest.OtlpFields.ANY_INT;
import static io.loghaul.ingest.OtlpFields.ANY_KVLIST;
import static io.loghaul.ingest.OtlpFields.ANY_STRING;
import static io.loghaul.ingest.OtlpFields.END_GROUP;
import static io.loghaul.ingest.OtlpFields.I32;
import static io.loghaul.ingest.OtlpFields.I64;
import static io.loghaul.ingest.OtlpFields.KEY_VALUE_KEY;
import static io.loghaul.ingest.OtlpFields.KEY_VALUE_VALUE;
import static io.loghaul.ingest.OtlpFields.LEN;
import static io.loghaul.ingest.OtlpFields.LIST_VALUES;
import static io.loghaul.ingest.OtlpFields.RECORD_ATTRIBUTES;
import static io.loghaul.ingest.OtlpFields.RECORD_BODY;
import static io.loghaul.ingest.OtlpFields.RECORD_SEVERITY_TEXT;
import static io.loghaul.ingest.OtlpFields.REQUEST_RESOURCE_LOGS;
import static io.loghaul.ingest.OtlpFields.RESOURCE_ATTRIBUTES;
import static io.loghaul.ingest.OtlpFields.RESOURCE_LOGS_RESOURCE;
import static io.loghaul.ingest.OtlpFields.RESOURCE_LOGS_SCHEMA_URL;
import static io.loghaul.ingest.OtlpFields.RESOURCE_LOGS_SCOPE_LOGS;
import static io.loghaul.ingest.OtlpFields.SCOPE_ATTRIBUTES;
import static io.loghaul.ingest.OtlpFields.SCOPE_LOGS_LOG_RECORDS;
import static io.loghaul.ingest.OtlpFields.SCOPE_LOGS_SCHEMA_URL;
import static io.loghaul.ingest.OtlpFields.SCOPE_LOGS_SCOPE;
import static io.loghaul.ingest.OtlpFields.SCOPE_NAME;
import static io.loghaul.ingest.OtlpFields.SCOPE_VERSION;
import static io.loghaul.ingest.OtlpFields.START_GROUP;
import static io.loghaul.ingest.OtlpFields.VARINT;

import com.google.protobuf.InvalidProtocolBufferException;
import io.loghaul.bytes.Utf8;
import io.loghaul.bytes.Varint;
import java.util.Arrays;

/**
 * The first pass of {@link OtlpLogDecoder}: checks a whole serialized {@code
 * ExportLogsServiceRequest} the way protobuf-java's generated parser would, without building
 * anything. It rejects what protobuf-java rejects (a truncated field, a varint longer than 10
 * bytes, a length past its message, a zero field number, wire type 6 or 7, an unmatched end-group
 * tag, nesting deeper than {@value #RECURSION_LIMIT} levels, invalid UTF-8 in a proto3 {@code
 * string} field) with the exception and message protobuf-java throws, and notices a singular
 * message field given twice (which protobuf-java merges). Not thread-safe; one per decoder.
 */
final class OtlpWireCheck {
  /** protobuf-java's default recursion limit (CodedInputStream.DEFAULT_RECURSION_LIMIT). */
  static final int RECURSION_LIMIT = 100;

  // message types
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
  private static final int MESSAGE_TYPES = 10;
  private static final int STRING_FIELD = -2;
  private static final int OTHER_FIELD = -1;

  /**
   * Tags below this (fields 1 to 15, every OTLP field this check knows) are looked up in tables.
   */
  private static final int TABLE_TAGS = 128;

  /** {@code KINDS[message * TABLE_TAGS + tag]}: what field {@code tag} of {@code message} is. */
  private static final byte[] KINDS = new byte[MESSAGE_TYPES * TABLE_TAGS];

  /**
   * {@code MERGED[message * TABLE_TAGS + tag]}: whether protobuf-java merges rather than replaces
   * field {@code tag} of {@code message} when it comes twice: singular message fields, and the
   * cases of {@code AnyValue}'s oneof (a second case after the first can still merge with a builder
   * the first one left behind).
   */
  private static final boolean[] MERGED = new boolean[MESSAGE_TYPES * TABLE_TAGS];

  static {
    Arrays.fill(KINDS, (byte) OTHER_FIELD);
    field(REQUEST, REQUEST_RESOURCE_LOGS, RESOURCE_LOGS);
    field(RESOURCE_LOGS, RESOURCE_LOGS_RESOURCE, RESOURCE);
    field(RESOURCE_LOGS, RESOURCE_LOGS_SCOPE_LOGS, SCOPE_LOGS);
    field(RESOURCE_LOGS, RESOURCE_LOGS_SCHEMA_URL, STRING_FIELD);
    field(RESOURCE, RESOURCE_ATTRIBUTES, KEY_VALUE);
    field(SCOPE_LOGS, SCOPE_LOGS_SCOPE, SCOPE);
    field(SCOPE_LOGS, SCOPE_LOGS_LOG_RECORDS, LOG_RECORD);
    field(SCOPE_LOGS, SCOPE_LOGS_SCHEMA_URL, STRING_FIELD);
    field(SCOPE, SCOPE_NAME, STRING_FIELD);
    field(SCOPE, SCOPE_VERSION, STRING_FIELD);
    field(SCOPE, SCOPE_ATTRIBUTES, KEY_VALUE);
    field(LOG_RECORD, RECORD_SEVERITY_TEXT, STRING_FIELD);
    field(LOG_RECORD, RECORD_BODY, ANY_VALUE);
    field(LOG_RECORD, RECORD_ATTRIBUTES, KEY_VALUE);
    field(KEY_VALUE, KEY_VALUE_KEY, STRING_FIELD);
    field(KEY_VALUE, KEY_VALUE_VALUE, ANY_VALUE);
    field(ANY_VALUE, ANY_STRING, STRING_FIELD);
    field(ANY_VALUE, ANY_ARRAY, ARRAY_VALUE);
    field(ANY_VALUE, ANY_KVLIST, KEY_VALUE_LIST);
    field(ARRAY_VALUE, LIST_VALUES, ANY_VALUE);
    field(KEY_VALUE_LIST, LIST_VALUES, KEY_VALUE);

    merged(RESOURCE_LOGS, RESOURCE_LOGS_RESOURCE);
    merged(SCOPE_LOGS, SCOPE_LOGS_SCOPE);
    merged(LOG_RECORD, RECORD_BODY);
    merged(KEY_VALUE, KEY_VALUE_VALUE);
    for (int tag :
        new int[] {ANY_STRING, ANY_BOOL, ANY_INT, ANY_DOUBLE, ANY_ARRAY, ANY_KVLIST, ANY_BYTES}) {
      merged(ANY_VALUE, tag);
    }
  }

  private static void field(int message, int tag, int kind) {
    KINDS[message * TABLE_TAGS + tag] = (byte) kind;
  }

  private static void merged(int message, int tag) {
    MERGED[message * TABLE_TAGS + tag] = true;
  }

  private byte[] buf;
  private boolean needsCanonical;

  /**
   * Checks the request {@code bytes[start, end)}; returns true when it repeats a field
   * protobuf-java merges (then only protobuf-java's canonical serialization of it is decoded).
   *
   * @throws InvalidProtocolBufferException what protobuf-java would throw parsing it
   */
  boolean check(byte[] bytes, int start, int end) throws InvalidProtocolBufferException {
    buf = bytes;
    needsCanonical = false;
    try {
      checkMessage(REQUEST, start, end, 0);
    } finally {
      buf = null;
    }
    return needsCanonical;
  }

  /** Checks the fields of {@code message} in {@code [p, limit)}, nested {@code depth} deep. */
  private void checkMessage(int message, int p, int limit, int depth)
      throws InvalidProtocolBufferException {
    byte[] b = buf;
    int merged = 0;
    while (p < limit) {
      int tag = readTag(b, p, limit);
      p = Varint.end(b, p);
      int kind = OTHER_FIELD;
      if (tag >= 0 && tag < TABLE_TAGS) { // a tag can be negative: field numbers go up to 2^29 - 1
        int field = message * TABLE_TAGS + tag;
        kind = KINDS[field];
        if (MERGED[field] && ++merged > 1) {
          needsCanonical = true;
        }
      }
      if (kind == OTHER_FIELD) {
        p = checkSkip(b, p, tag, limit, depth);
        continue;
      }
      int length = (int) readVarint(b, p, limit);
      p = Varint.end(b, p);
      // CodedInputStream.readMessage: depth first, then the length
      if (kind != STRING_FIELD && depth >= RECURSION_LIMIT) {
        throw recursionLimitExceeded();
      }
      int end = end(p, length, limit);
      if (kind != STRING_FIELD) {
        checkMessage(kind, p, end, depth + 1);
      } else if (!Utf8.isValid(b, p, end)) {
        throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
      }
      p = end;
    }
  }

  /**
   * Skips a field that is not a message or string, as protobuf-java's unknown-field parser does;
   * returns the position after it.
   */
  private static int checkSkip(byte[] b, int p, int tag, int limit, int depth)
      throws InvalidProtocolBufferException {
    switch (tag & 7) {
      case VARINT -> {
        readVarint(b, p, limit);
        return Varint.end(b, p);
      }
      case I64 -> {
        return end(p, 8, limit);
      }
      case LEN -> {
        int length = (int) readVarint(b, p, limit);
        p = Varint.end(b, p);
        return end(p, length, limit);
      }
      case START_GROUP -> {
        if (depth >= RECURSION_LIMIT) {
          throw recursionLimitExceeded();
        }
        int endTag = tag & ~7 | END_GROUP;
        while (true) {
          if (p >= limit) {
            throw endGroupMismatch();
          }
          int inner = readTag(b, p, limit);
          p = Varint.end(b, p);
          if (inner == endTag) {
            return p;
          }
          p = checkSkip(b, p, inner, limit, depth + 1);
        }
      }
      // outside its group (which ends above) an end-group tag stops the message where it cannot
      // stop
      case END_GROUP -> throw endGroupMismatch();
      case I32 -> {
        return end(p, 4, limit);
      }
      default ->
          throw new InvalidProtocolBufferException.InvalidWireTypeException(
              "Protocol message tag had invalid wire type.");
    }
  }

  /**
   * The tag at {@code b[p]}, which must end before {@code limit}; {@link Varint#end} is after it.
   */
  private static int readTag(byte[] b, int p, int limit) throws InvalidProtocolBufferException {
    int tag = (int) readVarint(b, p, limit);
    if (tag >>> 3 == 0) {
      throw new InvalidProtocolBufferException("Protocol message contained an invalid tag (zero).");
    }
    return tag;
  }

  /**
   * The varint at {@code b[p]}, which must end before {@code limit} and have at most 10 bytes
   * ({@link Varint#end} is after it); bits past 64 are dropped (CodedInputStream.readRawVarint64).
   */
  private static long readVarint(byte[] b, int p, int limit) throws InvalidProtocolBufferException {
    if (p < limit && b[p] >= 0) {
      return b[p]; // one byte: tags and short lengths
    }
    int next = Varint.checkedEnd(b, p, limit);
    if (next == Varint.TRUNCATED) {
      throw truncated();
    }
    if (next == Varint.TOO_LONG) {
      throw new InvalidProtocolBufferException("CodedInputStream encountered a malformed varint.");
    }
    return Varint.value(b, p);
  }

  /** The end of {@code length} bytes from {@code pos}, which must lie within {@code limit}. */
  private static int end(int pos, int length, int limit) throws InvalidProtocolBufferException {
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
    return new InvalidProtocolBufferException(
        "While parsing a protocol message, the input ended unexpectedly "
            + "in the middle of a field.  This could mean either that the input has been truncated or that an "
            + "embedded message misreported its own length.");
  }

  private static InvalidProtocolBufferException recursionLimitExceeded() {
    return new InvalidProtocolBufferException(
        "Protocol message had too many levels of nesting.  May be "
            + "malicious.  Use setRecursionLimit() to increase the recursion depth limit.");
  }

  private static InvalidProtocolBufferException endGroupMismatch() {
    return new InvalidProtocolBufferException(
        "Protocol message end-group tag did not match expected tag.");
  }
}
