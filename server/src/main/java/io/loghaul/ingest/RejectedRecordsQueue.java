package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import io.loghaul.schema.Rejected;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands rejected OTLP records to {@code target} on a thread of its own, so that a request worker
 * never waits for the dead-letter producer (a Kafka producer's {@code send} can block while the
 * broker is unreachable). Bounded: {@link #DEFAULT_CAPACITY} letters wait at most; beyond that a
 * letter is dropped, reported to {@code onDropped} (counted as a failed dead-letter produce) and
 * logged at WARN at most once a minute. The client was told about the record either way.
 *
 * <p>Thread-safe. {@link #close()} hands on what is queued, bounded by {@link
 * #CLOSE_TIMEOUT_MILLIS}.
 */
public final class RejectedRecordsQueue implements RejectedRecords, AutoCloseable {
  public static final int DEFAULT_CAPACITY = 1024;
  static final long CLOSE_TIMEOUT_MILLIS = 5_000;
  private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final Logger log = LoggerFactory.getLogger(RejectedRecordsQueue.class);

  private record Letter(byte[] request, Rejected why, String transport, long receivedAtMillis) {}

  private static final Letter STOP = new Letter(new byte[0], null, "", 0);

  private final RejectedRecords target;
  private final Runnable onDropped;
  private final BlockingQueue<Letter> queue;
  private final Thread thread;
  private long lastWarnNanos = System.nanoTime() - WARN_INTERVAL_NANOS;
  private long droppedSinceWarn;

  /**
   * @param target where letters go, called on this queue's thread
   * @param onDropped called for each letter dropped because the queue was full (for metrics)
   */
  public RejectedRecordsQueue(RejectedRecords target, int capacity, Runnable onDropped) {
    this.target = requireNonNull(target, "target");
    this.onDropped = requireNonNull(onDropped, "onDropped");
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
    }
    this.queue = new ArrayBlockingQueue<>(capacity + 1); // + the stop marker
    this.thread = new Thread(this::run, "loghaul-otlp-dead-letters");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void deadLetter(byte[] request, Rejected why, String transport, long receivedAtMillis) {
    if (queue.remainingCapacity() > 1
        && queue.offer(new Letter(request, why, transport, receivedAtMillis))) {
      return;
    }
    onDropped.run();
    synchronized (this) {
      droppedSinceWarn++;
      long now = System.nanoTime();
      if (now - lastWarnNanos >= WARN_INTERVAL_NANOS) {
        log.warn(
            "Dropped {} rejected OTLP record(s) instead of dead-lettering them: {} are already"
                + " waiting for the dead-letter topic (is Kafka reachable?)",
            droppedSinceWarn,
            queue.size());
        lastWarnNanos = now;
        droppedSinceWarn = 0;
      }
    }
  }

  private void run() {
    try {
      while (true) {
        Letter letter = queue.take();
        if (letter == STOP) {
          return;
        }
        try {
          target.deadLetter(
              letter.request(), letter.why(), letter.transport(), letter.receivedAtMillis());
        } catch (RuntimeException e) {
          onDropped.run();
          log.warn("Dead-lettering a rejected OTLP record failed", e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Hands on what is queued (bounded in time), then stops the thread. Idempotent. */
  @Override
  public void close() {
    queue.offer(STOP);
    try {
      thread.join(CLOSE_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
  }
}
