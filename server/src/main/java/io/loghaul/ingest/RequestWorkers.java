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
 * The threads that decompress, parse and check OTLP requests, shared by both listeners, so that a
 * Netty event loop only moves bytes: one expensive request (a large body, a decoder's worst case)
 * then delays the requests queued behind it, never every connection of an event loop.
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
          Thread t = new Thread(r, "otlp-worker-" + next.incrementAndGet());
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
}
