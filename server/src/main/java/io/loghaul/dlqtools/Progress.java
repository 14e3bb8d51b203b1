package io.loghaul.dlqtools;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A one-line progress report rewritten in place ({@code \r}) on a terminal, at most twice a second;
 * silent when the output is not a terminal (a pipe or a file would fill with lines). Not
 * thread-safe.
 */
final class Progress {
  private static final long INTERVAL_NANOS = 500_000_000L;

  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private long lastNanos;
  private int lastLength;

  Progress(PrintStream out, boolean terminal) {
    this(out, terminal, System::nanoTime);
  }

  /**
   * With a clock of its own, for tests. The first line shows after one interval: short runs stay
   * quiet.
   */
  Progress(PrintStream out, boolean terminal, LongSupplier nanoTime) {
    this.out = out;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
    this.lastNanos = nanoTime.getAsLong();
  }

  /** Shows {@code line} if the last one is old enough. */
  void update(String line) {
    long now = nanoTime.getAsLong();
    if (!terminal || now - lastNanos < INTERVAL_NANOS) {
      return;
    }
    lastNanos = now;
    // pad over the rest of a longer earlier line
    String shown = line + " ".repeat(Math.max(0, lastLength - line.length()));
    out.print("\r" + shown);
    out.flush();
    lastLength = shown.length();
  }

  /** Clears the line, if one was shown. */
  void clear() {
    if (terminal && lastLength > 0) {
      out.print("\r" + " ".repeat(lastLength) + "\r");
      out.flush();
      lastLength = 0;
    }
  }
}
