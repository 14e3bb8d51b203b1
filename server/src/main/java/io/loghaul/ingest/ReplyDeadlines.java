package io.loghaul.ingest;

import java.lang.ref.WeakReference;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The deadline of each OTLP reply waiting for Kafka's acknowledgement: {@link #within} returns a
 * copy of the publish future that fails with {@link TimeoutException} once the timeout passed.
 *
 * <p>Why not {@link CompletableFuture#orTimeout}: it schedules a task per request on the common
 * pool's delay scheduler and cancels it when Kafka answers, and both wake that thread (an unpark on
 * a worker thread, another on the Kafka producer's I/O thread): at 10,000 req/s that thread used
 * about 5 CPU-µs per request (BENCHMARKS.md, "External broker, SDK-shaped requests"). Here a
 * request costs one queue node; one shared daemon thread ({@code loghaul-otlp-reply-deadlines})
 * sweeps every {@link #TICK_NANOS}, failing what expired and dropping what completed. Every entry
 * of one instance has the same timeout, so the queue is in deadline order and a sweep stops at the
 * first entry still waiting within its time.
 *
 * <p>Thread-safe; an instance that is no longer referenced stops being swept.
 */
final class ReplyDeadlines {
  /**
   * How often the sweeper runs: a reply fails at most this much after its deadline (the default
   * timeout is 1.5 s), and an idle server pays 20 wake-ups a second.
   */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private static final ScheduledThreadPoolExecutor SWEEPER =
      new ScheduledThreadPoolExecutor(
          1,
          r -> {
            Thread t = new Thread(r, "loghaul-otlp-reply-deadlines");
            t.setDaemon(true);
            return t;
          });

  static {
    SWEEPER.setRemoveOnCancelPolicy(true);
  }

  private record Entry(CompletableFuture<?> future, long deadlineNanos) {}

  private final long timeoutNanos;
  private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();

  /** Deadlines {@code timeoutNanos} after each {@link #within} call, swept by the shared thread. */
  static ReplyDeadlines start(long timeoutNanos) {
    ReplyDeadlines d = new ReplyDeadlines(timeoutNanos);
    WeakReference<ReplyDeadlines> ref = new WeakReference<>(d);
    SWEEPER.scheduleAtFixedRate(
        () -> {
          ReplyDeadlines live = ref.get();
          if (live == null) {
            throw new CancellationException("unreferenced"); // ends this periodic task
          }
          live.sweep(System.nanoTime());
        },
        TICK_NANOS,
        TICK_NANOS,
        TimeUnit.NANOSECONDS);
    return d;
  }

  /** Not swept by anyone: tests call {@link #sweep} themselves. */
  ReplyDeadlines(long timeoutNanos) {
    if (timeoutNanos <= 0) {
      throw new IllegalArgumentException("timeoutNanos: " + timeoutNanos + " (expected: > 0)");
    }
    this.timeoutNanos = timeoutNanos;
  }

  /**
   * A copy of {@code future} (completing it never completes {@code future}) that fails with {@link
   * TimeoutException} unless {@code future} completed within the timeout from {@code nowNanos}
   * ({@link System#nanoTime()}).
   */
  <T> CompletableFuture<T> within(CompletableFuture<T> future, long nowNanos) {
    CompletableFuture<T> copy = future.copy();
    if (!copy.isDone()) {
      queue.add(new Entry(copy, nowNanos + timeoutNanos));
    }
    return copy;
  }

  /**
   * Fails the futures whose deadline is before {@code nowNanos} and forgets the completed ones,
   * from the head of the queue up to the first that still waits within its time.
   */
  void sweep(long nowNanos) {
    Entry e;
    while ((e = queue.peek()) != null) {
      if (!e.future.isDone() && nowNanos - e.deadlineNanos < 0) {
        return;
      }
      queue.poll();
      if (!e.future.isDone()) {
        e.future.completeExceptionally(new TimeoutException());
      }
    }
  }

  /** Entries not yet swept (completed or not). */
  int size() {
    return queue.size();
  }
}
