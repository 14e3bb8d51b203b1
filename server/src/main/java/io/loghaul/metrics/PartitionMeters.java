package io.loghaul.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The two per-partition gauges of docs/metrics.md#metric-reference for one assigned partition:
 * {@code kafka_commit_lag_seconds} and {@code kafka_consumer_lag_records}. Registered when the
 * partition is assigned and removed when it is revoked, never touched per record.
 *
 * <p>The consumer thread publishes the Kafka timestamp of the oldest record not yet committed (once
 * per poll loop turn) and the offset committed; the {@link HealthProbe} publishes the log end
 * offset. The gauges compute their value from those volatile fields at scrape time, so the commit
 * lag keeps rising while nothing is committed (e.g. ClickHouse is down) even if the consumer thread
 * is quiet.
 */
public final class PartitionMeters {
  private final TopicPartition partition;
  private final Clock clock;
  private final List<Gauge> gauges;

  /** Epoch millis of the oldest record not yet committed, or -1 when caught up. */
  private volatile long oldestUncommittedMillis = -1;

  /**
   * The next offset to commit (what the group has, or will have once durable work is committed), -1
   * unknown.
   */
  private volatile long committedOffset = -1;

  /** The group's committed offset as the probe last saw it; used until we committed ourselves. */
  private volatile long groupCommittedOffset = -1;

  /** Log end offset from the last probe, -1 unknown. */
  private volatile long endOffset = -1;

  PartitionMeters(MeterRegistry registry, TopicPartition partition, Clock clock) {
    this.partition = partition;
    this.clock = clock;
    String p = Integer.toString(partition.partition());
    this.gauges =
        List.of(
            Gauge.builder("kafka.commit.lag.seconds", this, PartitionMeters::commitLagSeconds)
                .description(
                    "Age of the oldest record not yet committed (now - its Kafka timestamp); 0 when caught up")
                .tag("topic", partition.topic())
                .tag("partition", p)
                .strongReference(true)
                .register(registry),
            Gauge.builder("kafka.consumer.lag.records", this, PartitionMeters::consumerLagRecords)
                .description("Log end offset - committed offset")
                .tag("topic", partition.topic())
                .tag("partition", p)
                .strongReference(true)
                .register(registry));
  }

  public TopicPartition partition() {
    return partition;
  }

  /**
   * Called by the consumer thread: the Kafka timestamp of the oldest uncommitted record, or -1 when
   * none.
   */
  public void oldestUncommitted(long epochMillis) {
    oldestUncommittedMillis = epochMillis;
  }

  /**
   * Called by the consumer thread after a commit (or with the first position when none exists yet).
   */
  public void committed(long offset) {
    committedOffset = offset;
  }

  long committedOffset() {
    return committedOffset;
  }

  /** Called by the {@link HealthProbe} with the group's committed offset. */
  void groupCommitted(long offset) {
    groupCommittedOffset = offset;
  }

  /** Called by the {@link HealthProbe} with the partition's log end offset. */
  void endOffset(long offset) {
    endOffset = offset;
  }

  double commitLagSeconds() {
    long oldest = oldestUncommittedMillis;
    if (oldest < 0) {
      return 0;
    }
    // a producer clock ahead of ours must not make the lag negative
    return Math.max(0, clock.millis() - oldest) / 1000.0;
  }

  double consumerLagRecords() {
    long end = endOffset;
    long committed = committedOffset;
    if (committed < 0) {
      committed = groupCommittedOffset;
    }
    if (end < 0 || committed < 0) {
      return 0;
    }
    return Math.max(0, end - committed);
  }

  void remove(MeterRegistry registry) {
    for (Gauge g : gauges) {
      registry.remove(g);
    }
  }
}
