package io.loghaul.record;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with ±20% jitter: the delay before each next attempt doubles from
 * {@link #DEFAULT_INITIAL_MILLIS} up to {@link #DEFAULT_MAX_MILLIS} (or the given bounds). The one
 * retry timing of loghaul: ClickHouse inserts during an outage and dead letters the DLQ refused.
 * Not thread-safe; one per thing being retried.
 */
public final class Backoff {
  public static final long DEFAULT_INITIAL_MILLIS = 100;
  public static final long DEFAULT_MAX_MILLIS = 5_000;

  private final long maxMillis;
  private long next;

  public Backoff(long initialMillis, long maxMillis) {
    if (initialMillis <= 0) {
      throw new IllegalArgumentException("initialMillis: " + initialMillis + " (expected: > 0)");
    }
    if (maxMillis < initialMillis) {
      throw new IllegalArgumentException(
          "maxMillis: " + maxMillis + " (expected: >= " + initialMillis + ")");
    }
    this.maxMillis = maxMillis;
    this.next = initialMillis;
  }

  /** {@link #DEFAULT_INITIAL_MILLIS} doubling up to {@link #DEFAULT_MAX_MILLIS}. */
  public static Backoff create() {
    return new Backoff(DEFAULT_INITIAL_MILLIS, DEFAULT_MAX_MILLIS);
  }

  /** The delay before the next attempt (grows up to the cap, ±20% jitter). */
  public long nextDelayMillis() {
    long base = next;
    next = Math.min(maxMillis, next * 2);
    long jitter = base / 5;
    return base - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1);
  }
}
