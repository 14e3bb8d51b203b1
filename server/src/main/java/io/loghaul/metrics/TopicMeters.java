package io.loghaul.metrics;

import io.loghaul.schema.ErrorType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The per-source counters of one Kafka topic (or OTLP transport), created once so the record path
 * increments fields and never looks a meter up by name. Thread-safe.
 */
public final class TopicMeters {
  private final Counter received;
  private final Counter[] parseErrors;

  TopicMeters(MeterRegistry registry, String source) {
    this.received =
        Counter.builder("logs.received")
            .description("Records read from Kafka or OTLP")
            .tag("source", source)
            .register(registry);
    ErrorType[] types = ErrorType.values();
    this.parseErrors = new Counter[types.length];
    for (ErrorType t : types) {
      parseErrors[t.ordinal()] =
          Counter.builder("log.parse.errors")
              .description("Records rejected by the schema check")
              .tag("error_type", t.label())
              .tag("source", source)
              .register(registry);
    }
  }

  public void received(int count) {
    received.increment(count);
  }

  public void parseError(ErrorType type) {
    parseErrors[type.ordinal()].increment();
  }
}
