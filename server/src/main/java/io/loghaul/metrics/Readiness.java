package io.loghaul.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Whether this instance is ready to be sent work (docs/metrics.md, admin endpoints): the pipeline
 * is consuming (its consumer joined the group and got its assignment), ClickHouse answers and Kafka
 * answers. A member the group gave no partition (more members than partitions) is ready, and {@link
 * #readyNote()} says so. {@code GET /readyz} answers 200 or 503 with {@link #notReadyReason()}, and
 * the {@code loghaul.ready} gauge is 1 or 0, from the same check.
 *
 * <p>Never blocks: the reachability answers come from the {@link HealthProbe}'s last results, the
 * pipeline's from a volatile flag. Thread-safe.
 */
public final class Readiness {
  private final BooleanSupplier pipelineConsuming;
  private final IntSupplier assignedPartitions;
  private final BooleanSupplier clickhouseReachable;
  private final BooleanSupplier kafkaReachable;
  private final String clickhouseUrl;
  private final String kafkaBootstrap;

  /**
   * @param clickhouseUrl where ClickHouse is, for the reason (never holds credentials)
   * @param kafkaBootstrap where Kafka is, for the reason
   */
  public Readiness(
      BooleanSupplier pipelineConsuming,
      IntSupplier assignedPartitions,
      BooleanSupplier clickhouseReachable,
      BooleanSupplier kafkaReachable,
      String clickhouseUrl,
      String kafkaBootstrap) {
    this.pipelineConsuming = requireNonNull(pipelineConsuming, "pipelineConsuming");
    this.assignedPartitions = requireNonNull(assignedPartitions, "assignedPartitions");
    this.clickhouseReachable = requireNonNull(clickhouseReachable, "clickhouseReachable");
    this.kafkaReachable = requireNonNull(kafkaReachable, "kafkaReachable");
    this.clickhouseUrl = requireNonNull(clickhouseUrl, "clickhouseUrl");
    this.kafkaBootstrap = requireNonNull(kafkaBootstrap, "kafkaBootstrap");
  }

  /** Readiness as the probe last saw it: {@code probe}'s results for ClickHouse and Kafka. */
  public static Readiness of(
      BooleanSupplier pipelineConsuming,
      IntSupplier assignedPartitions,
      HealthProbe probe,
      String clickhouseUrl,
      String kafkaBootstrap) {
    return new Readiness(
        pipelineConsuming,
        assignedPartitions,
        probe::clickhouseReachable,
        probe::kafkaReachable,
        clickhouseUrl,
        kafkaBootstrap);
  }

  /** Null when ready, else why not (the first of: pipeline, ClickHouse, Kafka). */
  public String notReadyReason() {
    if (!pipelineConsuming.getAsBoolean()) {
      return "pipeline not consuming (waiting to join the consumer group and get its partitions)";
    }
    if (!clickhouseReachable.getAsBoolean()) {
      return "ClickHouse unreachable at " + clickhouseUrl;
    }
    if (!kafkaReachable.getAsBoolean()) {
      return "Kafka unreachable at " + kafkaBootstrap;
    }
    return null;
  }

  /**
   * What {@code /readyz} adds to "ready": null normally; a note when this instance is a group
   * member without partitions (ready, but it takes no records from Kafka until a rebalance gives it
   * some).
   */
  public String readyNote() {
    if (notReadyReason() == null && assignedPartitions.getAsInt() == 0) {
      return "no partition assigned: the consumer group has more members than the topics have"
          + " partitions, so this instance takes OTLP requests but reads nothing from Kafka";
    }
    return null;
  }

  /** Registers the {@code loghaul.ready} gauge (1 while ready, else 0) in {@code registry}. */
  public void register(MeterRegistry registry) {
    Gauge.builder("loghaul.ready", this, r -> r.notReadyReason() == null ? 1 : 0)
        .description(
            "1 while /readyz answers 200 (Kafka and ClickHouse reachable, pipeline "
                + "joined its consumer group and got its partitions), else 0")
        .strongReference(true)
        .register(registry);
  }
}
