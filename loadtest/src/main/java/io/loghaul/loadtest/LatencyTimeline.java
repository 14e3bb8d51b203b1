package io.loghaul.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The measured window's latencies in slots of {@link #SLOT_MILLIS} ms of intended send time:
 * requests, how many took longer than {@link #SLOW_MILLIS} ms, and the slowest. It tells a tail
 * spread over the whole run from one made of a few stalls, and when the stalls were (the wall-clock
 * time of each slot, to line up with the GC logs' {@code time} decoration). Thread-safe.
 */
final class LatencyTimeline {
  static final int SLOT_MILLIS = 100;
  static final long SLOW_MILLIS = 20;

  private final long fromNanos;
  private final long fromEpochMillis;
  private final AtomicLongArray requests;
  private final AtomicLongArray slow;
  private final AtomicLongArray maxNanos;

  /** Slots from {@code fromNanos} ({@link System#nanoTime()}) over {@code durationNanos}. */
  LatencyTimeline(long fromNanos, long durationNanos) {
    this.fromNanos = fromNanos;
    this.fromEpochMillis =
        System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(fromNanos - System.nanoTime());
    int slots = (int) (durationNanos / TimeUnit.MILLISECONDS.toNanos(SLOT_MILLIS)) + 1;
    requests = new AtomicLongArray(slots);
    slow = new AtomicLongArray(slots);
    maxNanos = new AtomicLongArray(slots);
  }

  /** A request meant to be sent at {@code intendedNanos} took {@code latencyNanos}. */
  void record(long intendedNanos, long latencyNanos) {
    if (intendedNanos < fromNanos) {
      return;
    }
    long slot = (intendedNanos - fromNanos) / TimeUnit.MILLISECONDS.toNanos(SLOT_MILLIS);
    if (slot >= requests.length()) {
      return;
    }
    int i = (int) slot;
    requests.incrementAndGet(i);
    if (latencyNanos > TimeUnit.MILLISECONDS.toNanos(SLOW_MILLIS)) {
      slow.incrementAndGet(i);
    }
    maxNanos.accumulateAndGet(i, latencyNanos, Math::max);
  }

  /** Slots in which at least one request took longer than {@link #SLOW_MILLIS} ms. */
  int slowSlots() {
    int n = 0;
    for (int i = 0; i < slow.length(); i++) {
      if (slow.get(i) > 0) {
        n++;
      }
    }
    return n;
  }

  int slots() {
    return requests.length();
  }

  /** One line per slot: {@code epoch_ms,offset_ms,requests,over_20ms,max_ms}. */
  void writeCsv(Path file) throws IOException {
    try (PrintStream out = new PrintStream(Files.newOutputStream(file))) {
      out.println("epoch_ms,offset_ms,requests,over_" + SLOW_MILLIS + "ms,max_ms");
      for (int i = 0; i < requests.length(); i++) {
        out.printf(
            Locale.ROOT,
            "%d,%d,%d,%d,%.3f%n",
            fromEpochMillis + (long) i * SLOT_MILLIS,
            (long) i * SLOT_MILLIS,
            requests.get(i),
            slow.get(i),
            maxNanos.get(i) / 1e6);
      }
    }
  }
}
