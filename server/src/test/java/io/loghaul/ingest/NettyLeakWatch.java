package io.loghaul.ingest;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects Netty's leak reports (logged by {@link ResourceLeakDetector} at ERROR) during an
 * integration test class; run the JVM with {@code -Dio.netty.leakDetection.level=paranoid} (the
 * failsafe configuration does) so every buffer is tracked.
 */
final class NettyLeakWatch implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  NettyLeakWatch() {
    appender.start();
    logger.addAppender(appender);
  }

  /**
   * The leak reports so far. Netty reports a leak only when it tracks a new buffer after the leaked
   * one was collected, so this collects garbage and then allocates tracked buffers first.
   */
  List<String> reports() throws InterruptedException {
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(50);
      for (int i = 0; i < 64; i++) {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(16);
        pooled.release();
        ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(16);
        unpooled.release();
      }
    }
    return appender.list.stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("LEAK"))
        .toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
