package io.loghaul.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.Level;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * docs/otlp.md#mapping and docs/record-schema.md written out plainly over protobuf-java's message
 * objects and Java strings: what a record must map to. The test oracle of {@link
 * OtlpLogDecoderProperties}; deliberately not shaped like the decoder (no arena, no wire, strings
 * and JDK codecs), so that the two are unlikely to share a mistake. Rejections it names are
 * compared by type and field; the wording is compared for the mapping's own rejections (severity,
 * ids, nesting, duplicate keys), not for the validator's.
 */
final class OtlpMappingModel {
  /** The expected outcome of one record: the rejection, or the entry's content. */
  record Expected(
      ParseResult result,
      long timestampNanos,
      Level level,
      String serviceName,
      String message,
      String traceId,
      String spanId,
      List<Map.Entry<String, String>> attributes) {}

  private final SchemaLimits limits;

  OtlpMappingModel(SchemaLimits limits) {
    this.limits = limits;
  }

  /** Thrown when a value nests deeper than the limit. */
  private static final class TooDeep extends Exception {
    private static final long serialVersionUID = 1L;
  }

  Expected expect(
      Resource resource,
      InstrumentationScope scope,
      LogRecord record,
      long receiveNanos,
      long nowMillis) {
    long timestamp =
        record.getTimeUnixNano() != 0
            ? record.getTimeUnixNano()
            : record.getObservedTimeUnixNano() != 0
                ? record.getObservedTimeUnixNano()
                : receiveNanos;

    Level level;
    int severity = record.getSeverityNumberValue();
    if (severity == 0) {
      level =
          switch (record.getSeverityText().toUpperCase(Locale.ROOT)) {
            case "TRACE" -> Level.TRACE;
            case "DEBUG" -> Level.DEBUG;
            case "WARN", "WARNING" -> Level.WARN;
            case "ERROR" -> Level.ERROR;
            case "FATAL" -> Level.FATAL;
            default -> Level.INFO;
          };
      if (!isAscii(record.getSeverityText())) {
        level = null; // String.equalsIgnoreCase folds a few non-ASCII letters; the properties skip
        // those
      }
    } else if (severity >= 1 && severity <= 24) {
      level = Level.values()[(severity - 1) / 4];
    } else {
      return rejected(
          ErrorType.INVALID_VALUE, "/level", "severity_number " + severity + " (expected: 0..24)");
    }

    int serviceIndex = -1;
    for (int i = 0; i < resource.getAttributesCount(); i++) {
      if (resource.getAttributes(i).getKey().equals("service.name")) {
        serviceIndex = i;
      }
    }
    String service = OtlpLogDecoder.UNKNOWN_SERVICE;
    if (serviceIndex >= 0
        && resource.getAttributes(serviceIndex).getValue().getValueCase()
            != AnyValue.ValueCase.VALUE_NOT_SET) {
      try {
        service = text(resource.getAttributes(serviceIndex).getValue(), 0);
      } catch (TooDeep e) {
        return tooDeep("/service_name");
      }
    }

    String message = "";
    if (record.hasBody()) {
      try {
        message = text(record.getBody(), 0);
      } catch (TooDeep e) {
        return tooDeep("/message");
      }
    }

    // the field OtlpJsonTranscoder writes for an OTLP/JSON id that is not hex
    List<Long> notHex =
        record.getUnknownFields().getField(OtlpLogDecoder.JSON_ID_NOT_HEX_FIELD).getVarintList();
    if (!notHex.isEmpty()) {
      boolean trace = notHex.stream().anyMatch(v -> v != LogRecord.SPAN_ID_FIELD_NUMBER);
      return trace
          ? rejected(
              ErrorType.INVALID_VALUE, "/trace_id", "trace_id is not hex (expected: 32 hex digits)")
          : rejected(
              ErrorType.INVALID_VALUE, "/span_id", "span_id is not hex (expected: 16 hex digits)");
    }
    byte[] trace = record.getTraceId().toByteArray();
    if (trace.length != 0 && trace.length != 16) {
      return rejected(
          ErrorType.INVALID_VALUE,
          "/trace_id",
          "trace_id has " + trace.length + " bytes (expected: 16)");
    }
    byte[] span = record.getSpanId().toByteArray();
    if (span.length != 0 && span.length != 8) {
      return rejected(
          ErrorType.INVALID_VALUE,
          "/span_id",
          "span_id has " + span.length + " bytes (expected: 8)");
    }

    List<Map.Entry<String, String>> attributes = new ArrayList<>();
    List<KeyValue> all = new ArrayList<>(record.getAttributesList());
    List<String> prefixes = new ArrayList<>();
    record.getAttributesList().forEach(kv -> prefixes.add(""));
    for (int i = 0; i < resource.getAttributesCount(); i++) {
      if (i != serviceIndex) {
        all.add(resource.getAttributes(i));
        prefixes.add("resource.");
      }
    }
    for (int i = 0; i < all.size(); i++) {
      KeyValue kv = all.get(i);
      if (kv.getValue().getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
        continue;
      }
      String key = prefixes.get(i) + kv.getKey();
      try {
        attributes.add(Map.entry(key, text(kv.getValue(), 0)));
      } catch (TooDeep e) {
        return tooDeep("/attributes/" + key);
      }
    }
    if (!scope.getName().isEmpty()) {
      attributes.add(Map.entry("scope.name", scope.getName()));
    }
    if (!scope.getVersion().isEmpty()) {
      attributes.add(Map.entry("scope.version", scope.getVersion()));
    }
    for (KeyValue kv : scope.getAttributesList()) {
      if (kv.getValue().getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
        continue;
      }
      String key = "scope." + kv.getKey();
      try {
        attributes.add(Map.entry(key, text(kv.getValue(), 0)));
      } catch (TooDeep e) {
        return tooDeep("/attributes/" + key);
      }
    }
    Set<String> keys = new HashSet<>();
    for (Map.Entry<String, String> a : attributes) {
      if (!keys.add(a.getKey())) {
        return rejected(
            ErrorType.DUPLICATE_FIELD, "/attributes/" + a.getKey(), "attribute key appears twice");
      }
    }

    Rejected invalid = validate(timestamp, service, message, attributes, nowMillis);
    if (invalid != null) {
      return new Expected(invalid, 0, null, null, null, null, null, null);
    }
    return new Expected(
        Accepted.INSTANCE,
        timestamp,
        level,
        service,
        message,
        isId(trace) ? HexFormat.of().formatHex(trace) : "",
        isId(span) ? HexFormat.of().formatHex(span) : "",
        attributes);
  }

  /**
   * The content rules of docs/record-schema.md#fields the generated records can break, in the order
   * of docs/record-schema.md#precedence.
   */
  private Rejected validate(
      long nanos,
      String service,
      String message,
      List<Map.Entry<String, String>> attributes,
      long nowMillis) {
    long lowNanos = (nowMillis - limits.maxAgeSeconds() * 1000) * 1_000_000;
    long highNanos = (nowMillis + limits.maxFutureSeconds() * 1000) * 1_000_000;
    if (nanos < lowNanos || nanos > highNanos) {
      return new Rejected(ErrorType.TIMESTAMP_OUT_OF_RANGE, "/timestamp", "");
    }
    if (service.isEmpty()) {
      return new Rejected(ErrorType.INVALID_VALUE, "/service_name", "");
    }
    if (bytes(service) > limits.maxServiceNameBytes()) {
      return new Rejected(ErrorType.FIELD_OVERFLOW, "/service_name", "");
    }
    if (bytes(message) > limits.maxMessageBytes()) {
      return new Rejected(ErrorType.FIELD_OVERFLOW, "/message", "");
    }
    if (attributes.size() > limits.maxAttributes()) {
      return new Rejected(ErrorType.FIELD_OVERFLOW, "/attributes", "");
    }
    for (Map.Entry<String, String> a : attributes) {
      if (a.getKey().isEmpty()) {
        return new Rejected(ErrorType.INVALID_VALUE, "/attributes/", "");
      }
      if (bytes(a.getKey()) > limits.maxAttributeKeyBytes()
          || bytes(a.getValue()) > limits.maxAttributeValueBytes()) {
        return new Rejected(ErrorType.FIELD_OVERFLOW, "/attributes/" + a.getKey(), "");
      }
    }
    return null;
  }

  /** A value as stored: strings (and values whose JSON is a string) bare, the rest as JSON. */
  private String text(AnyValue v, int depth) throws TooDeep {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case DOUBLE_VALUE ->
          Double.isFinite(v.getDoubleValue()) ? json(v, depth) : nonFinite(v.getDoubleValue());
      case VALUE_NOT_SET -> "";
      default -> json(v, depth);
    };
  }

  private String json(AnyValue v, int depth) throws TooDeep {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return quote(v.getStringValue());
      case BOOL_VALUE:
        return String.valueOf(v.getBoolValue());
      case INT_VALUE:
        return String.valueOf(v.getIntValue());
      case DOUBLE_VALUE:
        {
          double d = v.getDoubleValue();
          if (!Double.isFinite(d)) {
            return quote(nonFinite(d));
          }
          // docs/otlp.md#mapping: whole numbers keep a ".0" (below 1e15, where Double.toString
          // switches
          // to E notation); E notation as compact JSON: 1.0E300 → 1e300, 1.5E-7 → 1.5e-7
          return Math.abs(d) < 1e15 && d % 1 == 0
              ? (long) d + ".0"
              : Double.toString(d).replace(".0E", "E").replace('E', 'e');
        }
      case BYTES_VALUE:
        return quote(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE:
        {
          if (depth >= limits.maxDepth()) {
            throw new TooDeep();
          }
          List<String> items = new ArrayList<>();
          for (AnyValue item : v.getArrayValue().getValuesList()) {
            items.add(json(item, depth + 1));
          }
          return "[" + String.join(",", items) + "]";
        }
      case KVLIST_VALUE:
        {
          if (depth >= limits.maxDepth()) {
            throw new TooDeep();
          }
          List<String> members = new ArrayList<>();
          for (KeyValue kv : v.getKvlistValue().getValuesList()) {
            members.add(quote(kv.getKey()) + ":" + json(kv.getValue(), depth + 1));
          }
          return "{" + String.join(",", members) + "}";
        }
      default:
        return "null";
    }
  }

  private static String nonFinite(double d) {
    return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.chars()
        .forEach(
            c -> {
              switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default ->
                    sb.append(c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c));
              }
            });
    return sb.append('"').toString();
  }

  private static boolean isId(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c < 0x80);
  }

  private static int bytes(String s) {
    return s.getBytes(UTF_8).length;
  }

  private Expected rejected(ErrorType type, String field, String message) {
    return new Expected(new Rejected(type, field, message), 0, null, null, null, null, null, null);
  }

  private Expected tooDeep(String field) {
    return rejected(
        ErrorType.FIELD_OVERFLOW,
        field,
        "value nested deeper than " + limits.maxDepth() + " levels");
  }
}
