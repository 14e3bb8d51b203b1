package io.loghaul.schema;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.loghaul.bytes.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The second parse baseline: Jackson's streaming {@link JsonParser} doing {@link LogEntryParser}'s
 * job as far as Jackson allows, to answer whether a library could. Per record: one parser from a
 * shared factory with {@code STRICT_DUPLICATE_DETECTION} (duplicate keys at every level) and a
 * nesting limit of {@code schema.max-depth} below the attributes object; the top level must be an
 * object with only the schema's fields; required fields present and not null; the timestamp an
 * integer in the window (epoch ms) or an RFC 3339 string in it (read with loghaul's {@code
 * Rfc3339}, so the date library is not what is measured); level a name in any case or a severity
 * number 1..24; service name non-empty; service name, message, attribute key and value within their
 * UTF-8 byte limits; ids of 32/16 hex digits, not all zero, kept lower-cased; at most {@code
 * max-attributes} attributes with non-empty keys; a string attribute value kept as its text, a
 * number as its literal, anything else re-serialized as compact JSON by a {@link JsonGenerator}.
 *
 * <p>What Jackson does not do that loghaul's parser does: strict UTF-8 (Jackson 2.18 decodes
 * overlong forms, encoded surrogates and sequences above U+10FFFF without complaint), the order of
 * defects (docs/record-schema.md#precedence) and their messages (a rejection here is {@code null}),
 * positions of syntax errors in bytes. The values land in Java {@link String}s of a reused {@link
 * Entry}, as a Jackson user would hold them, not in a byte arena. Not thread-safe: one instance per
 * thread.
 */
public final class JacksonStreamingBaseline {
  private static final int MAX_ATTRIBUTES_IN_ENTRY = 256;

  private final JsonFactory factory;
  private final SchemaLimits limits;
  private final long maxAgeMillis;
  private final long maxFutureMillis;
  private final byte[] scratch = new byte[64];
  private final ByteArrayBuilder json = new ByteArrayBuilder(256);
  private final Entry entry = new Entry();

  /** The parsed record; reused, valid until the next {@link #parse}. */
  public static final class Entry {
    public long timestampNanos;
    public String serviceName;
    public Level level;
    public String message;
    public final char[] traceId = new char[32];
    public final char[] spanId = new char[16];
    public boolean hasTraceId;
    public boolean hasSpanId;
    public int attributeCount;
    public final String[] keys = new String[MAX_ATTRIBUTES_IN_ENTRY];
    public final String[] values = new String[MAX_ATTRIBUTES_IN_ENTRY];
  }

  public JacksonStreamingBaseline(SchemaLimits limits) {
    this.limits = limits;
    this.maxAgeMillis = limits.maxAgeSeconds() * 1000;
    this.maxFutureMillis = limits.maxFutureSeconds() * 1000;
    this.factory =
        JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // the record object and the attributes object sit above an attribute value
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(limits.maxDepth() + 2).build())
            .build();
  }

  /** Parses and checks {@code value}; returns the entry, or {@code null} when it is rejected. */
  public Entry parse(byte[] value, long nowMillis) {
    if (value.length > limits.maxRecordBytes()) {
      return null;
    }
    try (JsonParser p = factory.createParser(value)) {
      Entry e = entry;
      if (p.nextToken() != JsonToken.START_OBJECT
          || !fields(p, e, nowMillis)
          || p.nextToken() != null) {
        return null;
      }
      return e;
    } catch (IOException | RuntimeException ex) {
      return null;
    }
  }

  private boolean fields(JsonParser p, Entry e, long nowMillis) throws IOException {
    e.serviceName = null;
    e.level = null;
    e.message = null;
    e.hasTraceId = false;
    e.hasSpanId = false;
    e.attributeCount = 0;
    boolean hasTimestamp = false;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName(); // interned by the factory's symbol table: no allocation
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_NULL) {
        if (!isField(name)) {
          return false;
        }
        continue;
      }
      switch (name) {
        case "timestamp" -> {
          long nanos = timestamp(p, v, nowMillis);
          if (nanos == Long.MIN_VALUE) {
            return false;
          }
          e.timestampNanos = nanos;
          hasTimestamp = true;
        }
        case "service_name" -> {
          if (v != JsonToken.VALUE_STRING || p.getTextLength() == 0) {
            return false;
          }
          e.serviceName = p.getText();
          if (utf8Length(e.serviceName) > limits.maxServiceNameBytes()) {
            return false;
          }
        }
        case "level" -> {
          e.level = level(p, v);
          if (e.level == null) {
            return false;
          }
        }
        case "message" -> {
          if (v != JsonToken.VALUE_STRING) {
            return false;
          }
          e.message = p.getText();
          if (utf8Length(e.message) > limits.maxMessageBytes()) {
            return false;
          }
        }
        case "trace_id" -> {
          if (!hexId(p, v, e.traceId)) {
            return false;
          }
          e.hasTraceId = true;
        }
        case "span_id" -> {
          if (!hexId(p, v, e.spanId)) {
            return false;
          }
          e.hasSpanId = true;
        }
        case "attributes" -> {
          if (v != JsonToken.START_OBJECT || !attributes(p, e)) {
            return false;
          }
        }
        default -> {
          return false;
        }
      }
    }
    return t == JsonToken.END_OBJECT
        && hasTimestamp
        && e.serviceName != null
        && e.level != null
        && e.message != null;
  }

  private static boolean isField(String name) {
    return switch (name) {
      case "timestamp", "service_name", "level", "message", "trace_id", "span_id", "attributes" ->
          true;
      default -> false;
    };
  }

  /** Epoch nanoseconds in the window, or Long.MIN_VALUE. */
  private long timestamp(JsonParser p, JsonToken v, long nowMillis) throws IOException {
    long low = nowMillis - maxAgeMillis;
    long high = nowMillis + maxFutureMillis;
    if (v == JsonToken.VALUE_NUMBER_INT) {
      if (p.getNumberType() != JsonParser.NumberType.INT
          && p.getNumberType() != JsonParser.NumberType.LONG) {
        return Long.MIN_VALUE;
      }
      long millis = p.getLongValue();
      return millis >= low && millis <= high ? millis * 1_000_000L : Long.MIN_VALUE;
    }
    if (v == JsonToken.VALUE_STRING) {
      int n = ascii(p);
      long nanos = n < 0 ? Rfc3339.MALFORMED : Rfc3339.parseEpochNanos(scratch, 0, n);
      return nanos != Rfc3339.MALFORMED && nanos >= low * 1_000_000L && nanos <= high * 1_000_000L
          ? nanos
          : Long.MIN_VALUE;
    }
    return Long.MIN_VALUE;
  }

  private Level level(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_STRING) {
      int n = ascii(p);
      return n < 0 ? null : Level.ofName(scratch, 0, n);
    }
    if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
      return Level.ofSeverityNumber(p.getIntValue());
    }
    return null;
  }

  /** Copies the current short ASCII string into {@link #scratch}; its length, or -1. */
  private int ascii(JsonParser p) throws IOException {
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    int n = p.getTextLength();
    if (n > scratch.length) {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      char ch = c[off + i];
      if (ch >= 0x80) {
        return -1;
      }
      scratch[i] = (byte) ch;
    }
    return n;
  }

  private static boolean hexId(JsonParser p, JsonToken v, char[] out) throws IOException {
    if (v != JsonToken.VALUE_STRING || p.getTextLength() != out.length) {
      return false;
    }
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    int nonZero = 0;
    for (int i = 0; i < out.length; i++) {
      int d = Hex.value(c[off + i]);
      if (d < 0) {
        return false;
      }
      out[i] = (char) Hex.digit(d);
      nonZero |= d;
    }
    return nonZero != 0;
  }

  private boolean attributes(JsonParser p, Entry e) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      int i = e.attributeCount;
      if (i == limits.maxAttributes()
          || i == MAX_ATTRIBUTES_IN_ENTRY
          || key.isEmpty()
          || utf8Length(key) > limits.maxAttributeKeyBytes()) {
        return false;
      }
      String value =
          switch (p.nextToken()) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            default -> compactJson(p);
          };
      if (utf8Length(value) > limits.maxAttributeValueBytes()) {
        return false;
      }
      e.keys[i] = key;
      e.values[i] = value;
      e.attributeCount = i + 1;
    }
    return t == JsonToken.END_OBJECT;
  }

  /** The object or array at the parser as compact JSON. */
  private String compactJson(JsonParser p) throws IOException {
    json.reset();
    try (JsonGenerator g = factory.createGenerator(json, JsonEncoding.UTF8)) {
      g.copyCurrentStructure(p);
    }
    return new String(json.toByteArray(), StandardCharsets.UTF_8);
  }

  private static int utf8Length(String s) {
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        n += c < 0x800 || Character.isSurrogate(c) ? 1 : 2; // a surrogate pair: 4 bytes for 2 chars
      }
    }
    return n;
  }
}
