package io.loghaul.metrics;

import static java.util.Objects.requireNonNull;

import io.loghaul.clickhouse.InsertObserver;
import io.loghaul.schema.ErrorType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of SPEC §8 that the pipeline updates: received, parse errors, inserted, dead-lettered,
 * insert duration/rows/failures. Every meter is registered up front (tags come from closed sets:
 * error types, configured topics, the table); the record path only increments fields.
 * Thread-safe.
 */
public final class PipelineMetrics implements InsertObserver {
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, TopicMeters> sources = new ConcurrentHashMap<>();
  private final Counter inserted;
  private final Counter[] deadLettered;
  private final Timer insertDuration;
  private final DistributionSummary insertRows;
  private final ConcurrentHashMap<String, Counter> insertFailures = new ConcurrentHashMap<>();

  public PipelineMetrics(MeterRegistry registry, String table) {
    this.registry = requireNonNull(registry, "registry");
    this.inserted = Counter.builder("logs.inserted")
        .description("Rows acknowledged by ClickHouse")
        .tag("table", table)
        .register(registry);
    ErrorType[] types = ErrorType.values();
    this.deadLettered = new Counter[types.length];
    for (ErrorType t : types) {
      deadLettered[t.ordinal()] = Counter.builder("logs.dead.lettered")
          .description("Records acknowledged by the dead-letter topic")
          .tag("error_type", t.label())
          .register(registry);
    }
    this.insertDuration = Timer.builder("clickhouse.insert.duration")
        .description("One INSERT into ClickHouse, acknowledged")
        .publishPercentileHistogram()
        .register(registry);
    this.insertRows = DistributionSummary.builder("clickhouse.insert.rows")
        .description("Rows per INSERT")
        .publishPercentileHistogram()
        .register(registry);
    for (String reason : ClickHouseFailureReasons.ALL) {
      insertFailures(reason);
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The meters of one source (a Kafka topic, or otlp_grpc / otlp_http); call once per source, not per record. */
  public TopicMeters source(String source) {
    return sources.computeIfAbsent(source, s -> new TopicMeters(registry, s));
  }

  public void deadLettered(ErrorType type) {
    deadLettered[type.ordinal()].increment();
  }

  @Override
  public void inserted(int rows, int bytes, long durationNanos) {
    inserted.increment(rows);
    insertRows.record(rows);
    insertDuration.record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void failed(String reason, long durationNanos) {
    insertFailures(reason).increment();
  }

  private Counter insertFailures(String reason) {
    return insertFailures.computeIfAbsent(reason, r -> Counter.builder("clickhouse.insert.failures")
        .description("Failed INSERT attempts")
        .tag("reason", r)
        .register(registry));
  }
}
