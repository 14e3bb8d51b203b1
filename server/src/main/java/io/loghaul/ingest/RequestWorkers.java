package io.loghaul.ingest;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that decompress, parse and check large or compressed OTLP requests, shared by both
 * listeners, so that one expensive request (a large body, a decompression) delays the requests
 * queued behind it, never every connection of a Netty event loop.
 *
 * <p>A small uncompressed request (at most {@link #INLINE_MAX_BYTES}) is decoded on the event loop
 * that received it ({@link #decode}): handing it to a worker cost more than decoding it. At 10,000
 * one-record gRPC requests a second, without the hand-over (grpc-java queues a call's start,
 * message and half-close to its executor; each may wake a worker) loghaul spent 66–67 instead of
 * 85–91 CPU-µs per request, where decoding the record takes ~1.3 µs (BENCHMARKS.md, "Small requests
 * on the event loop"). Decoding is linear in the bytes (~0.6 µs per KiB in JMH), so an inline
 * request holds its event loop for tens of microseconds at most.
 *
 * <p>One thread per core by default. The queue is unbounded on purpose: what it can hold is bounded
 * elsewhere — an HTTP connection stops reading while its request is queued or in flight, gRPC by
 * {@code otlp.grpc.max-concurrent-streams} per connection and HTTP/2 flow control, both by {@code
 * otlp.max-connections} and {@code otlp.max-request-bytes} — and refusing a queued task would leave
 * grpc-java a call it cannot answer.
 *
 * <p>Threads are daemons named {@code otlp-worker-N}. {@link #close()} lets queued requests finish
 * for up to {@link #SHUTDOWN_TIMEOUT}; the listeners close first, so nothing new arrives then.
 */
public final class RequestWorkers implements Executor, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RequestWorkers.class);

  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /** The largest uncompressed request decoded on the event loop that received it. */
  public static final int INLINE_MAX_BYTES = 64 << 10;

  private final ThreadPoolExecutor pool;

  /** {@code threads} workers; 0 means one per available core. */
  public RequestWorkers(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException(
          "threads: " + threads + " (expected: >= 0, 0 = one per core)");
    }
    int n = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    AtomicInteger next = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new WorkerThread(r, "otlp-worker-" + next.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    pool =
        new ThreadPoolExecutor(
            n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(task);
  }

  /**
   * Runs {@code task}, the decoding of a request of {@code requestBytes} (as received: compressed
   * requests are never handed here from an event loop), on this thread when it is small enough or
   * this thread is a worker already, else on a worker.
   */
  public void decode(int requestBytes, Runnable task) {
    if (requestBytes <= INLINE_MAX_BYTES || onWorker()) {
      task.run();
    } else {
      execute(task);
    }
  }

  /** Whether the calling thread is a worker (of any pool). */
  static boolean onWorker() {
    return Thread.currentThread() instanceof WorkerThread;
  }

  /** Requests waiting for a worker. */
  int queued() {
    return pool.getQueue().size();
  }

  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("OTLP requests still being decoded after {}, abandoning them", SHUTDOWN_TIMEOUT);
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static final class WorkerThread extends Thread {
    WorkerThread(Runnable task, String name) {
      super(task, name);
    }
  }
}
