package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The leak watch the integration tests rely on does see a leaked buffer. */
class NettyLeakWatchTest {
  @Test
  void reportsABufferThatWasNeverReleased() throws Exception {
    ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    try (NettyLeakWatch watch = new NettyLeakWatch()) {
      leak();

      assertThat(watch.reports()).isNotEmpty().allSatisfy(r -> assertThat(r).contains("LEAK"));
    } finally {
      ResourceLeakDetector.setLevel(level);
    }
  }

  private static void leak() {
    ByteBuf leaked = UnpooledByteBufAllocator.DEFAULT.buffer(32);
    leaked.writeInt(1);
  }
}
