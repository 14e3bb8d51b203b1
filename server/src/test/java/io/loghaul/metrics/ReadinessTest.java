package io.loghaul.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private final AtomicBoolean consuming = new AtomicBoolean(true);
  private final AtomicBoolean clickhouse = new AtomicBoolean(true);
  private final AtomicBoolean kafka = new AtomicBoolean(true);
  private final AtomicInteger partitions = new AtomicInteger(3);
  private final Readiness readiness =
      new Readiness(
          consuming::get, partitions::get, clickhouse::get, kafka::get, "http://ch:8123", "k:9092");

  @Test
  void isReadyWhenThePipelineConsumesAndBothServersAnswer() {
    assertThat(readiness.notReadyReason()).isNull();
  }

  @Test
  void namesTheFirstMissingConditionPipelineThenClickHouseThenKafka() {
    kafka.set(false);
    assertThat(readiness.notReadyReason()).isEqualTo("Kafka unreachable at k:9092");
    clickhouse.set(false);
    assertThat(readiness.notReadyReason()).isEqualTo("ClickHouse unreachable at http://ch:8123");
    consuming.set(false);
    assertThat(readiness.notReadyReason())
        .isEqualTo(
            "pipeline not consuming (waiting to join the consumer group and get its partitions)");
  }

  @Test
  void aMemberWithoutPartitionsIsReadyAndSaysSo() {
    assertThat(readiness.readyNote()).isNull();
    partitions.set(0);

    assertThat(readiness.notReadyReason()).isNull();
    assertThat(readiness.readyNote())
        .contains("no partition assigned")
        .contains("more members than the topics have partitions");
    consuming.set(false);
    assertThat(readiness.readyNote()).as("only said while ready").isNull();
  }

  @Test
  void theGaugeFollowsTheCheck() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    readiness.register(registry);

    assertThat(registry.get("loghaul.ready").gauge().value()).isEqualTo(1.0);
    clickhouse.set(false);
    assertThat(registry.get("loghaul.ready").gauge().value()).isEqualTo(0.0);
  }
}
