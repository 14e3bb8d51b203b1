package io.loghaul.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Builds the bodies {@code bench soak} sends, one per {@link SoakKind}: valid OTLP requests (the
 * shape of {@link OtlpRequests}) as protobuf and as OTLP/JSON; partially valid ones in which one
 * record (or one resource) breaks the schema ({@link Defect}); and malformed ones: random byte
 * mutations and truncations of the valid bodies, a wrong content type, a JSON number with a huge
 * exponent, JSON nested {@value #NESTING_DEPTH} levels deep, gzip that is not gzip.
 *
 * <p>Valid, partial, huge-exponent and deep-nesting bodies are built once in the constructor (the
 * generator should not compete with the server for CPU); mutations and truncations are made per
 * request from the caller's random source. Thread-safe when each thread brings its own random.
 */
final class SoakRequests {
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";
  static final int NESTING_DEPTH = 5000;

  /** The {@code timeUnixNano} of issue 16 that turned into a 157-million-digit integer. */
  static final String HUGE_EXPONENT = "179608245e157969341";

  /** Bodies built in advance per partial kind and defect, picked at random. */
  static final int PARTIAL_VARIANTS = 16;

  private static final String[] WRONG_CONTENT_TYPES = {
    "text/plain", "application/xml", "multipart/form-data"
  };
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** How a partially valid request breaks the schema. */
  enum Defect {
    /** One record 30 days old (schema.max-age-seconds is 7 days). */
    TIMESTAMP_OUT_OF_RANGE,
    /** A second resource whose {@code service.name} has 300 bytes (the limit is 256). */
    LONG_SERVICE_NAME,
    /** One record with a 15-byte trace id. */
    BAD_TRACE_ID_LENGTH
  }

  /** One request: its kind, body, and for HTTP its content type and encoding (null: none). */
  record SoakRequest(SoakKind kind, byte[] body, String contentType, String contentEncoding) {}

  private final byte[] validProtobuf;
  private final byte[] validJson;
  private final byte[][] partialProtobuf;
  private final byte[][] partialJson;
  private final byte[] hugeExponent;
  private final byte[][] deepNesting;

  /**
   * @param records records per valid request (partial requests have at least 2)
   * @param payloadBytes about the size of a valid protobuf request
   * @param nowNanos the records' time, Unix epoch nanoseconds
   */
  SoakRequests(long seed, int records, int payloadBytes, long nowNanos) {
    ExportLogsServiceRequest valid = OtlpRequests.build(seed, records, payloadBytes, nowNanos);
    validProtobuf = valid.toByteArray();
    validJson = bytes(toOtlpJson(valid));
    Defect[] defects = Defect.values();
    partialProtobuf = new byte[defects.length * PARTIAL_VARIANTS][];
    partialJson = new byte[partialProtobuf.length][];
    for (int i = 0; i < partialProtobuf.length; i++) {
      ExportLogsServiceRequest partial =
          partial(
              seed + 1 + i,
              Math.max(2, records),
              payloadBytes,
              nowNanos,
              defects[i % defects.length]);
      partialProtobuf[i] = partial.toByteArray();
      partialJson[i] = bytes(toOtlpJson(partial));
    }
    ObjectNode bomb = (ObjectNode) readTree(validJson);
    ((ObjectNode) bomb.at("/resourceLogs/0/scopeLogs/0/logRecords/0"))
        .put("timeUnixNano", HUGE_EXPONENT);
    hugeExponent = bytes(bomb.toString());
    deepNesting = new byte[][] {nestedArrays(NESTING_DEPTH), nestedBody(validJson, NESTING_DEPTH)};
  }

  /** A new request of {@code kind}. */
  SoakRequest next(SoakKind kind, SplittableRandom random) {
    return switch (kind) {
      case VALID_GRPC -> grpc(kind, validProtobuf);
      case VALID_HTTP_PROTOBUF -> http(kind, validProtobuf, PROTOBUF);
      case VALID_HTTP_JSON -> http(kind, validJson, JSON);
      case PARTIAL_GRPC -> grpc(kind, pick(partialProtobuf, random));
      case PARTIAL_HTTP_PROTOBUF -> http(kind, pick(partialProtobuf, random), PROTOBUF);
      case PARTIAL_HTTP_JSON -> http(kind, pick(partialJson, random), JSON);
      case MUTATED_PROTOBUF_GRPC -> grpc(kind, mutate(validProtobuf, random));
      case TRUNCATED_PROTOBUF_GRPC -> grpc(kind, truncate(validProtobuf, random));
      case MUTATED_PROTOBUF_HTTP -> http(kind, mutate(validProtobuf, random), PROTOBUF);
      case TRUNCATED_PROTOBUF_HTTP -> http(kind, truncate(validProtobuf, random), PROTOBUF);
      case MUTATED_JSON -> http(kind, mutate(validJson, random), JSON);
      case TRUNCATED_JSON -> http(kind, truncate(validJson, random), JSON);
      case WRONG_CONTENT_TYPE ->
          http(
              kind, validProtobuf, WRONG_CONTENT_TYPES[random.nextInt(WRONG_CONTENT_TYPES.length)]);
      case HUGE_EXPONENT -> http(kind, hugeExponent, JSON);
      case DEEP_NESTING -> http(kind, pick(deepNesting, random), JSON);
      case BAD_GZIP -> new SoakRequest(kind, notGzip(random), PROTOBUF, "gzip");
    };
  }

  /** A valid protobuf request body, for slow clients. */
  byte[] validProtobuf() {
    return validProtobuf.clone();
  }

  private static SoakRequest grpc(SoakKind kind, byte[] body) {
    return new SoakRequest(kind, body, null, null);
  }

  private static SoakRequest http(SoakKind kind, byte[] body, String contentType) {
    return new SoakRequest(kind, body, contentType, null);
  }

  private static byte[] pick(byte[][] bodies, SplittableRandom random) {
    return bodies[random.nextInt(bodies.length)];
  }

  /**
   * A valid request of {@code records} records broken by {@code defect}; the other records stay
   * valid.
   */
  static ExportLogsServiceRequest partial(
      long seed, int records, int payloadBytes, long nowNanos, Defect defect) {
    ExportLogsServiceRequest.Builder b =
        OtlpRequests.build(seed, records, payloadBytes, nowNanos).toBuilder();
    SplittableRandom random = new SplittableRandom(seed);
    LogRecord.Builder victim =
        b.getResourceLogsBuilder(0)
            .getScopeLogsBuilder(0)
            .getLogRecordsBuilder(random.nextInt(records));
    switch (defect) {
      case TIMESTAMP_OUT_OF_RANGE -> {
        long old = nowNanos - TimeUnit.DAYS.toNanos(30);
        victim.setTimeUnixNano(old).setObservedTimeUnixNano(old);
      }
      case BAD_TRACE_ID_LENGTH -> victim.setTraceId(victim.getTraceId().substring(0, 15));
      case LONG_SERVICE_NAME -> {
        ResourceLogs first = b.getResourceLogs(0);
        ScopeLogs scope =
            first.getScopeLogs(0).toBuilder()
                .clearLogRecords()
                .addLogRecords(first.getScopeLogs(0).getLogRecords(0))
                .build();
        b.addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(
                                    AnyValue.newBuilder()
                                        .setStringValue("svc-" + "x".repeat(296)))))
                .addScopeLogs(scope));
      }
    }
    return b.build();
  }

  /** {@code valid} with 1-4 random bytes replaced, inserted or deleted. */
  static byte[] mutate(byte[] valid, SplittableRandom random) {
    byte[] b = valid.clone();
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations && b.length > 1; m++) {
      int at = random.nextInt(b.length);
      switch (random.nextInt(3)) {
        case 0 -> b[at] = (byte) random.nextInt(256);
        case 1 -> {
          byte[] longer = new byte[b.length + 1];
          System.arraycopy(b, 0, longer, 0, at);
          longer[at] = (byte) random.nextInt(256);
          System.arraycopy(b, at, longer, at + 1, b.length - at);
          b = longer;
        }
        default -> {
          byte[] shorter = new byte[b.length - 1];
          System.arraycopy(b, 0, shorter, 0, at);
          System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
          b = shorter;
        }
      }
    }
    return b;
  }

  /** The first 1..length-1 bytes of {@code valid}. */
  static byte[] truncate(byte[] valid, SplittableRandom random) {
    return Arrays.copyOf(valid, 1 + random.nextInt(valid.length - 1));
  }

  /** Half the time the plain protobuf body, half the time the gzip magic followed by garbage. */
  private byte[] notGzip(SplittableRandom random) {
    if (random.nextBoolean()) {
      return validProtobuf;
    }
    byte[] b = new byte[64 + random.nextInt(512)];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    b[0] = 0x1f;
    b[1] = (byte) 0x8b;
    b[2] = 8;
    return b;
  }

  /**
   * {@code {"resourceLogs":[],"nested":[[[...]]]}}: an unknown field the server must still parse.
   */
  static byte[] nestedArrays(int depth) {
    StringBuilder sb = new StringBuilder(depth * 2 + 64).append("{\"resourceLogs\":[],\"nested\":");
    sb.append("[".repeat(depth)).append("]".repeat(depth)).append('}');
    return bytes(sb.toString());
  }

  /**
   * The valid request with its first record's body an {@code arrayValue} nested {@code depth}
   * levels.
   */
  static byte[] nestedBody(byte[] validJson, int depth) {
    String marker = "\"__NESTED__\"";
    ObjectNode root = (ObjectNode) readTree(validJson);
    ((ObjectNode) root.at("/resourceLogs/0/scopeLogs/0/logRecords/0")).put("body", "__NESTED__");
    String text = root.toString();
    String open = "{\"arrayValue\":{\"values\":[";
    StringBuilder nested = new StringBuilder(depth * 30);
    nested
        .append(open.repeat(depth))
        .append("{\"stringValue\":\"deep\"}")
        .append("]}}".repeat(depth));
    return bytes(text.replace(marker, nested));
  }

  /**
   * {@code request} in OTLP/JSON (the OTLP spec's JSON encoding: lowerCamelCase keys, 64-bit
   * integers as strings, integer enums, hex trace and span ids).
   */
  static String toOtlpJson(ExportLogsServiceRequest request) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode rls = root.putArray("resourceLogs");
    for (ResourceLogs rl : request.getResourceLogsList()) {
      ObjectNode r = rls.addObject();
      attributes(r.putObject("resource"), rl.getResource().getAttributesList());
      ArrayNode sls = r.putArray("scopeLogs");
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        ObjectNode s = sls.addObject();
        s.putObject("scope")
            .put("name", sl.getScope().getName())
            .put("version", sl.getScope().getVersion());
        ArrayNode lrs = s.putArray("logRecords");
        for (LogRecord lr : sl.getLogRecordsList()) {
          ObjectNode l = lrs.addObject();
          l.put("timeUnixNano", Long.toUnsignedString(lr.getTimeUnixNano()));
          l.put("observedTimeUnixNano", Long.toUnsignedString(lr.getObservedTimeUnixNano()));
          l.put("severityNumber", lr.getSeverityNumberValue());
          l.put("severityText", lr.getSeverityText());
          l.set("body", anyValue(lr.getBody()));
          attributes(l, lr.getAttributesList());
          l.put("traceId", hex(lr.getTraceId()));
          l.put("spanId", hex(lr.getSpanId()));
        }
      }
    }
    return root.toString();
  }

  private static void attributes(ObjectNode parent, List<KeyValue> attributes) {
    keyValues(parent, "attributes", attributes);
  }

  private static void keyValues(ObjectNode parent, String field, List<KeyValue> attributes) {
    ArrayNode a = parent.putArray(field);
    for (KeyValue kv : attributes) {
      a.addObject().put("key", kv.getKey()).set("value", anyValue(kv.getValue()));
    }
  }

  private static ObjectNode anyValue(AnyValue v) {
    ObjectNode n = MAPPER.createObjectNode();
    switch (v.getValueCase()) {
      case STRING_VALUE -> n.put("stringValue", v.getStringValue());
      case INT_VALUE -> n.put("intValue", Long.toString(v.getIntValue()));
      case BOOL_VALUE -> n.put("boolValue", v.getBoolValue());
      case DOUBLE_VALUE -> n.put("doubleValue", v.getDoubleValue());
      case BYTES_VALUE ->
          n.put("bytesValue", Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        ArrayNode values = n.putObject("arrayValue").putArray("values");
        v.getArrayValue().getValuesList().forEach(x -> values.add(anyValue(x)));
      }
      case KVLIST_VALUE ->
          keyValues(n.putObject("kvlistValue"), "values", v.getKvlistValue().getValuesList());
      case VALUE_NOT_SET -> {}
    }
    return n;
  }

  private static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode readTree(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("our own JSON does not parse", e);
    }
  }
}
