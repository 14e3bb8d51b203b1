package io.loghaul.record;

/**
 * A monotonic nanosecond counter, as {@link System#nanoTime()}: what batch ages, retry delays and
 * deadlines are measured on. Injected so tests can move time by hand instead of sleeping.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface NanoClock {
  /** The system's monotonic clock. */
  NanoClock SYSTEM = System::nanoTime;

  /** Nanoseconds since an arbitrary origin; only differences mean anything. */
  long nanoTime();
}
