package io.loghaul.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.config.LoghaulConfig;
import io.loghaul.dlq.DeadLetterPublisher;
import io.loghaul.metrics.PipelineMetrics;
import io.loghaul.schema.SchemaLimits;
import io.loghaul.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link Pipeline#consuming()} (what {@code /readyz} reports) follows the group: false while the
 * consumer polls without an assignment, true once the group assigned it partitions or, with more
 * members than partitions, none; false again when its partitions are lost, until the next
 * assignment.
 */
class PipelineReadinessTest {
  private static final TopicPartition P0 = new TopicPartition("logs", 0);
  private static final TopicPartition P1 = new TopicPartition("logs", 1);

  private final TestConsumer consumer = new TestConsumer();
  private final ManualClock clock = new ManualClock(1_795_316_252_000L);
  private final Pipeline pipeline =
      new Pipeline(
          consumer,
          (partition, offset) -> new SourceReader.Unavailable("not needed here"),
          List.of("logs"),
          new RecordDecoder(SchemaLimits.defaults()),
          null,
          new MemorySink(),
          new DeadLetterPublisher(
              new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
              "logs.dlq",
              clock,
              l -> {}),
          new PipelineMetrics(new SimpleMeterRegistry(), "logs", clock),
          new LoghaulConfig.Batch(100, 16 << 20, 1_000),
          clock,
          clock);

  @Test
  void isNotConsumingWhilePollingBeforeTheGroupAssignedPartitions() {
    pipeline.subscribe();
    pipeline.pollOnce();
    pipeline.pollOnce();

    assertThat(pipeline.consuming()).isFalse();
  }

  @Test
  void consumesOnceTheGroupAssignedPartitions() {
    pipeline.subscribe();
    pipeline.pollOnce();
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.rebalance(List.of(P0, P1));
    pipeline.pollOnce();

    assertThat(pipeline.consuming()).isTrue();
    assertThat(pipeline.assignedPartitions()).isEqualTo(2);
  }

  @Test
  void aMemberGivenNoPartitionIsConsumingWithNone() {
    pipeline.subscribe();
    pipeline.pollOnce();
    consumer.listener.onPartitionsAssigned(List.of());
    pipeline.pollOnce();

    assertThat(pipeline.consuming()).isTrue();
    assertThat(pipeline.assignedPartitions()).isZero();
  }

  @Test
  void stopsConsumingWhenItsPartitionsAreLostUntilTheNextAssignment() {
    pipeline.subscribe();
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.rebalance(List.of(P0, P1));
    pipeline.pollOnce();
    assertThat(pipeline.consuming()).isTrue();

    consumer.listener.onPartitionsLost(List.of(P0, P1));
    assertThat(pipeline.consuming()).isFalse();
    assertThat(pipeline.assignedPartitions()).isZero();

    consumer.listener.onPartitionsAssigned(List.of(P1));
    assertThat(pipeline.consuming()).isTrue();
    assertThat(pipeline.assignedPartitions()).isEqualTo(1);
  }

  @Test
  void aRevocationFollowedByAnAssignmentKeepsItConsuming() {
    pipeline.subscribe();
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.rebalance(List.of(P0, P1));
    pipeline.pollOnce();
    consumer.rebalance(List.of(P1));
    pipeline.pollOnce();

    assertThat(pipeline.consuming()).isTrue();
    assertThat(pipeline.assignedPartitions()).isEqualTo(1);
  }
}
