package io.loghaul.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private final AtomicBoolean consuming = new AtomicBoolean(true);
  private final AtomicBoolean clickhouse = new AtomicBoolean(true);
  private final AtomicBoolean kafka = new AtomicBoolean(true);
  private final Readiness readiness = new Readiness(consuming::get, clickhouse::get, kafka::get,
      "http://ch:8123", "k:9092");

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
    assertThat(readiness.notReadyReason()).isEqualTo("pipeline not consuming");
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
