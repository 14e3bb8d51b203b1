package io.loghaul.pipeline;

import io.loghaul.dlq.DeadLetterQueue;
import io.loghaul.metrics.PipelineMetrics;
import io.loghaul.record.NanoClock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's rebalance callbacks, and the drain they share with shutdown. On assignment it
 * creates the partitions' state and arms the {@link ReplayGuard}. On revocation it first makes the
 * revoked partitions' processed records durable (flushing the open batch if it holds any of them,
 * waiting for the sink and for their dead letters), bounded by {@link #DRAIN_TIMEOUT_MILLIS}, and
 * commits them; only then does it forget the partitions, so their new owner starts where this one
 * stopped. A lost partition is forgotten at once (its uncommitted records are read again by its new
 * owner).
 *
 * <p>Single-threaded: Kafka calls it on the consumer thread, inside {@code poll}.
 */
final class RebalanceDrain implements ConsumerRebalanceListener {
  private static final Logger log = LoggerFactory.getLogger(RebalanceDrain.class);

  /** How long a revocation or shutdown waits for pending work before giving up on committing it. */
  static final long DRAIN_TIMEOUT_MILLIS = 30_000;

  private final Map<TopicPartition, PartitionState> assigned;
  private final PipelineMetrics metrics;
  private final ReplayGuard replay;
  private final Batcher batcher;
  private final DeadLetterQueue deadLetters;
  private final Committer committer;
  private final PollBacklog backlog;
  private final Pauser pauser;
  private final NanoClock clock;
  private volatile int rebalances;

  /** True from an assignment (even an empty one) until partitions are lost: the group has us. */
  private volatile boolean member;

  private volatile int owned;

  RebalanceDrain(
      Map<TopicPartition, PartitionState> assigned,
      PipelineMetrics metrics,
      ReplayGuard replay,
      Batcher batcher,
      DeadLetterQueue deadLetters,
      Committer committer,
      PollBacklog backlog,
      Pauser pauser,
      NanoClock clock) {
    this.assigned = assigned;
    this.metrics = metrics;
    this.replay = replay;
    this.batcher = batcher;
    this.deadLetters = deadLetters;
    this.committer = committer;
    this.backlog = backlog;
    this.pauser = pauser;
    this.clock = clock;
  }

  /** How many rebalances this consumer took part in (each calls onPartitionsAssigned once). */
  int rebalances() {
    return rebalances;
  }

  /**
   * True once the group has given this consumer its assignment (which may be empty: a group with
   * more members than partitions), until the assignment is lost. Read from any thread.
   */
  boolean member() {
    return member;
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    rebalances++;
    if (partitions.isEmpty()) {
      if (assigned.isEmpty()) {
        log.info(
            "Joined the consumer group with no partition assigned (the group has more members"
                + " than the topics have partitions): idle until a rebalance gives it one");
      }
      joined();
      return;
    }
    for (TopicPartition tp : partitions) {
      assigned.put(tp, new PartitionState(tp, metrics.source(tp.topic()), metrics.assigned(tp)));
    }
    for (Map.Entry<TopicPartition, String> e : replay.arm(partitions).entrySet()) {
      PartitionState state = assigned.get(e.getKey());
      if (state != null) {
        state.assignedWith(e.getValue());
      }
    }
    log.info("Assigned {}", partitions);
    joined();
  }

  /** After an assignment: the count first, so a reader seeing {@code member} sees it too. */
  private void joined() {
    owned = assigned.size();
    member = true;
  }

  /** How many partitions this consumer owns, as of the last rebalance callback. Any thread. */
  int owned() {
    return owned;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    log.info("Revoking {}: flushing and committing their pending records first", partitions);
    drain(partitions, DRAIN_TIMEOUT_MILLIS);
    forget(partitions);
    owned = assigned.size();
    metrics.unassigned(partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    member = false; // out of the group until the next assignment
    log.warn(
        "Lost {} without a clean revocation; their uncommitted records will be read again",
        partitions);
    forget(partitions);
    owned = assigned.size();
    metrics.unassigned(partitions);
  }

  /**
   * Makes everything processed for {@code partitions} durable (flushing the open batch if it holds
   * any of their rows), bounded by {@code timeoutMillis}, then commits it. Used on revocation and
   * shutdown.
   */
  void drain(Collection<TopicPartition> partitions, long timeoutMillis) {
    long deadline = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    if (anyPending(partitions)) {
      if (openBatchHoldsAny(partitions)) {
        batcher.flush(deadline, deadLetters::retryDue);
      }
      while (clock.nanoTime() - deadline < 0 && anyPending(partitions)) {
        batcher.collectFinished();
        deadLetters.retryDue();
        Batcher.sleep();
      }
      if (anyPending(partitions)) {
        log.warn(
            "Gave up waiting for ClickHouse/DLQ after {} ms for {}; their uncommitted records will be read again",
            timeoutMillis,
            partitions);
      }
    }
    batcher.collectFinished();
    committer.commit(partitions, true);
  }

  private boolean openBatchHoldsAny(Collection<TopicPartition> partitions) {
    var open = batcher.openWork();
    if (open == null) {
      return false;
    }
    for (TopicPartition tp : partitions) {
      PartitionState state = assigned.get(tp);
      if (state != null && state.progress.holds(open)) {
        return true;
      }
    }
    return false;
  }

  private boolean anyPending(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      PartitionState state = assigned.get(tp);
      if (state != null && state.progress.hasPending()) {
        return true;
      }
    }
    return false;
  }

  /** Drops everything about partitions this consumer no longer owns. */
  private void forget(Collection<TopicPartition> partitions) {
    List<TopicPartition> gone = List.copyOf(partitions);
    gone.forEach(assigned::remove);
    pauser.forget(gone);
    backlog.removeAll(gone);
    deadLetters.forget(gone);
    replay.forget(gone);
  }
}
