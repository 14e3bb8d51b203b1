package io.loghaul.ingest;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random OTLP logs requests for the decoder's properties: every {@code AnyValue} case nested at
 * random depths (sometimes past the depth limit), ids of right and wrong lengths, severities and
 * texts in and out of range, timestamps in and out of the window, colliding attribute keys, absent
 * resources and scopes; and {@link #scrambled} wire encodings of a message that mean the same to
 * protobuf-java but are not what it writes.
 */
final class RandomOtlp {
  static final long NOW_MILLIS = OtlpRequests.NOW_MILLIS;
  static final long NOW_NANOS = OtlpRequests.NOW_NANOS;

  private static final String[] KEYS = {
    "a",
    "b",
    "x",
    "resource.x",
    "service.name",
    "scope.name",
    "http.status",
    "",
    "k\u00e9y",
    "\u65e5\u672c",
    "user.tier",
    "a\"b\\c"
  };
  private static final String[] SEVERITY_TEXTS = {
    "",
    "warning",
    "WARNING",
    "Error",
    "TRACE",
    "fatal",
    "debug",
    "warn",
    "verbose",
    "info",
    "INFO",
    "WARN\u0131NG",
    "warn\u0130ng",
    "\u0131nfo",
    "DEBUG\u0000",
    "\u00e9",
    "Warn",
    "errors",
    "\ud83d\ude00"
  };
  private static final double[] DOUBLES = {
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    0.0,
    -0.0,
    3.0,
    -7.0,
    1.5,
    1e300,
    1e15,
    1e15 - 1,
    9.99e14,
    1e-7,
    Double.MIN_VALUE,
    Double.MAX_VALUE,
    0.1
  };

  private final Random r;

  RandomOtlp(Random r) {
    this.r = r;
  }

  ExportLogsServiceRequest request() {
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    int n = r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(2);
    for (int i = 0; i < n; i++) {
      b.addResourceLogs(resourceLogs());
    }
    return b.build();
  }

  ResourceLogs resourceLogs() {
    ResourceLogs.Builder b = ResourceLogs.newBuilder();
    if (r.nextInt(4) != 0) {
      b.setResource(resource());
    }
    int n = 1 + r.nextInt(2);
    for (int i = 0; i < n; i++) {
      b.addScopeLogs(scopeLogs());
    }
    if (r.nextInt(4) == 0) {
      b.setSchemaUrl(text());
    }
    return b.build();
  }

  Resource resource() {
    Resource.Builder b = Resource.newBuilder();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      b.addAttributes(keyValue(0));
    }
    if (r.nextInt(4) != 0) {
      // usually a service name, sometimes not a string, empty, unset or given twice
      AnyValue name =
          switch (r.nextInt(10)) {
            case 0 -> AnyValue.getDefaultInstance();
            case 1 -> anyValue(0);
            case 2 -> AnyValue.newBuilder().setStringValue("").build();
            default ->
                AnyValue.newBuilder().setStringValue(r.nextBoolean() ? "checkout" : text()).build();
          };
      b.addAttributes(
          r.nextInt(b.getAttributesCount() + 1),
          KeyValue.newBuilder().setKey("service.name").setValue(name).build());
    }
    if (r.nextInt(5) == 0) {
      b.setDroppedAttributesCount(r.nextInt(4));
    }
    return b.build();
  }

  ScopeLogs scopeLogs() {
    ScopeLogs.Builder b = ScopeLogs.newBuilder();
    if (r.nextInt(3) != 0) {
      InstrumentationScope.Builder s = InstrumentationScope.newBuilder();
      if (r.nextBoolean()) {
        s.setName(r.nextBoolean() ? "io.app.Payments" : text());
      }
      if (r.nextBoolean()) {
        s.setVersion(r.nextBoolean() ? "1.2" : text());
      }
      if (r.nextInt(4) == 0) {
        s.addAttributes(keyValue(0));
      }
      b.setScope(s);
    }
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      b.addLogRecords(logRecord());
    }
    if (r.nextInt(4) == 0) {
      b.setSchemaUrl(text());
    }
    return b.build();
  }

  LogRecord logRecord() {
    LogRecord.Builder b = LogRecord.newBuilder();
    switch (r.nextInt(12)) {
      case 0, 1 -> {}
      case 2 -> b.setTimeUnixNano(NOW_MILLIS); // millis sent as nanos: out of the window
      default -> b.setTimeUnixNano(NOW_NANOS - r.nextInt(1_000_000_000));
    }
    if (r.nextInt(3) == 0) {
      b.setObservedTimeUnixNano(r.nextInt(5) == 0 ? 1 : NOW_NANOS - 5);
    }
    int severity =
        switch (r.nextInt(20)) {
          case 0, 1, 2, 3, 4, 5 -> 0;
          case 6 -> r.nextBoolean() ? 25 : r.nextBoolean() ? -1 : 1000;
          default -> 1 + r.nextInt(24);
        };
    b.setSeverityNumberValue(severity);
    if (r.nextBoolean()) {
      b.setSeverityText(
          r.nextInt(4) == 0 ? text() : SEVERITY_TEXTS[r.nextInt(SEVERITY_TEXTS.length)]);
    }
    if (r.nextInt(5) != 0) {
      b.setBody(
          r.nextBoolean() ? AnyValue.newBuilder().setStringValue(text()).build() : anyValue(0));
    }
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      b.addAttributes(keyValue(0));
    }
    if (r.nextInt(4) != 0) {
      b.setTraceId(
          id(
              switch (r.nextInt(24)) {
                case 0 -> 8;
                case 1 -> 3;
                case 2 -> 17;
                default -> 16;
              }));
    }
    if (r.nextInt(4) != 0) {
      b.setSpanId(
          id(
              switch (r.nextInt(24)) {
                case 0 -> 16;
                case 1 -> 4;
                default -> 8;
              }));
    }
    if (r.nextInt(4) == 0) {
      b.setFlags(r.nextInt());
    }
    if (r.nextInt(4) == 0) {
      b.setDroppedAttributesCount(r.nextInt(10));
    }
    return b.build();
  }

  KeyValue keyValue(int depth) {
    KeyValue.Builder b =
        KeyValue.newBuilder().setKey(r.nextInt(3) == 0 ? text() : KEYS[r.nextInt(KEYS.length)]);
    if (r.nextInt(10) != 0) {
      b.setValue(anyValue(depth));
    }
    return b.build();
  }

  AnyValue anyValue(int depth) {
    if (depth == 0 && r.nextInt(40) == 0) {
      return deep(6 + r.nextInt(5));
    }
    AnyValue.Builder b = AnyValue.newBuilder();
    int kind = r.nextInt(depth > 4 ? 7 : 10);
    switch (kind) {
      case 0 -> {} // unset
      case 1, 2 -> b.setStringValue(text());
      case 3 -> b.setBoolValue(r.nextBoolean());
      case 4 ->
          b.setIntValue(
              switch (r.nextInt(5)) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                case 2 -> r.nextInt(1000) - 500;
                default -> r.nextLong();
              });
      case 5 ->
          b.setDoubleValue(
              r.nextBoolean()
                  ? DOUBLES[r.nextInt(DOUBLES.length)]
                  : r.nextBoolean()
                      ? (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20)
                      : Double.longBitsToDouble(r.nextLong()));
      case 6 -> b.setBytesValue(bytes(r.nextInt(8)));
      case 7 -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.addValues(anyValue(depth + 1));
        }
        b.setArrayValue(a);
      }
      default -> {
        KeyValueList.Builder l = KeyValueList.newBuilder();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          l.addValues(keyValue(depth + 1));
        }
        b.setKvlistValue(l);
      }
    }
    return b.build();
  }

  /** Lists and maps nested {@code levels} deep around a leaf. */
  AnyValue deep(int levels) {
    AnyValue v = AnyValue.newBuilder().setStringValue("leaf").build();
    for (int i = 0; i < levels; i++) {
      v =
          r.nextBoolean()
              ? AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build()
              : AnyValue.newBuilder()
                  .setKvlistValue(
                      KeyValueList.newBuilder()
                          .addValues(KeyValue.newBuilder().setKey("k").setValue(v)))
                  .build();
    }
    return v;
  }

  /** Random text: ASCII, JSON escapes and control characters, 2-, 3- and 4-byte UTF-8. */
  String text() {
    int n = r.nextInt(4) == 0 ? 0 : r.nextInt(12);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(8)) {
        case 0 -> sb.append((char) r.nextInt(0x20));
        case 1 -> sb.append("\"\\/".charAt(r.nextInt(3)));
        case 2 -> sb.append((char) (0xA0 + r.nextInt(0x700)));
        case 3 -> sb.append((char) (0x3000 + r.nextInt(0x6000)));
        case 4 -> sb.appendCodePoint(0x1F600 + r.nextInt(0x50));
        default -> sb.append((char) (0x20 + r.nextInt(0x5F)));
      }
    }
    return sb.toString();
  }

  ByteString id(int length) {
    return r.nextInt(6) == 0 ? ByteString.copyFrom(new byte[length]) : bytes(length);
  }

  ByteString bytes(int length) {
    byte[] b = new byte[length];
    r.nextBytes(b);
    return ByteString.copyFrom(b);
  }

  // ---- scrambled wire encodings --------------------------------------------------------------

  /**
   * {@code message} written field by field in a random order (elements of one repeated field keep
   * their order but interleave with others), with unknown fields of every wire type (groups too,
   * and known numbers with another wire type), and sometimes an earlier decoy of a singular field
   * (a scalar is replaced by the later value, a message merged with it, an {@code AnyValue} case
   * replaced or merged).
   */
  byte[] scrambled(Message message) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      writeFields(message, out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private void writeFields(Message message, CodedOutputStream out) throws IOException {
    List<FieldDescriptor> order = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.isRepeated()) {
        for (Object v : (List<?>) e.getValue()) {
          order.add(f);
          values.add(v);
        }
      } else {
        order.add(f);
        values.add(e.getValue());
      }
    }
    // shuffle the fields, then give each field's slots its values in their original order
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      slots.add(i);
    }
    Collections.shuffle(slots, r);
    List<FieldDescriptor> shuffledFields = new ArrayList<>();
    for (int s : slots) {
      shuffledFields.add(order.get(s));
    }
    int[] nextOfField = new int[order.size()];
    for (FieldDescriptor f : shuffledFields) {
      int k = 0;
      int seen = nextOfField[order.indexOf(f)]++;
      for (int i = 0; i < order.size(); i++) {
        if (order.get(i) == f && k++ == seen) {
          maybeUnknown(message, out);
          if (!f.isRepeated() && r.nextInt(8) == 0) {
            writeDecoy(message, f, out);
          }
          writeValue(f, values.get(i), out);
          break;
        }
      }
    }
    maybeUnknown(message, out);
  }

  private void writeDecoy(Message message, FieldDescriptor f, CodedOutputStream out)
      throws IOException {
    if (f.getContainingOneof() != null && r.nextBoolean()) {
      // another case of the same oneof first
      List<FieldDescriptor> cases = f.getContainingOneof().getFields();
      FieldDescriptor other = cases.get(r.nextInt(cases.size()));
      Object decoy = anyValueCase(other);
      writeValue(other, decoy, out);
      return;
    }
    if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      // merged by protobuf-java: an empty message changes nothing, the same one doubles its lists
      writeValue(
          f,
          r.nextBoolean()
              ? ((Message) message.getField(f)).getDefaultInstanceForType()
              : message.getField(f),
          out);
      return;
    }
    writeValue(f, randomScalar(f), out);
  }

  private Object anyValueCase(FieldDescriptor f) {
    AnyValue v = anyValue(3);
    while (!v.hasField(f)) {
      v = anyValue(3);
    }
    return v.getField(f);
  }

  private Object randomScalar(FieldDescriptor f) {
    return switch (f.getType()) {
      case STRING -> text();
      case BYTES -> bytes(r.nextInt(17));
      case BOOL -> r.nextBoolean();
      case INT64, FIXED64 -> r.nextLong();
      case UINT32, FIXED32 -> r.nextInt();
      case DOUBLE -> r.nextDouble();
      case ENUM -> f.getEnumType().findValueByNumberCreatingIfUnknown(r.nextInt(30));
      default -> throw new IllegalArgumentException("no decoy for " + f);
    };
  }

  private void writeValue(FieldDescriptor f, Object v, CodedOutputStream out) throws IOException {
    int n = f.getNumber();
    switch (f.getType()) {
      case MESSAGE -> {
        byte[] nested = scrambled((Message) v);
        out.writeTag(n, 2);
        out.writeUInt32NoTag(nested.length);
        out.writeRawBytes(nested);
      }
      case STRING -> out.writeString(n, (String) v);
      case BYTES -> out.writeBytes(n, (ByteString) v);
      case BOOL -> out.writeBool(n, (Boolean) v);
      case INT64 -> out.writeInt64(n, (Long) v);
      case FIXED64 -> out.writeFixed64(n, (Long) v);
      case UINT32 -> out.writeUInt32(n, (Integer) v);
      case FIXED32 -> out.writeFixed32(n, (Integer) v);
      case DOUBLE -> out.writeDouble(n, (Double) v);
      case ENUM -> out.writeEnum(n, ((EnumValueDescriptor) v).getNumber());
      default -> throw new IllegalArgumentException("unexpected field type " + f);
    }
  }

  private void maybeUnknown(Message message, CodedOutputStream out) throws IOException {
    while (r.nextInt(6) == 0) {
      int number;
      int wireType;
      if (r.nextBoolean()) {
        // a known number with a wire type protobuf-java does not expect for it: an unknown field
        List<FieldDescriptor> fields = message.getDescriptorForType().getFields();
        FieldDescriptor f = fields.get(r.nextInt(fields.size()));
        number = f.getNumber();
        do {
          wireType = new int[] {0, 1, 2, 3, 5}[r.nextInt(5)];
        } while (wireType == f.getLiteType().getWireType());
      } else {
        do {
          number = new int[] {4, 12, 13, 15, 16, 99, 1000, 19_999, 536_870_911}[r.nextInt(9)];
        } while (message.getDescriptorForType().findFieldByNumber(number) != null);
        wireType = new int[] {0, 1, 2, 3, 5}[r.nextInt(5)];
      }
      writeUnknown(number, wireType, out, 0);
    }
  }

  private void writeUnknown(int number, int wireType, CodedOutputStream out, int depth)
      throws IOException {
    out.writeTag(number, wireType);
    switch (wireType) {
      case 0 -> out.writeUInt64NoTag(r.nextBoolean() ? r.nextInt(300) : r.nextLong());
      case 1 -> out.writeFixed64NoTag(r.nextLong());
      case 2 -> {
        // arbitrary bytes: invalid UTF-8 is fine in a field nobody reads as a string
        byte[] b = new byte[r.nextInt(10)];
        r.nextBytes(b);
        out.writeByteArrayNoTag(b);
      }
      case 3 -> {
        int n = depth > 2 ? 0 : r.nextInt(3);
        for (int i = 0; i < n; i++) {
          writeUnknown(1 + r.nextInt(20), new int[] {0, 1, 2, 3, 5}[r.nextInt(5)], out, depth + 1);
        }
        out.writeTag(number, 4);
      }
      case 5 -> out.writeFixed32NoTag(r.nextInt());
      default -> throw new IllegalArgumentException("wire type " + wireType);
    }
  }
}
