package io.loghaul.dlq;

import static java.util.Objects.requireNonNull;

import io.loghaul.record.Backoff;
import io.loghaul.record.NanoClock;
import io.loghaul.schema.ErrorType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of dead letters: every record the schema check or ClickHouse rejected is handed
 * here ({@link #add}), produced to the dead-letter topic at once, and, when a produce fails,
 * produced again after a capped exponential {@link Backoff} ({@value
 * Backoff#DEFAULT_INITIAL_MILLIS} ms doubling up to {@value Backoff#DEFAULT_MAX_MILLIS} ms per
 * letter) until Kafka acknowledges it. A letter is never skipped. The returned {@link DeadLetter}
 * is the {@code Durable} that holds its source offset; while it fails, its source partition is
 * {@link #blocks blocked}, so the caller pauses that partition only and every other keeps flowing.
 *
 * <p>Threading: one thread (the consumer's) calls every method; the producer's callbacks only set
 * the letters' volatile state. Nothing here waits: {@link #retryDue()} is called once per loop
 * turn.
 *
 * <p>Logging: one WARN when letters start failing (the start of an outage), one INFO when none is
 * failing any more, with the failed attempts summed; nothing per attempt. Each failed attempt is
 * also counted by the publisher's failure callback ({@code dlq.produce.failures}).
 */
public final class DeadLetterQueue {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterQueue.class);
  private static final long NOT_SCHEDULED = Long.MIN_VALUE;

  private final DeadLetterPublisher publisher;
  private final NanoClock clock;
  private final long initialBackoffMillis;
  private final long maxBackoffMillis;
  private final List<Pending> pending = new ArrayList<>();
  private final Set<TopicPartition> blocked = new HashSet<>();

  /** {@link NanoClock#nanoTime()} when letters started failing, or {@link #NOT_SCHEDULED}. */
  private long outageSinceNanos = NOT_SCHEDULED;

  private long failedAttempts;
  private int recovered;

  /** A letter not acknowledged yet, with its retry timing. */
  private static final class Pending {
    final DeadLetter letter;
    final TopicPartition partition;
    final Backoff backoff;
    long retryAtNanos = NOT_SCHEDULED;
    boolean failedBefore;

    Pending(DeadLetter letter, Backoff backoff) {
      this.letter = letter;
      this.partition = new TopicPartition(letter.source().topic(), letter.source().partition());
      this.backoff = backoff;
    }
  }

  /**
   * Retries with the default backoff ({@value Backoff#DEFAULT_INITIAL_MILLIS} → {@value
   * Backoff#DEFAULT_MAX_MILLIS} ms).
   */
  public DeadLetterQueue(DeadLetterPublisher publisher, NanoClock clock) {
    this(publisher, clock, Backoff.DEFAULT_INITIAL_MILLIS, Backoff.DEFAULT_MAX_MILLIS);
  }

  public DeadLetterQueue(
      DeadLetterPublisher publisher,
      NanoClock clock,
      long initialBackoffMillis,
      long maxBackoffMillis) {
    this.publisher = requireNonNull(publisher, "publisher");
    this.clock = requireNonNull(clock, "clock");
    if (initialBackoffMillis <= 0 || maxBackoffMillis < initialBackoffMillis) {
      throw new IllegalArgumentException(
          "backoff: "
              + initialBackoffMillis
              + ".."
              + maxBackoffMillis
              + " ms (expected: 0 < initial <= max)");
    }
    this.initialBackoffMillis = initialBackoffMillis;
    this.maxBackoffMillis = maxBackoffMillis;
  }

  /**
   * Dead-letters {@code source}: builds the letter and starts producing it. The letter is durable
   * once the DLQ acknowledged it; until then it holds {@code source}'s offset.
   */
  public DeadLetter add(
      ConsumerRecord<byte[], byte[]> source, ErrorType type, String field, String message) {
    DeadLetter letter = new DeadLetter(source, type, field, message);
    publisher.publish(letter);
    if (!letter.isDurable()) {
      pending.add(new Pending(letter, new Backoff(initialBackoffMillis, maxBackoffMillis)));
    }
    return letter;
  }

  /**
   * Forgets acknowledged letters, produces again each failed one whose backoff has elapsed, and
   * updates which partitions are {@link #blocks blocked}. Call once per loop turn.
   */
  public void retryDue() {
    blocked.clear();
    if (pending.isEmpty()) {
      endOutage();
      return;
    }
    long now = clock.nanoTime();
    boolean anyFailing = false;
    Iterator<Pending> it = pending.iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      DeadLetter letter = p.letter;
      // read inFlight before isDurable: the callback sets the outcome before it clears inFlight
      boolean inFlight = letter.inFlight();
      if (letter.isDurable()) {
        if (p.failedBefore) {
          recovered++;
        }
        it.remove();
        continue;
      }
      if (inFlight) {
        if (p.failedBefore) {
          // a retry is outstanding: the partition still waits on this record
          anyFailing = true;
          blocked.add(p.partition);
        }
        continue;
      }
      anyFailing = true;
      blocked.add(p.partition);
      if (p.retryAtNanos == NOT_SCHEDULED) {
        failed(p, now);
      } else if (now - p.retryAtNanos >= 0) {
        p.retryAtNanos = NOT_SCHEDULED;
        publisher.publish(letter);
      }
    }
    if (!anyFailing) {
      endOutage();
    }
  }

  /** Notes the failed attempt of {@code p} and schedules its next one. */
  private void failed(Pending p, long now) {
    p.failedBefore = true;
    failedAttempts++;
    p.retryAtNanos = now + TimeUnit.MILLISECONDS.toNanos(p.backoff.nextDelayMillis());
    if (outageSinceNanos == NOT_SCHEDULED) {
      outageSinceNanos = now;
      DeadLetter letter = p.letter;
      log.warn(
          "Dead letter for {} offset {} ({}) could not be written to {}; pausing the partitions whose records"
              + " wait on the DLQ and retrying with backoff up to {} ms",
          p.partition,
          letter.source().offset(),
          letter.type().label(),
          publisher.topic(),
          maxBackoffMillis,
          letter.lastFailure());
    }
  }

  private void endOutage() {
    if (outageSinceNanos == NOT_SCHEDULED) {
      return;
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - outageSinceNanos);
    if (recovered > 0) {
      log.info(
          "{} accepts dead letters again after {} ms ({} failed attempts, {} waiting letters written)",
          publisher.topic(),
          millis,
          failedAttempts,
          recovered);
    } else {
      log.info(
          "No dead letter waits for {} any more after {} ms ({} failed attempts; their partitions were revoked)",
          publisher.topic(),
          millis,
          failedAttempts);
    }
    outageSinceNanos = NOT_SCHEDULED;
    failedAttempts = 0;
    recovered = 0;
  }

  /**
   * Whether {@code partition} has a record whose dead letter failed and is not written yet, as of
   * the last {@link #retryDue()}.
   */
  public boolean blocks(TopicPartition partition) {
    return !blocked.isEmpty() && blocked.contains(partition);
  }

  /** Number of letters not acknowledged yet. */
  public int pendingCount() {
    return pending.size();
  }

  /**
   * Drops the letters of partitions this consumer no longer owns: their new owner reads those
   * records again and dead-letters them itself.
   */
  public void forget(Collection<TopicPartition> partitions) {
    pending.removeIf(p -> partitions.contains(p.partition));
    blocked.removeAll(partitions);
  }
}
