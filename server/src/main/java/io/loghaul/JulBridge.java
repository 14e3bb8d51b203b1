package io.loghaul;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes {@code java.util.logging} (gRPC's and Netty's own logging, e.g. a stack trace per
 * oversized request) into our logger: one line per event, at the matching level, under the
 * library's logger name, so logback.xml's levels apply. The exception is reduced to its class and
 * message on that line (the stack trace only at DEBUG), and the same message from the same logger
 * is logged at most once per {@link #INTERVAL_NANOS}, the next line saying how many were skipped.
 *
 * <p>{@link #install()} replaces the JDK's console handler (which printed multi-line records to
 * stderr). Thread-safe.
 */
final class JulBridge extends Handler {
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Distinct messages remembered for throttling; beyond this the memory starts over. */
  private static final int MAX_KEYS = 1_000;

  private final LongSupplier nanoClock;
  private final Map<String, long[]> seen =
      new ConcurrentHashMap<>(); // {last logged at, skipped since}
  private final SimpleFormatter formatter = new SimpleFormatter();

  JulBridge(LongSupplier nanoClock) {
    this.nanoClock = requireNonNull(nanoClock, "nanoClock");
  }

  /** Makes this the only handler of the JUL root logger, passing INFO and above. Idempotent. */
  static void install() {
    LogManager.getLogManager().reset();
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.setLevel(Level.INFO);
    root.addHandler(new JulBridge(System::nanoTime));
  }

  @Override
  public void publish(LogRecord record) {
    if (record == null) {
      return;
    }
    Logger logger =
        LoggerFactory.getLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
    int level = record.getLevel().intValue();
    if (!enabled(logger, level)) {
      return;
    }
    String key = record.getLoggerName() + '\0' + record.getMessage();
    long now = nanoClock.getAsLong();
    long skipped;
    if (seen.size() > MAX_KEYS) {
      seen.clear();
    }
    long[] state = seen.computeIfAbsent(key, k -> new long[] {now - INTERVAL_NANOS, 0});
    synchronized (state) {
      if (now - state[0] < INTERVAL_NANOS) {
        state[1]++;
        return;
      }
      skipped = state[1];
      state[0] = now;
      state[1] = 0;
    }
    StringBuilder line = new StringBuilder(formatter.formatMessage(record).replace('\n', ' '));
    Throwable thrown = record.getThrown();
    if (thrown != null) {
      line.append(": ").append(thrown.toString().replace('\n', ' '));
    }
    if (skipped > 0) {
      line.append(" (")
          .append(skipped)
          .append(" more like it in the last ")
          .append(TimeUnit.NANOSECONDS.toSeconds(INTERVAL_NANOS))
          .append(" s)");
    }
    String text = line.toString();
    if (level >= Level.SEVERE.intValue()) {
      logger.error(text);
    } else if (level >= Level.WARNING.intValue()) {
      logger.warn(text);
    } else if (level >= Level.INFO.intValue()) {
      logger.info(text);
    } else {
      logger.debug(text);
    }
    if (thrown != null && logger.isDebugEnabled()) {
      logger.debug("Stack trace of the line above", thrown);
    }
  }

  private static boolean enabled(Logger logger, int level) {
    if (level >= Level.SEVERE.intValue()) {
      return logger.isErrorEnabled();
    }
    if (level >= Level.WARNING.intValue()) {
      return logger.isWarnEnabled();
    }
    if (level >= Level.INFO.intValue()) {
      return logger.isInfoEnabled();
    }
    return logger.isDebugEnabled();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
