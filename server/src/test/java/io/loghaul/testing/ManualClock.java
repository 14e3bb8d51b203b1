package io.loghaul.testing;

import io.loghaul.record.NanoClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wall-clock and monotonic time that move only when a test says so: {@link #advance} moves both.
 * Thread-safe.
 */
public final class ManualClock extends Clock implements NanoClock {
  private final AtomicLong nanos = new AtomicLong();
  private final long startMillis;

  /** Starts at {@code startMillis} since the epoch (and at monotonic time 0). */
  public ManualClock(long startMillis) {
    this.startMillis = startMillis;
  }

  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long millis() {
    return startMillis + nanos.get() / 1_000_000;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a manual clock is UTC only");
  }
}
