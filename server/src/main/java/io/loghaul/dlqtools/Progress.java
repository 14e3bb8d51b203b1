package io.loghaul.dlqtools;

import java.io.PrintStream;

/**
 * A one-line progress report rewritten in place ({@code \r}) on a terminal, at most twice a
 * second; silent when the output is not a terminal (a pipe or a file would fill with lines).
 * Not thread-safe.
 */
final class Progress {
  private static final long INTERVAL_NANOS = 500_000_000L;

  private final PrintStream out;
  private final boolean terminal;
  private long lastNanos = System.nanoTime();
  private int lastLength;

  Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** Shows {@code line} if the last one is old enough. */
  void update(String line) {
    if (!terminal || System.nanoTime() - lastNanos < INTERVAL_NANOS) {
      return;
    }
    lastNanos = System.nanoTime();
    out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
    out.flush();
    lastLength = line.length();
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
