package io.loghaul.metrics;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background checks that must not run on the admin HTTP thread or the consumer thread: whether
 * Kafka answers ({@code describeCluster}) and ClickHouse answers ({@code GET /ping}), and the log
 * end offsets behind {@code kafka_consumer_lag_records}. Runs every {@link
 * #DEFAULT_INTERVAL_MILLIS} on one daemon thread; every remote call is bounded by {@link
 * #DEFAULT_TIMEOUT_MILLIS}, so an outage shows within interval + timeout (well under the 15 s
 * readiness promise) and recovery is noticed on the next turn by itself.
 *
 * <p>Results are volatile fields read by {@link #kafkaReachable()} and {@link
 * #clickhouseReachable()}; both start false until the first check ran. A dependency going away is
 * logged at WARN (repeated once a minute while it stays away), its return at INFO ({@link
 * DependencyWatch}), never once per turn.
 */
public final class HealthProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthProbe.class);
  public static final long DEFAULT_INTERVAL_MILLIS = 2_000;
  public static final long DEFAULT_TIMEOUT_MILLIS = 3_000;

  private final Admin admin;
  private final String group;
  private final BooleanSupplier clickhousePing;
  private final PipelineMetrics metrics;
  private final long timeoutMillis;
  private final ScheduledExecutorService thread;
  private volatile boolean kafkaReachable;
  private volatile boolean clickhouseReachable;
  private final DependencyWatch clickhouseWatch = new DependencyWatch("ClickHouse", "its ping");
  private final DependencyWatch kafkaWatch = new DependencyWatch("Kafka", "describeCluster");

  /**
   * @param admin a Kafka admin client this probe owns and closes
   * @param group the consumer group whose committed offsets fill in partitions not committed by us
   *     yet
   * @param clickhousePing a bounded, non-throwing ClickHouse ping
   */
  public HealthProbe(
      Admin admin, String group, BooleanSupplier clickhousePing, PipelineMetrics metrics) {
    this(admin, group, clickhousePing, metrics, DEFAULT_INTERVAL_MILLIS, DEFAULT_TIMEOUT_MILLIS);
  }

  HealthProbe(
      Admin admin,
      String group,
      BooleanSupplier clickhousePing,
      PipelineMetrics metrics,
      long intervalMillis,
      long timeoutMillis) {
    this.admin = requireNonNull(admin, "admin");
    this.group = requireNonNull(group, "group");
    this.clickhousePing = requireNonNull(clickhousePing, "clickhousePing");
    this.metrics = requireNonNull(metrics, "metrics");
    if (intervalMillis <= 0) {
      throw new IllegalArgumentException("intervalMillis: " + intervalMillis + " (expected: > 0)");
    }
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("timeoutMillis: " + timeoutMillis + " (expected: > 0)");
    }
    this.timeoutMillis = timeoutMillis;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "loghaul-probe");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(this::checkSafely, 0, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Whether the last {@code describeCluster} succeeded. */
  public boolean kafkaReachable() {
    return kafkaReachable;
  }

  /** Whether the last ClickHouse ping succeeded. */
  public boolean clickhouseReachable() {
    return clickhouseReachable;
  }

  private void checkSafely() {
    try {
      check();
    } catch (RuntimeException e) {
      // a scheduled task that throws is never run again: keep probing whatever happened
      log.warn("Health probe failed unexpectedly", e);
    }
  }

  private void check() {
    boolean ch = clickhousePing.getAsBoolean();
    log(clickhouseWatch.record(ch, System.nanoTime()));
    clickhouseReachable = ch;

    boolean kafka;
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMillis))
          .clusterId()
          .get(timeoutMillis, TimeUnit.MILLISECONDS);
      kafka = true;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        return;
      }
      kafka = false;
    }
    log(kafkaWatch.record(kafka, System.nanoTime()));
    kafkaReachable = kafka;
    if (kafka) {
      refreshLag();
    }
  }

  private static void log(DependencyWatch.Line line) {
    if (line == null) {
      return;
    }
    if (line.warn()) {
      log.warn(line.text());
    } else {
      log.info(line.text());
    }
  }

  /**
   * Log end offsets (and, where we committed nothing yet, the group's offsets) of assigned
   * partitions.
   */
  private void refreshLag() {
    List<PartitionMeters> meters = metrics.partitionMeters();
    if (meters.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    boolean needGroup = false;
    for (PartitionMeters m : meters) {
      request.put(m.partition(), OffsetSpec.latest());
      needGroup |= m.committedOffset() < 0;
    }
    try {
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin
              .listOffsets(request, new ListOffsetsOptions().timeoutMs((int) timeoutMillis))
              .all()
              .get(timeoutMillis, TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
      if (needGroup) {
        committed =
            admin
                .listConsumerGroupOffsets(
                    group, new ListConsumerGroupOffsetsOptions().timeoutMs((int) timeoutMillis))
                .partitionsToOffsetAndMetadata()
                .get(timeoutMillis, TimeUnit.MILLISECONDS);
      }
      for (PartitionMeters m : meters) {
        ListOffsetsResult.ListOffsetsResultInfo end = ends.get(m.partition());
        if (end != null) {
          m.endOffset(end.offset());
        }
        OffsetAndMetadata c = committed.get(m.partition());
        if (c != null) {
          m.groupCommitted(c.offset());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("Could not refresh log end offsets", e);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(timeoutMillis * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(Duration.ofSeconds(5));
  }
}
