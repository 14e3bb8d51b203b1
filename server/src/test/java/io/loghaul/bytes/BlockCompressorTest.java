package io.loghaul.bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BlockCompressorTest {
  @Test
  void runsAStreamsBlocksInOrderAndShowsTheirWritesOnceAwaited() throws Exception {
    AtomicInteger allocated = new AtomicInteger();
    BlockCompressor<int[]> compressor =
        new BlockCompressor<>("test-compress", () -> new int[] {allocated.incrementAndGet()});
    List<Integer> out = new ArrayList<>(); // plain list: written by the compressor only
    CompletableFuture<Void> last = BlockCompressor.none();
    for (int i = 0; i < 1_000; i++) {
      int[] buffer = compressor.buffer();
      int block = i;
      last = compressor.handOver(last, buffer, b -> out.add(block));
    }
    BlockCompressor.await(last);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      expected.add(i);
    }
    assertThat(out).isEqualTo(expected);
    // buffers are recycled: never more than the waiting ones, the one filling and one spare
    assertThat(allocated.get()).isLessThanOrEqualTo(BlockCompressor.MAX_WAITING + 2);
  }

  @Test
  void theHandingThreadWaitsWhileMaxWaitingBlocksAreNotCompressed() throws Exception {
    BlockCompressor<Object> compressor = new BlockCompressor<>("test-compress", Object::new);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> out = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> first =
        compressor.handOver(
            BlockCompressor.none(),
            compressor.buffer(),
            b -> {
              awaitQuietly(release);
              out.add(0);
            });
    CompletableFuture<Void> second =
        compressor.handOver(first, compressor.buffer(), b -> out.add(1));
    CountDownLatch handing = new CountDownLatch(1);
    CompletableFuture<CompletableFuture<Void>> third =
        CompletableFuture.supplyAsync(
            () -> {
              handing.countDown();
              try {
                return compressor.handOver(second, compressor.buffer(), b -> out.add(2));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    handing.await();
    // whenever it is looked at, the third hand-over has not returned while the first is blocked
    assertThat(third).isNotDone();
    assertThat(out).isEmpty();
    release.countDown();
    BlockCompressor.await(third.get());
    assertThat(out).containsExactly(0, 1, 2);
  }

  @Test
  void aFailedBlockFailsTheRestOfItsStreamAndStillGivesItsBufferBack() throws Exception {
    AtomicInteger allocated = new AtomicInteger();
    BlockCompressor<Object> compressor =
        new BlockCompressor<>(
            "test-compress",
            () -> {
              allocated.incrementAndGet();
              return new Object();
            });
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> failed =
        compressor.handOver(
            BlockCompressor.none(),
            compressor.buffer(),
            b -> {
              awaitQuietly(release); // still running when the next block is handed over
              throw new IllegalArgumentException("boom");
            });
    CompletableFuture<Void> after = compressor.handOver(failed, compressor.buffer(), b -> {});
    release.countDown();
    assertThatThrownBy(() -> BlockCompressor.await(after))
        .isInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("boom");
    // the next hand-over of that stream refuses at once
    assertThatThrownBy(() -> compressor.handOver(after, new Object(), b -> {}))
        .isInstanceOf(IllegalStateException.class);
    // another stream goes on: the failed blocks gave their permits and buffers back
    CompletableFuture<Void> other = BlockCompressor.none();
    for (int i = 0; i < 100; i++) {
      other = compressor.handOver(other, compressor.buffer(), b -> {});
    }
    BlockCompressor.await(other);
    assertThat(allocated.get()).isLessThanOrEqualTo(BlockCompressor.MAX_WAITING + 2);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
