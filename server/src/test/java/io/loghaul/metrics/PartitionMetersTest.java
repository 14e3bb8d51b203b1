package io.loghaul.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC);
  private final PipelineMetrics metrics = new PipelineMetrics(registry, "logs", clock);
  private final TopicPartition tp = new TopicPartition("logs", 3);

  private double gauge(String name) {
    return registry.get(name).tag("topic", "logs").tag("partition", "3").gauge().value();
  }

  @Test
  void commitLagIsTheAgeOfTheOldestUncommittedRecordAndZeroWhenCaughtUp() {
    PartitionMeters m = metrics.assigned(tp);
    assertThat(gauge("kafka.commit.lag.seconds")).isZero();
    m.oldestUncommitted(1_000_000 - 12_500);
    assertThat(gauge("kafka.commit.lag.seconds")).isEqualTo(12.5);
    m.oldestUncommitted(-1);
    assertThat(gauge("kafka.commit.lag.seconds")).isZero();
  }

  @Test
  void commitLagIsNeverNegativeWhenAProducerClockRunsAhead() {
    metrics.assigned(tp).oldestUncommitted(1_000_000 + 5_000);
    assertThat(gauge("kafka.commit.lag.seconds")).isZero();
  }

  @Test
  void consumerLagIsLogEndMinusCommittedFallingBackToTheGroupOffset() {
    PartitionMeters m = metrics.assigned(tp);
    m.endOffset(100);
    assertThat(gauge("kafka.consumer.lag.records")).as("nothing known about commits yet").isZero();
    m.groupCommitted(40);
    assertThat(gauge("kafka.consumer.lag.records")).isEqualTo(60);
    m.committed(90);
    assertThat(gauge("kafka.consumer.lag.records")).isEqualTo(10);
  }

  @Test
  void gaugesAreRegisteredOnceAndRemovedOnRevocation() {
    PartitionMeters first = metrics.assigned(tp);
    assertThat(metrics.assigned(tp)).isSameAs(first);
    assertThat(registry.find("kafka.commit.lag.seconds").gauges()).hasSize(1);
    metrics.unassigned(List.of(tp));
    assertThat(registry.find("kafka.commit.lag.seconds").gauges()).isEmpty();
    assertThat(registry.find("kafka.consumer.lag.records").gauges()).isEmpty();
    assertThat(metrics.partitionMeters()).isEmpty();
  }
}
