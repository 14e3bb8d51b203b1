package io.loghaul.schema;

import static java.util.Objects.requireNonNull;

import io.loghaul.bytes.Hex;
import io.loghaul.bytes.LittleEndian;
import io.loghaul.bytes.Utf8;
import io.loghaul.bytes.Varint;

/**
 * The protobuf wire format of {@code loghaul.v1.LogEntry} (proto/…/log_entry.proto), written from
 * and read into a {@link LogEntry} directly: no generated message objects, no allocation per
 * accepted record. OTLP ingest encodes with it; the pipeline decodes Kafka records whose {@code
 * content-type} header is {@code application/x-protobuf}.
 *
 * <p>Encoding writes fields in number order and omits proto3 defaults (zero timestamp, empty
 * strings, absent ids), so its output is byte-for-byte what the generated code writes.
 *
 * <p>Decoding checks, in the order of docs/record-schema.md#precedence: size ({@code
 * record_too_large}), then UTF-8 of the string fields ({@code invalid_utf8}, reported only when the
 * bytes before the defect are well formed), then wire structure, then fields in wire order, then
 * {@link LogEntryValidator}. Bytes that are not a well-formed protobuf message (truncated, a
 * malformed varint, a length past the end, a group or unknown wire type, or a known field with the
 * wrong wire type) are {@code type_mismatch}: the value is not a {@code loghaul.v1.LogEntry}, just
 * as a JSON array is not a JSON LogEntry. {@code json_syntax} is kept for JSON text. Unknown field
 * numbers are skipped, as protobuf requires for forward compatibility. A non-repeated field given
 * twice is {@code duplicate_field} (the generated encoders never do that, so it means a hand-rolled
 * producer), a level outside 1..6 or an id of the wrong length or all zeros is {@code
 * invalid_value}, an absent timestamp or level is {@code missing_field}.
 *
 * <p>Instances are immutable and thread-safe if the {@link LogEntryValidator} is; the static
 * encoders are thread-safe.
 */
public final class LogEntryProtoCodec {
  private static final int TAG_TIMESTAMP = 1 << 3 | 1; // fixed64
  private static final int TAG_SERVICE_NAME = 2 << 3 | 2;
  private static final int TAG_LEVEL = 3 << 3; // varint
  private static final int TAG_MESSAGE = 4 << 3 | 2;
  private static final int TAG_TRACE_ID = 5 << 3 | 2;
  private static final int TAG_SPAN_ID = 6 << 3 | 2;
  private static final int TAG_ATTRIBUTE = 7 << 3 | 2;
  private static final int TAG_ATTRIBUTE_KEY = 1 << 3 | 2;
  private static final int TAG_ATTRIBUTE_VALUE = 2 << 3 | 2;

  private static final int WIRE_VARINT = 0;
  private static final int WIRE_FIXED64 = 1;
  private static final int WIRE_LEN = 2;
  private static final int WIRE_FIXED32 = 5;

  private static final Rejected NOT_A_MESSAGE =
      new Rejected(
          ErrorType.TYPE_MISMATCH, "", "value is not a well-formed protobuf loghaul.v1.LogEntry");

  private final SchemaLimits limits;
  private final LogEntryValidator validator;

  /** A codec checking against {@code limits}. */
  public LogEntryProtoCodec(SchemaLimits limits) {
    this.limits = requireNonNull(limits, "limits");
    this.validator = new LogEntryValidator(limits);
  }

  // ---- encoding ----------------------------------------------------------------------------

  /** The exact number of bytes {@link #encode(LogEntry, byte[], int)} writes for {@code entry}. */
  public static int encodedSize(LogEntry entry) {
    int size = 0;
    if (entry.timestampNanos() != 0) {
      size += 1 + 8;
    }
    size += lengthDelimitedSize(entry.serviceNameLength());
    if (entry.level() != null) {
      size += 1 + Varint.size(entry.level().code());
    }
    size += lengthDelimitedSize(entry.messageLength());
    if (entry.hasTraceId()) {
      size += 2 + 16;
    }
    if (entry.hasSpanId()) {
      size += 2 + 8;
    }
    for (int i = 0; i < entry.attributeCount(); i++) {
      int body = attributeBodySize(entry, i);
      size += 1 + Varint.size(body) + body;
    }
    return size;
  }

  /**
   * Writes {@code entry} as a {@code loghaul.v1.LogEntry} into {@code out} from {@code offset} and
   * returns the number of bytes written ({@link #encodedSize(LogEntry)}).
   *
   * @throws IndexOutOfBoundsException if {@code out} has less room than {@link #encodedSize}
   */
  public static int encode(LogEntry entry, byte[] out, int offset) {
    byte[] arena = entry.arena();
    int p = offset;
    if (entry.timestampNanos() != 0) {
      out[p++] = TAG_TIMESTAMP;
      LittleEndian.putLong(out, p, entry.timestampNanos());
      p += 8;
    }
    p =
        writeString(
            out, p, TAG_SERVICE_NAME, arena, entry.serviceNameOffset(), entry.serviceNameLength());
    if (entry.level() != null) {
      out[p++] = TAG_LEVEL;
      p = Varint.put(out, p, entry.level().code());
    }
    p = writeString(out, p, TAG_MESSAGE, arena, entry.messageOffset(), entry.messageLength());
    if (entry.hasTraceId()) {
      p = writeHexAsBytes(out, p, TAG_TRACE_ID, entry.traceIdHex(), 32);
    }
    if (entry.hasSpanId()) {
      p = writeHexAsBytes(out, p, TAG_SPAN_ID, entry.spanIdHex(), 16);
    }
    for (int i = 0; i < entry.attributeCount(); i++) {
      out[p++] = TAG_ATTRIBUTE;
      p = Varint.put(out, p, attributeBodySize(entry, i));
      p =
          writeString(
              out,
              p,
              TAG_ATTRIBUTE_KEY,
              arena,
              entry.attributeKeyOffset(i),
              entry.attributeKeyLength(i));
      p =
          writeString(
              out,
              p,
              TAG_ATTRIBUTE_VALUE,
              arena,
              entry.attributeValueOffset(i),
              entry.attributeValueLength(i));
    }
    return p - offset;
  }

  /** {@code entry} as a new array of exactly {@link #encodedSize(LogEntry)} bytes. */
  public static byte[] encode(LogEntry entry) {
    byte[] out = new byte[encodedSize(entry)];
    encode(entry, out, 0);
    return out;
  }

  private static int attributeBodySize(LogEntry entry, int i) {
    return lengthDelimitedSize(entry.attributeKeyLength(i))
        + lengthDelimitedSize(entry.attributeValueLength(i));
  }

  private static int lengthDelimitedSize(int length) {
    return length == 0 ? 0 : 1 + Varint.size(length) + length;
  }

  private static int writeString(byte[] out, int p, int tag, byte[] src, int off, int len) {
    if (len == 0) {
      return p;
    }
    out[p++] = (byte) tag;
    p = Varint.put(out, p, len);
    System.arraycopy(src, off, out, p, len);
    return p + len;
  }

  private static int writeHexAsBytes(byte[] out, int p, int tag, byte[] hex, int hexLength) {
    out[p++] = (byte) tag;
    out[p++] = (byte) (hexLength / 2);
    Hex.decode(hex, 0, hexLength / 2, out, p);
    return p + hexLength / 2;
  }

  // ---- decoding ----------------------------------------------------------------------------

  /**
   * Decodes {@code value[offset, offset + length)} into {@code into} (reset first) and checks it.
   *
   * @return {@link Accepted#INSTANCE} with {@code into} filled in, or the first defect
   */
  public ParseResult decode(byte[] value, int offset, int length, long nowMillis, LogEntry into) {
    if (length > limits.maxRecordBytes()) {
      return new Rejected(
          ErrorType.RECORD_TOO_LARGE,
          "",
          "record has " + length + " bytes (expected: <= " + limits.maxRecordBytes() + ")");
    }
    into.reset();
    int end = offset + length;
    int p = offset;
    // the first field-level defect; structure and UTF-8 defects found later still outrank it
    Rejected fieldError = null;
    String utf8Field = null;
    int seen = 0;
    while (p < end) {
      int next = Varint.checkedEnd(value, p, end);
      long tag = bounded(value, p, next);
      if (tag < 0) {
        return structureError(utf8Field);
      }
      p = next;
      int wireType = (int) (tag & 7);
      long number = tag >>> 3;
      if (number == 0) {
        return structureError(utf8Field);
      }
      int expectedWire = expectedWireType(number);
      if (expectedWire < 0) {
        p = skip(value, p, end, wireType);
        if (p < 0) {
          return structureError(utf8Field);
        }
        continue;
      }
      if (expectedWire != wireType) {
        // a known field of another type: not our message, unless the bytes are garbage anyway
        return utf8Field != null
            ? invalidUtf8(utf8Field)
            : new Rejected(
                ErrorType.TYPE_MISMATCH,
                fieldPath((int) number),
                fieldName((int) number)
                    + " has protobuf wire type "
                    + wireType
                    + " (expected: "
                    + expectedWire
                    + ")");
      }
      int bit = 1 << number;
      if ((seen & bit) != 0 && number != 7 && fieldError == null) {
        fieldError =
            new Rejected(
                ErrorType.DUPLICATE_FIELD,
                fieldPath((int) number),
                fieldName((int) number) + " appears twice");
      }
      seen |= bit;
      if (wireType == WIRE_FIXED64) {
        if (end - p < 8) {
          return structureError(utf8Field);
        }
        into.setTimestampNanos(LittleEndian.getLong(value, p));
        p += 8;
        continue;
      }
      next = Varint.checkedEnd(value, p, end);
      long raw = bounded(value, p, next);
      if (raw < 0) {
        if (wireType == WIRE_VARINT && next >= 0) {
          // a well-formed varint above 2^56, e.g. a negative enum value
          if (fieldError == null) {
            fieldError =
                new Rejected(
                    ErrorType.INVALID_VALUE, "/level", "level code out of range (expected: 1..6)");
          }
          p = next;
          continue;
        }
        return structureError(utf8Field);
      }
      p = next;
      if (wireType == WIRE_VARINT) {
        if (raw < 1 || raw > 6) {
          if (fieldError == null) {
            fieldError =
                new Rejected(
                    ErrorType.INVALID_VALUE, "/level", "level code " + raw + " (expected: 1..6)");
          }
        } else {
          into.setLevel(Level.ofCode((int) raw));
        }
        continue;
      }
      if (raw > end - p) {
        return structureError(utf8Field);
      }
      int len = (int) raw;
      switch ((int) number) {
        case 2, 4 -> {
          if (utf8Field == null && !Utf8.isValid(value, p, p + len)) {
            utf8Field = fieldPath((int) number);
          }
          int at = into.appendBytes(value, p, len);
          if (number == 2) {
            into.setServiceName(at, len);
          } else {
            into.setMessage(at, len);
          }
        }
        case 5, 6 -> {
          int expected = number == 5 ? 16 : 8;
          if (len != expected || Hex.isZeroId(value, p, len)) {
            if (fieldError == null) {
              fieldError =
                  new Rejected(
                      ErrorType.INVALID_VALUE,
                      fieldPath((int) number),
                      fieldName((int) number)
                          + " has "
                          + len
                          + " bytes"
                          + (len == expected ? ", all zero" : "")
                          + " (expected: "
                          + expected
                          + ", not all zero)");
            }
          } else {
            Hex.encode(value, p, len, number == 5 ? into.traceIdHex() : into.spanIdHex(), 0);
            if (number == 5) {
              into.setHasTraceId(true);
            } else {
              into.setHasSpanId(true);
            }
          }
        }
        default -> { // 7: Attribute
          int result = decodeAttribute(value, p, p + len, into);
          if (result == ATTR_MALFORMED) {
            return structureError(utf8Field);
          }
          if (result == ATTR_BAD_UTF8 && utf8Field == null) {
            utf8Field = "/attributes";
          }
        }
      }
      p += len;
    }
    if (utf8Field != null) {
      return invalidUtf8(utf8Field);
    }
    if (fieldError != null) {
      return fieldError;
    }
    if ((seen & 1 << 1) == 0) {
      return new Rejected(ErrorType.MISSING_FIELD, "/timestamp", "timestamp is missing");
    }
    if (into.level() == null) {
      return new Rejected(ErrorType.MISSING_FIELD, "/level", "level is missing");
    }
    // every string was checked for UTF-8 on the wire above (utf8Field is null here)
    return validator.validate(into, nowMillis, false);
  }

  private static final int ATTR_OK = 0;
  private static final int ATTR_MALFORMED = 1;
  private static final int ATTR_BAD_UTF8 = 2;

  private static int decodeAttribute(byte[] value, int p, int end, LogEntry into) {
    int keyOff = 0;
    int keyLen = 0;
    int valOff = 0;
    int valLen = 0;
    boolean utf8Ok = true;
    while (p < end) {
      int next = Varint.checkedEnd(value, p, end);
      long tag = bounded(value, p, next);
      if (tag < 0) {
        return ATTR_MALFORMED;
      }
      p = next;
      int wireType = (int) (tag & 7);
      long number = tag >>> 3;
      if (number == 0) {
        return ATTR_MALFORMED;
      }
      if (number != 1 && number != 2) {
        p = skip(value, p, end, wireType);
        if (p < 0) {
          return ATTR_MALFORMED;
        }
        continue;
      }
      if (wireType != WIRE_LEN) {
        return ATTR_MALFORMED;
      }
      next = Varint.checkedEnd(value, p, end);
      long raw = bounded(value, p, next);
      if (raw < 0) {
        return ATTR_MALFORMED;
      }
      p = next;
      if (raw > end - p) {
        return ATTR_MALFORMED;
      }
      int len = (int) raw;
      utf8Ok &= Utf8.isValid(value, p, p + len);
      if (number == 1) {
        keyOff = p;
        keyLen = len;
      } else {
        valOff = p;
        valLen = len;
      }
      p += len;
    }
    int k = into.appendBytes(value, keyOff, keyLen);
    int v = into.appendBytes(value, valOff, valLen);
    into.addAttribute(k, keyLen, v, valLen);
    return utf8Ok ? ATTR_OK : ATTR_BAD_UTF8;
  }

  private static Rejected structureError(String utf8Field) {
    return utf8Field != null ? invalidUtf8(utf8Field) : NOT_A_MESSAGE;
  }

  private static Rejected invalidUtf8(String field) {
    return new Rejected(ErrorType.INVALID_UTF8, field, "string field is not valid UTF-8");
  }

  private static int expectedWireType(long number) {
    return switch ((int) Math.min(number, 8)) {
      case 1 -> WIRE_FIXED64;
      case 3 -> WIRE_VARINT;
      case 2, 4, 5, 6, 7 -> WIRE_LEN;
      default -> -1;
    };
  }

  private static String fieldName(int number) {
    return switch (number) {
      case 1 -> "timestamp";
      case 2 -> "service_name";
      case 3 -> "level";
      case 4 -> "message";
      case 5 -> "trace_id";
      case 6 -> "span_id";
      default -> "attributes";
    };
  }

  private static String fieldPath(int number) {
    return "/" + fieldName(number);
  }

  /**
   * The value of the varint at {@code b[p]} that ends at {@code next} ({@link Varint#checkedEnd}),
   * or -1 when it is malformed or above 2^56 (no field here needs more).
   */
  private static long bounded(byte[] b, int p, int next) {
    if (next < 0) {
      return -1;
    }
    long v = Varint.value(b, p);
    return v >>> 56 == 0 ? v : -1;
  }

  /** Skips a field of {@code wireType} at {@code p}; returns the next position or -1. */
  private static int skip(byte[] b, int p, int end, int wireType) {
    switch (wireType) {
      case WIRE_VARINT -> {
        // any well-formed varint, values above 2^56 included
        int next = Varint.checkedEnd(b, p, end);
        return next < 0 ? -1 : next;
      }
      case WIRE_FIXED64 -> {
        return end - p >= 8 ? p + 8 : -1;
      }
      case WIRE_FIXED32 -> {
        return end - p >= 4 ? p + 4 : -1;
      }
      case WIRE_LEN -> {
        int next = Varint.checkedEnd(b, p, end);
        long len = bounded(b, p, next);
        return len < 0 || len > end - next ? -1 : next + (int) len;
      }
      default -> {
        return -1; // groups (3, 4) are not used by proto3; 6 and 7 do not exist
      }
    }
  }
}
