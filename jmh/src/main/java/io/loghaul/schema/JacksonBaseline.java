package io.loghaul.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * The baseline of the parse benchmarks: what most Java services would write, Jackson databind into
 * a POJO with strict settings (unknown properties and duplicate keys fail), followed by the
 * presence and level checks. It does less than {@link LogEntryParser}: no timestamp window, no hex
 * id or size limits, no RFC 3339 parsing; a fair baseline would only get slower. Thread-safe.
 */
public final class JacksonBaseline {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private JacksonBaseline() {}

  /** The record as Jackson sees it. */
  public static final class Entry {
    @JsonProperty("timestamp")
    public Object timestamp;

    @JsonProperty("service_name")
    public String serviceName;

    @JsonProperty("level")
    public Object level;

    @JsonProperty("message")
    public String message;

    @JsonProperty("trace_id")
    public String traceId;

    @JsonProperty("span_id")
    public String spanId;

    @JsonProperty("attributes")
    public Map<String, Object> attributes;
  }

  /** Parses and checks presence and level; returns the entry, or null when it is rejected. */
  public static Entry parse(byte[] value) {
    Entry e;
    try {
      e = MAPPER.readValue(value, Entry.class);
    } catch (IOException ex) {
      return null;
    }
    if (e.timestamp == null || e.serviceName == null || e.level == null || e.message == null) {
      return null;
    }
    if (e.level instanceof String s && !isLevel(s)) {
      return null;
    }
    return e;
  }

  private static boolean isLevel(String s) {
    return switch (s.toUpperCase(Locale.ROOT)) {
      case "TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL" -> true;
      default -> false;
    };
  }
}
