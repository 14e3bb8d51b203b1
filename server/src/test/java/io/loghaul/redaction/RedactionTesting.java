package io.loghaul.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.schema.Accepted;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryParser;
import io.loghaul.schema.SchemaLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Helpers shared by the redaction tests: rules from YAML text, records from JSON, counting
 * observer.
 */
final class RedactionTesting {
  static final long NOW = 1_795_316_252_123L;
  static final byte[] KEY = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);

  private RedactionTesting() {}

  /** Counts what redaction reports. */
  static final class CountingObserver implements RedactionObserver {
    final Map<String, AtomicInteger> redacted = new ConcurrentHashMap<>();
    final AtomicInteger reloadFailures = new AtomicInteger();

    @Override
    public Runnable redactedCounter(String rule) {
      AtomicInteger c = redacted.computeIfAbsent(rule, r -> new AtomicInteger());
      return c::incrementAndGet;
    }

    @Override
    public void reloadFailed() {
      reloadFailures.incrementAndGet();
    }

    int count(String rule) {
      AtomicInteger c = redacted.get(rule);
      return c == null ? 0 : c.get();
    }
  }

  static Path write(Path dir, String name, String content) {
    try {
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RedactionRules rules(Path dir, String yaml, RedactionObserver observer)
      throws RulesFileException {
    Path file = write(dir, "rules.yaml", yaml);
    Path key = write(dir, "hash.key", new String(KEY, StandardCharsets.UTF_8) + "\n");
    return RedactionRules.load(file, key, observer);
  }

  static LogEntry entry(String json) {
    LogEntry e = new LogEntry();
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    assertThat(new LogEntryParser(SchemaLimits.defaults()).parse(b, 0, b.length, NOW, e))
        .isSameAs(Accepted.INSTANCE);
    return e;
  }

  /** A record with this message and these attributes (values are JSON texts). */
  static String record(String message, String attributesJson) {
    return "{\"timestamp\":"
        + NOW
        + ",\"service_name\":\"svc\",\"level\":\"INFO\",\"message\":"
        + jsonString(message)
        + (attributesJson == null ? "" : ",\"attributes\":" + attributesJson)
        + "}";
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  static Map<String, String> attributes(LogEntry e) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < e.attributeCount(); i++) {
      m.put(e.attributeKey(i), e.attributeValue(i));
    }
    return m;
  }
}
