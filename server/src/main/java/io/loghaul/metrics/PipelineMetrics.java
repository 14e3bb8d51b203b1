package io.loghaul.metrics;

import static java.util.Objects.requireNonNull;

import io.loghaul.clickhouse.InsertObserver;
import io.loghaul.schema.ErrorType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * The meters of docs/metrics.md#metric-reference that the pipeline updates: received, parse errors,
 * inserted, dead-lettered, insert duration/rows/failures, DLQ produce failures, and the
 * per-partition lag gauges. Every counter is registered up front (tags come from closed sets: error
 * types, configured topics, the table); per-partition gauges are registered on assignment and
 * removed on revocation. The record path only increments fields. Thread-safe.
 */
public final class PipelineMetrics implements InsertObserver {
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, TopicMeters> sources = new ConcurrentHashMap<>();
  private final Counter inserted;
  private final Counter replaySkipped;
  private final Counter[] deadLettered;
  private final Timer insertDuration;
  private final DistributionSummary insertRows;
  private final ConcurrentHashMap<String, Counter> insertFailures = new ConcurrentHashMap<>();
  private final Counter dlqFailures;
  private final ConcurrentHashMap<TopicPartition, PartitionMeters> partitions =
      new ConcurrentHashMap<>();
  private final Clock clock;

  public PipelineMetrics(MeterRegistry registry, String table) {
    this(registry, table, Clock.systemUTC());
  }

  /**
   * @param clock the wall clock the commit-lag gauges measure record age against
   */
  public PipelineMetrics(MeterRegistry registry, String table, Clock clock) {
    this.registry = requireNonNull(registry, "registry");
    requireNonNull(table, "table");
    this.clock = requireNonNull(clock, "clock");
    this.inserted =
        Counter.builder("logs.inserted")
            .description("Rows acknowledged by ClickHouse")
            .tag("table", table)
            .register(registry);
    this.replaySkipped =
        Counter.builder("logs.replay.skipped")
            .description(
                "Rows read again after a crash and not inserted because ClickHouse already held them")
            .tag("table", table)
            .register(registry);
    ErrorType[] types = ErrorType.values();
    this.deadLettered = new Counter[types.length];
    for (ErrorType t : types) {
      deadLettered[t.ordinal()] =
          Counter.builder("logs.dead.lettered")
              .description("Records acknowledged by the dead-letter topic")
              .tag("error_type", t.label())
              .register(registry);
    }
    this.insertDuration =
        Timer.builder("clickhouse.insert.duration")
            .description("One INSERT into ClickHouse, acknowledged")
            .serviceLevelObjectives(HistogramBuckets.CLICKHOUSE_INSERT)
            .register(registry);
    this.insertRows =
        DistributionSummary.builder("clickhouse.insert.rows")
            .description("Rows per INSERT")
            .serviceLevelObjectives(HistogramBuckets.INSERT_ROWS)
            .register(registry);
    for (String reason : ClickHouseFailureReasons.ALL) {
      insertFailures(reason);
    }
    this.dlqFailures =
        Counter.builder("dlq.produce.failures")
            .description(
                "Failed produce attempts to the dead-letter topic (each is retried; source offsets wait)")
            .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * The meters of one source (a Kafka topic, or otlp_grpc / otlp_http); call once per source, not
   * per record.
   */
  public TopicMeters source(String source) {
    return sources.computeIfAbsent(source, s -> new TopicMeters(registry, s));
  }

  /** A row re-read after a crash that ClickHouse already held, so it was not inserted again. */
  public void replaySkipped() {
    replaySkipped.increment();
  }

  public void deadLettered(ErrorType type) {
    deadLettered[type.ordinal()].increment();
  }

  /** One produce attempt to the dead-letter topic failed. */
  public void deadLetterFailed() {
    dlqFailures.increment();
  }

  /**
   * Registers the lag gauges of a newly assigned partition (or returns the existing ones). Called
   * from the consumer's rebalance callback, never per record.
   */
  public PartitionMeters assigned(TopicPartition partition) {
    return partitions.computeIfAbsent(partition, tp -> new PartitionMeters(registry, tp, clock));
  }

  /** Removes the lag gauges of revoked or lost partitions. */
  public void unassigned(Collection<TopicPartition> revoked) {
    for (TopicPartition tp : revoked) {
      PartitionMeters m = partitions.remove(tp);
      if (m != null) {
        m.remove(registry);
      }
    }
  }

  /** The partitions that currently have lag gauges; a snapshot. */
  List<PartitionMeters> partitionMeters() {
    return List.copyOf(partitions.values());
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
    return insertFailures.computeIfAbsent(
        reason,
        r ->
            Counter.builder("clickhouse.insert.failures")
                .description("Failed INSERT attempts")
                .tag("reason", r)
                .register(registry));
  }
}
