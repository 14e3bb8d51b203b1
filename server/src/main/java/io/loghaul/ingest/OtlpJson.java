package io.loghaul.ingest;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.RetryInfo;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.io.IOException;
import java.io.StringReader;
import java.util.Base64;
import java.util.HexFormat;

/**
 * OTLP/JSON (the OTLP spec's JSON encoding) for the HTTP receiver. It is proto3 JSON except that
 * {@code traceId} and {@code spanId} are hex, not base64: they are rewritten in the JSON tree
 * before {@link JsonFormat} parses it. Unknown fields are ignored; enums may be integers; 64-bit
 * integers may be numbers or strings. Stateless and thread-safe.
 */
final class OtlpJson {
  private static final Gson GSON = new Gson();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
      .omittingInsignificantWhitespace()
      .usingTypeRegistry(TypeRegistry.newBuilder().add(RetryInfo.getDescriptor()).build());

  private OtlpJson() {}

  /** Parses an OTLP/JSON logs request; malformed JSON or ids are an {@link InvalidProtocolBufferException}. */
  static ExportLogsServiceRequest parseRequest(String json) throws InvalidProtocolBufferException {
    JsonElement root;
    try {
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setLenient(false);
      root = GSON.getAdapter(JsonElement.class).read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new InvalidProtocolBufferException("trailing data after the JSON object");
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidProtocolBufferException("malformed JSON: " + e.getMessage());
    }
    if (!root.isJsonObject()) {
      throw new InvalidProtocolBufferException("expected a JSON object");
    }
    for (JsonElement rl : members(root.getAsJsonObject(), "resourceLogs", "resource_logs")) {
      for (JsonElement sl : members(rl, "scopeLogs", "scope_logs")) {
        for (JsonElement record : members(sl, "logRecords", "log_records")) {
          if (record.isJsonObject()) {
            hexToBase64(record.getAsJsonObject(), "traceId", "trace_id");
            hexToBase64(record.getAsJsonObject(), "spanId", "span_id");
          }
        }
      }
    }
    ExportLogsServiceRequest.Builder builder = ExportLogsServiceRequest.newBuilder();
    try {
      PARSER.merge(root.toString(), builder);
    } catch (RuntimeException e) {
      // JsonFormat reports some type errors unchecked
      throw new InvalidProtocolBufferException("invalid OTLP/JSON: " + e.getMessage());
    }
    return builder.build();
  }

  /** {@code message} as compact proto3 JSON. */
  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  private static JsonArray members(JsonElement parent, String camel, String snake) {
    if (!parent.isJsonObject()) {
      return new JsonArray();
    }
    JsonObject o = parent.getAsJsonObject();
    JsonElement e = o.has(camel) ? o.get(camel) : o.get(snake);
    return e != null && e.isJsonArray() ? e.getAsJsonArray() : new JsonArray();
  }

  private static void hexToBase64(JsonObject record, String camel, String snake) throws InvalidProtocolBufferException {
    for (String key : new String[] {camel, snake}) {
      JsonElement e = record.get(key);
      if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        continue;
      }
      String hex = e.getAsString();
      try {
        record.add(key, new JsonPrimitive(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex))));
      } catch (IllegalArgumentException ex) {
        throw new InvalidProtocolBufferException(key + " is not hex");
      }
    }
  }
}
