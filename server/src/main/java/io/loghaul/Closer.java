package io.loghaul;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server opened, closed last-opened first: the order of {@link LoghaulServer}'s shutdown
 * is the reverse of its startup. A part that fails to close is logged and the rest are still
 * closed. Thread-safe and idempotent: a second {@link #close()} (the shutdown hook racing a normal
 * stop) waits for the first and then finds nothing left.
 */
final class Closer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Closer.class);

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** Registers {@code part} to be closed before everything registered earlier; returns it. */
  synchronized <T extends AutoCloseable> T add(T part) {
    opened.push(part);
    return part;
  }

  @Override
  public synchronized void close() {
    AutoCloseable part;
    while ((part = opened.poll()) != null) {
      try {
        part.close();
      } catch (Exception e) {
        log.warn("Error while stopping {}", part.getClass().getSimpleName(), e);
      }
    }
  }
}
