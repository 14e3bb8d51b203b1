package io.loghaul.dlqtools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.loghaul.dlq.DlqHeaders;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code dlq stats}: letters counted by error type, by {@code loghaul.error.field} and by source
 * topic, with the oldest and newest {@code loghaul.failed.at}; rendered as a table for people or as
 * JSON for scripts. Not thread-safe.
 */
final class DlqStats {
  /** The key a letter without the header (or with an empty field) is counted under. */
  static final String NONE = "(none)";

  private final String topic;
  private final Map<String, Long> byType = new HashMap<>();
  private final Map<String, Long> byField = new HashMap<>();
  private final Map<String, Long> bySourceTopic = new HashMap<>();
  private long letters;
  private long oldest = Long.MAX_VALUE;
  private long newest = Long.MIN_VALUE;

  DlqStats(String topic) {
    this.topic = topic;
  }

  void add(ConsumerRecord<byte[], byte[]> letter) {
    letters++;
    byType.merge(orNone(Letters.errorType(letter.headers())), 1L, Long::sum);
    byField.merge(orNone(Letters.text(letter.headers(), DlqHeaders.ERROR_FIELD)), 1L, Long::sum);
    bySourceTopic.merge(
        orNone(Letters.text(letter.headers(), DlqHeaders.SOURCE_TOPIC)), 1L, Long::sum);
    long failedAt = Letters.failedAt(letter.headers(), letter.timestamp());
    oldest = Math.min(oldest, failedAt);
    newest = Math.max(newest, failedAt);
  }

  long letters() {
    return letters;
  }

  String table() {
    StringBuilder out = new StringBuilder();
    out.append("dead letters in ").append(topic).append(": ").append(letters).append('\n');
    if (letters == 0) {
      return out.toString();
    }
    out.append("oldest failed at: ").append(Instant.ofEpochMilli(oldest)).append('\n');
    out.append("newest failed at: ").append(Instant.ofEpochMilli(newest)).append('\n');
    section(out, "error type", byType);
    section(out, "field", byField);
    section(out, "source topic", bySourceTopic);
    return out.toString();
  }

  String json() {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("topic", topic);
      g.writeNumberField("letters", letters);
      if (letters > 0) {
        g.writeNumberField("oldest_failed_at_ms", oldest);
        g.writeStringField("oldest_failed_at", Instant.ofEpochMilli(oldest).toString());
        g.writeNumberField("newest_failed_at_ms", newest);
        g.writeStringField("newest_failed_at", Instant.ofEpochMilli(newest).toString());
      }
      object(g, "by_error_type", byType);
      object(g, "by_field", byField);
      object(g, "by_source_topic", bySourceTopic);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w + "\n";
  }

  private static void section(StringBuilder out, String title, Map<String, Long> counts) {
    List<Map.Entry<String, Long>> rows = sorted(counts);
    int width = title.length();
    for (Map.Entry<String, Long> e : rows) {
      width = Math.max(width, e.getKey().length());
    }
    out.append('\n').append(String.format("%-" + width + "s  %10s%n", title, "letters"));
    for (Map.Entry<String, Long> e : rows) {
      out.append(
          String.format(
              "%-" + width + "s  %10d%n",
              Escaping.escape(e.getKey().getBytes(StandardCharsets.UTF_8), 256),
              e.getValue()));
    }
  }

  private static void object(JsonGenerator g, String name, Map<String, Long> counts)
      throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, Long> e : sorted(counts)) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  /** Most letters first, then by name. */
  private static List<Map.Entry<String, Long>> sorted(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .toList();
  }

  private static String orNone(String s) {
    return s == null || s.isEmpty() ? NONE : s;
  }
}
