package io.loghaul.pipeline;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses and resumes partitions so the consumer keeps polling (and so keeps its group membership)
 * while records cannot move on: every partition while polled records wait in the {@link
 * PollBacklog} (the batches are full: ClickHouse is slow or down), and single partitions while a
 * dead letter of theirs cannot be written. Calls {@link Consumer#pause}/{@link Consumer#resume}
 * only for the difference to what is paused already. Single-threaded (the consumer thread).
 */
final class Pauser {
  private static final Logger log = LoggerFactory.getLogger(Pauser.class);

  private final Consumer<ByteBuffer, ByteBuffer> consumer;
  private final Set<TopicPartition> paused = new HashSet<>();

  Pauser(Consumer<ByteBuffer, ByteBuffer> consumer) {
    this.consumer = consumer;
  }

  /**
   * Pauses all of {@code assigned} when {@code backPressure}, else those {@code blocked} says wait
   * for the DLQ; resumes the rest.
   */
  void update(
      Collection<TopicPartition> assigned,
      boolean backPressure,
      Predicate<TopicPartition> blocked) {
    if (!backPressure && paused.isEmpty() && noneBlocked(assigned, blocked)) {
      return; // the common case: nothing paused, nothing to pause
    }
    Set<TopicPartition> want = new HashSet<>();
    for (TopicPartition tp : assigned) {
      if (backPressure || blocked.test(tp)) {
        want.add(tp);
      }
    }
    if (want.equals(paused)) {
      return;
    }
    List<TopicPartition> toPause = new ArrayList<>();
    for (TopicPartition tp : want) {
      if (!paused.contains(tp)) {
        toPause.add(tp);
      }
    }
    List<TopicPartition> toResume = new ArrayList<>();
    for (TopicPartition tp : paused) {
      if (!want.contains(tp)) {
        toResume.add(tp);
      }
    }
    if (!toPause.isEmpty()) {
      consumer.pause(toPause);
      log.debug("Paused {}", toPause);
    }
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
      log.debug("Resumed {}", toResume);
    }
    paused.clear();
    paused.addAll(want);
  }

  private static boolean noneBlocked(
      Collection<TopicPartition> assigned, Predicate<TopicPartition> blocked) {
    for (TopicPartition tp : assigned) {
      if (blocked.test(tp)) {
        return false;
      }
    }
    return true;
  }

  /** Forgets partitions this consumer no longer owns (the consumer forgets their pause itself). */
  void forget(Collection<TopicPartition> partitions) {
    paused.removeAll(partitions);
  }
}
