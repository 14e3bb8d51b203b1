package io.loghaul.bytes;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Compresses full raw blocks on a background thread, so the thread filling them (the consumer,
 * loghaul's bottleneck) only copies bytes. A stream of blocks (one batch's rows, say) is a chain of
 * {@link CompletableFuture}s: each {@link #handOver} runs after the stream's previous one, so
 * blocks are appended in order, and once the chain's last future is done every block of the stream
 * is compressed and visible to the thread that waited ({@link #await}). A failed compression fails
 * the rest of its chain.
 *
 * <p>Memory stays bounded: at most {@link #MAX_WAITING} blocks wait or are being compressed ({@link
 * #handOver} blocks the caller meanwhile, so it slows down to the compressor's pace), and their raw
 * buffers are recycled ({@link #buffer}) once compressed, whatever the outcome. A stream that is
 * dropped half way (a batch discarded at a rebalance) leaks nothing: its blocks still finish and
 * give their buffers back. The thread stops when idle for a while. Thread-safe.
 *
 * @param <B> the raw buffer type
 */
public final class BlockCompressor<B> {
  /** Blocks handed over and not compressed yet, at most. */
  public static final int MAX_WAITING = 2;

  private static final CompletableFuture<Void> NONE = CompletableFuture.completedFuture(null);

  private final ThreadPoolExecutor thread;
  private final Semaphore waiting = new Semaphore(MAX_WAITING);
  private final ArrayBlockingQueue<B> free = new ArrayBlockingQueue<>(MAX_WAITING + 1);
  private final Supplier<B> newBuffer;

  /**
   * @param threadName the background thread's name
   * @param newBuffer makes a raw buffer when no recycled one is free
   */
  public BlockCompressor(String threadName, Supplier<B> newBuffer) {
    this.newBuffer = newBuffer;
    this.thread =
        new ThreadPoolExecutor(
            1,
            1,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    thread.allowCoreThreadTimeOut(true);
  }

  /** The end of an empty chain: a stream's "previous" before its first hand-over. */
  public static CompletableFuture<Void> none() {
    return NONE;
  }

  /** A raw buffer to fill: a recycled one, or a new one. */
  public B buffer() {
    B b = free.poll();
    return b != null ? b : newBuffer.get();
  }

  /** Gives back a raw buffer from {@link #buffer} that was not handed over. */
  public void recycle(B buffer) {
    free.offer(buffer);
  }

  /**
   * Runs {@code compress} on {@code full} on the background thread once {@code previous} (the
   * stream's last hand-over) is done, then recycles {@code full}, which the caller must no longer
   * touch. Waits while {@link #MAX_WAITING} blocks are waiting.
   *
   * @return the stream's new last hand-over
   * @throws IllegalStateException if an earlier block of the stream failed to compress
   * @throws InterruptedException if interrupted while waiting; nothing was handed over
   */
  public CompletableFuture<Void> handOver(
      CompletableFuture<Void> previous, B full, Consumer<? super B> compress)
      throws InterruptedException {
    if (previous.isCompletedExceptionally()) {
      await(previous); // throws the failure
    }
    waiting.acquire();
    return previous
        .thenRunAsync(() -> compress.accept(full), thread)
        .whenComplete(
            (v, e) -> {
              free.offer(full);
              waiting.release();
            });
  }

  /**
   * Waits until every block of the stream ending in {@code last} is compressed; what they wrote is
   * then visible to the caller.
   *
   * @throws IllegalStateException if one failed, with its cause
   */
  public static void await(CompletableFuture<Void> last) throws InterruptedException {
    try {
      last.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("compressing a block failed", e.getCause());
    }
  }
}
