package io.loghaul.pipeline;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's {@link MockConsumer} plus what pipeline tests look at: every commit in order (with its
 * metadata) and the group's committed offsets as they were before this consumer joined.
 */
final class TestConsumer extends MockConsumer<ByteBuffer, ByteBuffer> {
  /** Every commit, in order. */
  final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();

  private final Map<TopicPartition, OffsetAndMetadata> previousOwner = new HashMap<>();
  private final Map<TopicPartition, OffsetAndMetadata> latest = new HashMap<>();
  private boolean inSync;

  /** The pipeline's rebalance listener, once it subscribed (for callbacks the mock never makes). */
  ConsumerRebalanceListener listener;

  TestConsumer() {
    super(AutoOffsetResetStrategy.EARLIEST.name());
  }

  @Override
  public synchronized void subscribe(
      Collection<String> topics, ConsumerRebalanceListener callback) {
    listener = callback;
    super.subscribe(topics, callback);
  }

  /** What the group had committed for {@code partition} before (e.g. a crashed owner). */
  void committedBefore(TopicPartition partition, OffsetAndMetadata offset) {
    previousOwner.put(partition, offset);
  }

  @Override
  public synchronized void commitSync(
      Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    record(offsets);
    inSync = true; // the mock may implement one commit with the other
    try {
      super.commitSync(offsets, timeout);
    } finally {
      inSync = false;
    }
  }

  @Override
  public synchronized void commitAsync(
      Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
    if (!inSync) {
      record(offsets);
    }
    super.commitAsync(offsets, callback);
  }

  private void record(Map<TopicPartition, OffsetAndMetadata> offsets) {
    commits.add(Map.copyOf(offsets));
    latest.putAll(offsets);
  }

  /** The last offset this consumer committed for {@code partition}, or null. */
  OffsetAndMetadata lastCommitted(TopicPartition partition) {
    return latest.get(partition);
  }

  @Override
  public synchronized Map<TopicPartition, OffsetAndMetadata> committed(
      Set<TopicPartition> partitions, Duration timeout) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata o = latest.containsKey(tp) ? latest.get(tp) : previousOwner.get(tp);
      if (o != null) {
        out.put(tp, o);
      }
    }
    return out;
  }
}
