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
  private static final int STRING_FIELD = -2;
  private static final int OTHER_FIELD = -1;

  private byte[] buf;
  private int pos;
  private int depth;
  private boolean needsCanonical;

  /**
   * Checks the request {@code bytes[start, end)}; returns true when it repeats a field
   * protobuf-java merges (then only protobuf-java's canonical serialization of it is decoded).
   *
   * @throws InvalidProtocolBufferException what protobuf-java would throw parsing it
   */
  boolean check(byte[] bytes, int start, int end) throws InvalidProtocolBufferException {
    buf = bytes;
    pos = start;
    depth = 0;
    needsCanonical = false;
    try {
      checkMessage(REQUEST, end);
    } finally {
      buf = null;
    }
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
        if (!Utf8.isValid(buf, pos, end)) {
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
      case RESOURCE_LOGS ->
          switch (tag) {
            case RESOURCE_LOGS_RESOURCE -> RESOURCE;
            case RESOURCE_LOGS_SCOPE_LOGS -> SCOPE_LOGS;
            case RESOURCE_LOGS_SCHEMA_URL -> STRING_FIELD;
            default -> OTHER_FIELD;
          };
      case RESOURCE -> tag == RESOURCE_ATTRIBUTES ? KEY_VALUE : OTHER_FIELD;
      case SCOPE_LOGS ->
          switch (tag) {
            case SCOPE_LOGS_SCOPE -> SCOPE;
            case SCOPE_LOGS_LOG_RECORDS -> LOG_RECORD;
            case SCOPE_LOGS_SCHEMA_URL -> STRING_FIELD;
            default -> OTHER_FIELD;
          };
      case SCOPE ->
          switch (tag) {
            case SCOPE_NAME, SCOPE_VERSION -> STRING_FIELD;
            case SCOPE_ATTRIBUTES -> KEY_VALUE;
            default -> OTHER_FIELD;
          };
      case LOG_RECORD ->
          switch (tag) {
            case RECORD_SEVERITY_TEXT -> STRING_FIELD;
            case RECORD_BODY -> ANY_VALUE;
            case RECORD_ATTRIBUTES -> KEY_VALUE;
            default -> OTHER_FIELD;
          };
      case KEY_VALUE ->
          switch (tag) {
            case KEY_VALUE_KEY -> STRING_FIELD;
            case KEY_VALUE_VALUE -> ANY_VALUE;
            default -> OTHER_FIELD;
          };
      case ANY_VALUE ->
          switch (tag) {
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
      case ANY_VALUE ->
          switch (tag) {
            case ANY_STRING, ANY_BOOL, ANY_INT, ANY_DOUBLE, ANY_ARRAY, ANY_KVLIST, ANY_BYTES ->
                true;
            default -> false;
          };
      default -> false;
    };
  }

  /**
   * Skips a field that is not a message or string, as protobuf-java's unknown-field parser does.
   */
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
      // outside its group (which ends above) an end-group tag stops the message where it cannot
      // stop
      case END_GROUP -> throw endGroupMismatch();
      case I32 -> pos = end(4, limit);
      default ->
          throw new InvalidProtocolBufferException.InvalidWireTypeException(
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
    int next = Varint.checkedEnd(buf, pos, limit);
    if (next == Varint.TRUNCATED) {
      throw truncated();
    }
    if (next == Varint.TOO_LONG) {
      throw new InvalidProtocolBufferException("CodedInputStream encountered a malformed varint.");
    }
    long v = Varint.value(buf, pos);
    pos = next;
    return v;
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
