package io.loghaul.metrics;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.TimeUnit;

/**
 * What the health probe says about one dependency (Kafka, ClickHouse) over time: WARN when it goes
 * away (and at startup when it is not there), again every {@link #REPEAT_NANOS} while it stays
 * away, INFO when it answers again with how long it was gone. One line per event, never one per
 * probe turn. Single-threaded (the probe's thread).
 */
final class DependencyWatch {
  /** While a dependency stays away, a reminder this often. */
  static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** A line to log: WARN or INFO. */
  record Line(boolean warn, String text) {}

  private final String name;
  private final String failure;
  private Boolean up; // null until the first check
  private long downSinceNanos;
  private long lastWarnNanos;

  /**
   * @param name e.g. "ClickHouse at http://127.0.0.1:8123"
   * @param failure what failed, e.g. "its ping"
   */
  DependencyWatch(String name, String failure) {
    this.name = requireNonNull(name, "name");
    this.failure = requireNonNull(failure, "failure");
  }

  /** Records one check's result; returns the line to log, or null. */
  Line record(boolean answered, long nowNanos) {
    Boolean before = up;
    up = answered;
    if (answered) {
      if (before == null) {
        return new Line(false, name + " answers " + failure);
      }
      if (!before) {
        return new Line(
            false,
            name
                + " answers "
                + failure
                + " again after "
                + seconds(nowNanos - downSinceNanos)
                + " s");
      }
      return null;
    }
    if (before == null || before) {
      downSinceNanos = nowNanos;
      lastWarnNanos = nowNanos;
      return new Line(
          true, name + " does not answer " + failure + ": /readyz answers 503 until it does");
    }
    if (nowNanos - lastWarnNanos >= REPEAT_NANOS) {
      lastWarnNanos = nowNanos;
      return new Line(
          true,
          name
              + " still does not answer "
              + failure
              + " after "
              + seconds(nowNanos - downSinceNanos)
              + " s");
    }
    return null;
  }

  private static long seconds(long nanos) {
    return TimeUnit.NANOSECONDS.toSeconds(nanos);
  }
}
