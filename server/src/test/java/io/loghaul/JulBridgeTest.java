package io.loghaul;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JulBridgeTest {
  private static final String LOGGER = "io.grpc.netty.NettyServerHandler.test";
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final JulBridge bridge = new JulBridge(nanos::get);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private ch.qos.logback.classic.Logger logger;

  @BeforeEach
  void attach() {
    logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(LOGGER);
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
  }

  private static LogRecord record(java.util.logging.Level level, String message, Throwable thrown) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName(LOGGER);
    r.setThrown(thrown);
    return r;
  }

  @Test
  void aRecordWithAnExceptionBecomesOneLineAtTheMatchingLevel() {
    bridge.publish(
        record(
            java.util.logging.Level.WARNING,
            "Stream Error",
            new IOException("Header size exceeded max allowed size (8192)")));

    assertThat(appender.list)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.WARN);
              assertThat(e.getFormattedMessage())
                  .isEqualTo(
                      "Stream Error: java.io.IOException: Header size exceeded max allowed size (8192)");
              assertThat(e.getThrowableProxy()).as("no stack trace above DEBUG").isNull();
            });
  }

  @Test
  void theSameMessageIsLoggedOncePerIntervalAndTheNextLineCountsTheSkippedOnes() {
    for (int i = 0; i < 5; i++) {
      bridge.publish(
          record(java.util.logging.Level.WARNING, "Stream Error", new IOException("too big")));
      nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
    }
    bridge.publish(record(java.util.logging.Level.SEVERE, "another message", null));
    nanos.addAndGet(JulBridge.INTERVAL_NANOS);
    bridge.publish(
        record(java.util.logging.Level.WARNING, "Stream Error", new IOException("too big")));

    assertThat(appender.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "Stream Error: java.io.IOException: too big",
            "another message",
            "Stream Error: java.io.IOException: too big (4 more like it in the last 10 s)");
  }

  @Test
  void levelsBelowWhatLogbackAllowsAreDropped() {
    bridge.publish(record(java.util.logging.Level.FINE, "chatty", null));

    assertThat(appender.list).isEmpty();
  }
}
