package io.loghaul.ingest;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import io.loghaul.bytes.Varint;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What {@link OtlpJsonTranscoder} knows of the OTLP messages, derived once from their protobuf
 * descriptors: per message type its fields by JSON and proto name, and per field its tag, what its
 * JSON value holds (message, string, bytes, hex id, bool, floating point, enum, integer with range
 * and encoding), whether it is repeated, has presence or belongs to a oneof. Immutable once built.
 */
final class OtlpJsonSchema {
  // what a field holds
  static final int MESSAGE = 0;
  static final int STRING = 1;
  static final int BYTES = 2;
  static final int HEX_ID = 3;
  static final int BOOL = 4;
  static final int DOUBLE = 5;
  static final int FLOAT = 6;
  static final int ENUM = 7;
  static final int INTEGER = 8;

  // integer ranges
  static final int U64 = 0;
  static final int S64 = 1;
  static final int U32 = 2;
  static final int S32 = 3;

  // integer encodings
  static final int VARINT = 0;
  static final int ZIGZAG = 1;
  static final int FIXED64 = 2;
  static final int FIXED32 = 3;

  private OtlpJsonSchema() {}

  /** A message type's fields by JSON name and proto name. */
  static final class MessageType {
    final Map<String, Field> byName = new HashMap<>();

    /**
     * The types reachable from {@code root}, built once; AnyValue refers to itself through lists.
     */
    static MessageType of(Descriptor root) {
      Map<Descriptor, MessageType> types = new IdentityHashMap<>();
      MessageType type = build(root, types);
      return type;
    }

    private static MessageType build(Descriptor descriptor, Map<Descriptor, MessageType> types) {
      MessageType existing = types.get(descriptor);
      if (existing != null) {
        return existing;
      }
      if (descriptor.getFile().getPackage().equals("google.protobuf")
          || descriptor.getOptions().getMapEntry()) {
        throw new IllegalStateException("no OTLP/JSON mapping for " + descriptor.getFullName());
      }
      MessageType type = new MessageType();
      types.put(descriptor, type);
      if (descriptor.getFields().size() > 64 || descriptor.getOneofs().size() > 64) {
        throw new IllegalStateException(
            "more than 64 fields or oneofs in " + descriptor.getFullName());
      }
      for (FieldDescriptor fd : descriptor.getFields()) {
        Field f =
            new Field(
                fd,
                fd.getType() == FieldDescriptor.Type.MESSAGE
                    ? build(fd.getMessageType(), types)
                    : null);
        type.byName.put(fd.getJsonName(), f);
        type.byName.put(fd.getName(), f);
      }
      return type;
    }
  }

  /** One field: how its JSON value is read and written. */
  static final class Field {
    final int index;
    final int number;
    final String jsonName;
    final String protoName;
    final byte[] tag;
    final boolean repeated;
    final boolean presence;
    final int oneof;
    final String oneofName;
    final int kind;
    final int range;
    final int encoding;
    final String expected;
    final MessageType message;
    final EnumDescriptor enumType;

    Field(FieldDescriptor fd, MessageType message) {
      this.index = fd.getIndex();
      this.number = fd.getNumber();
      this.jsonName = fd.getJsonName();
      this.protoName = fd.getName();
      this.repeated = fd.isRepeated();
      // oneof cases (and proto3 optional) are written even when they hold the default
      this.presence = fd.hasPresence();
      OneofDescriptor o = fd.getRealContainingOneof();
      this.oneof = o == null ? -1 : o.getIndex();
      this.oneofName = o == null ? null : o.getName();
      this.message = message;
      this.enumType = fd.getType() == FieldDescriptor.Type.ENUM ? fd.getEnumType() : null;
      boolean id =
          fd.getContainingType() == LogRecord.getDescriptor()
              && (fd.getNumber() == LogRecord.TRACE_ID_FIELD_NUMBER
                  || fd.getNumber() == LogRecord.SPAN_ID_FIELD_NUMBER);
      int wireType;
      switch (fd.getType()) {
        case MESSAGE -> {
          kind = MESSAGE;
          range = encoding = -1;
          expected = "an object";
          wireType = 2;
        }
        case STRING -> {
          kind = STRING;
          range = encoding = -1;
          expected = "a string";
          wireType = 2;
        }
        case BYTES -> {
          kind = id ? HEX_ID : BYTES;
          range = encoding = -1;
          expected = id ? "a string of hex digits" : "a base64 string";
          wireType = 2;
        }
        case BOOL -> {
          kind = BOOL;
          range = encoding = -1;
          expected = "true or false";
          wireType = 0;
        }
        case DOUBLE -> {
          kind = DOUBLE;
          range = encoding = -1;
          expected = "a double: a number, \"NaN\", \"Infinity\" or \"-Infinity\"";
          wireType = 1;
        }
        case FLOAT -> {
          kind = FLOAT;
          range = encoding = -1;
          expected = "a float: a number, \"NaN\", \"Infinity\" or \"-Infinity\"";
          wireType = 5;
        }
        case ENUM -> {
          kind = ENUM;
          range = S32;
          encoding = VARINT;
          expected = "a " + fd.getEnumType().getName() + " name or a 32-bit integer";
          wireType = 0;
        }
        case INT64, UINT64, INT32, UINT32, SINT64, SINT32, FIXED64, FIXED32, SFIXED64, SFIXED32 -> {
          kind = INTEGER;
          range =
              switch (fd.getType()) {
                case UINT64, FIXED64 -> U64;
                case INT64, SINT64, SFIXED64 -> S64;
                case UINT32, FIXED32 -> U32;
                default -> S32;
              };
          encoding =
              switch (fd.getType()) {
                case SINT64, SINT32 -> ZIGZAG;
                case FIXED64, SFIXED64 -> FIXED64;
                case FIXED32, SFIXED32 -> FIXED32;
                default -> VARINT;
              };
          expected =
              switch (range) {
                case U64 -> "an unsigned 64-bit integer";
                case S64 -> "a signed 64-bit integer";
                case U32 -> "an unsigned 32-bit integer";
                default -> "a signed 32-bit integer";
              };
          wireType = encoding == FIXED64 ? 1 : encoding == FIXED32 ? 5 : 0;
        }
        default -> throw new IllegalStateException("no OTLP/JSON mapping for " + fd.getFullName());
      }
      this.tag = varintBytes(fd.getNumber() << 3 | wireType);
    }
  }

  /** A tag as its varint bytes (as unsigned: a 32-bit value takes at most 5 bytes). */
  static byte[] varintBytes(int v) {
    byte[] b = new byte[Varint.MAX_BYTES];
    return Arrays.copyOf(b, Varint.put(b, 0, v & 0xFFFF_FFFFL));
  }
}
