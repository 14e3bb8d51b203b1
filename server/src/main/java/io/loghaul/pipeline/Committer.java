package io.loghaul.pipeline;

import static java.util.Objects.requireNonNull;

import io.loghaul.record.NanoClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits, per partition, the offset below which every record is durable ({@link
 * PartitionProgress#committable()}), with metadata naming the accepted rows above it that may
 * already be stored ({@link PartitionState#metadataFor}); a partition is committed only when its
 * offset or metadata changed. Synchronous commits are used where order matters (before an insert,
 * after a batch finished, on revocation and shutdown); otherwise an asynchronous one at most every
 * {@link #INTERVAL_MILLIS} ms, whose callback runs on the consumer thread in a later poll. A failed
 * commit is logged and covered by the next one.
 *
 * <p>Single-threaded (the consumer thread).
 */
final class Committer {
  private static final Logger log = LoggerFactory.getLogger(Committer.class);

  /** Most time between two commits while records are being made durable. */
  static final long INTERVAL_MILLIS = 1_000;

  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

  private final Consumer<ByteBuffer, ByteBuffer> consumer;
  private final Map<TopicPartition, PartitionState> assigned;
  private final NanoClock clock;
  private long lastCommitNanos;

  /**
   * @param assigned the pipeline's partitions, read at each commit
   */
  Committer(
      Consumer<ByteBuffer, ByteBuffer> consumer,
      Map<TopicPartition, PartitionState> assigned,
      NanoClock clock) {
    this.consumer = requireNonNull(consumer, "consumer");
    this.assigned = requireNonNull(assigned, "assigned");
    this.clock = requireNonNull(clock, "clock");
    this.lastCommitNanos = clock.nanoTime();
  }

  /**
   * Commits every assigned partition asynchronously if the last commit is {@link #INTERVAL_MILLIS}
   * old.
   */
  void commitIfDue() {
    if (clock.nanoTime() - lastCommitNanos >= TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS)) {
      commit(assigned.keySet(), false);
    }
  }

  /** Commits every assigned partition synchronously. */
  void commitAll() {
    commit(assigned.keySet(), true);
  }

  /** Commits {@code partitions} whose durable prefix or metadata changed. */
  void commit(Collection<TopicPartition> partitions, boolean sync) {
    lastCommitNanos = clock.nanoTime();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionState state = assigned.get(tp);
      if (state == null) {
        continue;
      }
      long offset = state.progress.committable();
      if (offset < 0) {
        continue;
      }
      String metadata = state.metadataFor(offset);
      if (state.changes(offset, metadata)) {
        offsets.put(tp, new OffsetAndMetadata(offset, metadata));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      if (sync) {
        consumer.commitSync(offsets, SYNC_TIMEOUT);
        committed(offsets);
      } else {
        consumer.commitAsync(
            offsets,
            (committed, e) -> {
              if (e == null) {
                committed(committed);
              } else {
                log.debug("Async commit failed; the next commit covers it", e);
              }
            });
      }
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      log.warn("Offset commit failed; will retry with the next commit: {}", e.toString());
    }
  }

  private void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      PartitionState state = assigned.get(e.getKey());
      if (state != null) {
        state.committed(e.getValue().offset(), e.getValue().metadata());
      }
    }
  }
}
