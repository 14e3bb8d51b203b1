package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import io.loghaul.dlq.DeadLetter;
import io.loghaul.dlq.DeadLetterPublisher;
import io.loghaul.schema.ErrorType;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts {@link Batch}es into ClickHouse, one at a time, on its own thread, and never gives up on
 * one: outages and overload (connection refused, timeouts, retryable error codes) are retried with
 * capped exponential backoff; a batch ClickHouse refuses as bad data is split in halves until the
 * bad rows are isolated, those go to the DLQ as {@code clickhouse_rejected}, and the rest is
 * inserted. A batch turns durable only when all of its rows are in ClickHouse or in the DLQ.
 *
 * <p>The consumer thread hands over a batch with {@link #submit} only when {@link #idle()}; it
 * learns of completion through {@link Batch#isDurable()}. {@link #close()} abandons a batch that
 * cannot finish (its offsets are then never committed, so nothing is lost).
 *
 * <p>Every INSERT attempt is a {@code clickhouse.insert} span (a root span, kind CLIENT) with the
 * attributes {@code rows}, {@code bytes} and {@code attempt}, status ERROR and {@code error.type}
 * when it fails, and links to the traces of the batch's records ({@link Batch#traceLinks()}).
 */
public final class BatchInserter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchInserter.class);
  /** Bytes of a server error message carried into a dead letter (it may quote row data). */
  private static final int MAX_SERVER_TEXT = 64;
  static final String SPAN_NAME = "clickhouse.insert";
  static final AttributeKey<Long> ROWS = AttributeKey.longKey("rows");
  static final AttributeKey<Long> BYTES = AttributeKey.longKey("bytes");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("attempt");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");

  private final ClickHouseHttpClient client;
  private final String insertSql;
  private final DeadLetterPublisher deadLetters;
  private final InsertObserver observer;
  private final BatchPool pool;
  private final Tracer tracer;
  private final ExecutorService thread;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closed;
  private volatile boolean healthy = true;

  /** @param openTelemetry where the {@code clickhouse.insert} spans go */
  public BatchInserter(
      ClickHouseHttpClient client,
      String insertSql,
      DeadLetterPublisher deadLetters,
      InsertObserver observer,
      BatchPool pool,
      OpenTelemetry openTelemetry) {
    this.client = requireNonNull(client, "client");
    this.tracer = requireNonNull(openTelemetry, "openTelemetry").getTracer("io.loghaul");
    this.insertSql = requireNonNull(insertSql, "insertSql");
    this.deadLetters = requireNonNull(deadLetters, "deadLetters");
    this.observer = requireNonNull(observer, "observer");
    this.pool = requireNonNull(pool, "pool");
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "loghaul-inserter");
      t.setDaemon(true);
      return t;
    });
  }

  /** True when no batch is being inserted, so {@link #submit} may be called. */
  public boolean idle() {
    return inFlight.get() == 0;
  }

  /** False while the last attempt failed for an outage; true again after a success. */
  public boolean healthy() {
    return healthy;
  }

  /** Starts inserting {@code batch}. Only when {@link #idle()}. */
  public void submit(Batch batch) {
    if (!inFlight.compareAndSet(0, 1)) {
      throw new IllegalStateException("a batch is already being inserted");
    }
    thread.execute(() -> {
      try {
        List<SpanContext> links = batch.traceLinks();
        insertRange(batch, 0, batch.rowCount(), links,
            new Backoff(Backoff.DEFAULT_INITIAL_MILLIS, Backoff.DEFAULT_MAX_MILLIS));
        batch.markDurable();
        pool.recycle(batch);
      } catch (InterruptedException e) {
        log.warn("Abandoned a batch of {} rows at shutdown; its offsets stay uncommitted", batch.rowCount());
      } finally {
        inFlight.set(0);
      }
    });
  }

  private void insertRange(Batch batch, int from, int to, List<SpanContext> links, Backoff backoff)
      throws InterruptedException {
    int failures = 0;
    while (true) {
      if (closed) {
        throw new InterruptedException("closed");
      }
      int start = batch.rowStart(from);
      int length = batch.rowStart(to) - start;
      Span span = startSpan(to - from, length, failures + 1, links);
      long t0 = System.nanoTime();
      try {
        client.insert(insertSql, batch.bytes(), start, length);
        span.end();
        observer.inserted(to - from, length, System.nanoTime() - t0);
        if (!healthy) {
          log.info("ClickHouse accepts inserts again after {} failed attempts", failures);
        }
        healthy = true;
        return;
      } catch (ClickHouseException e) {
        span.setAttribute(ERROR_TYPE, e.reason());
        span.setStatus(StatusCode.ERROR, e.reason());
        span.end();
        observer.failed(e.reason(), System.nanoTime() - t0);
        if (e.badData()) {
          if (to - from == 1) {
            deadLetter(batch, from, e);
            return;
          }
          int mid = (from + to) >>> 1;
          log.debug("ClickHouse refused rows {}..{} as bad data (code {}); splitting", from, to, e.code());
          insertRange(batch, from, mid, links, backoff);
          insertRange(batch, mid, to, links, backoff);
          return;
        }
        healthy = false;
        failures++;
        long delay = backoff.nextDelayMillis();
        // one line per outage and then every 20th attempt: never a line per retry in a tight loop
        if (failures == 1 || failures % 20 == 0) {
          log.warn("ClickHouse insert failed (attempt {}), retrying in {} ms: {}", failures, delay, e.getMessage());
        }
        Thread.sleep(delay);
      }
    }
  }

  private Span startSpan(int rows, int bytes, int attempt, List<SpanContext> links) {
    SpanBuilder b = tracer.spanBuilder(SPAN_NAME)
        .setNoParent()
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(DB_SYSTEM, "clickhouse")
        .setAttribute(ROWS, (long) rows)
        .setAttribute(BYTES, (long) bytes)
        .setAttribute(ATTEMPT, (long) attempt);
    for (SpanContext link : links) {
      b.addLink(link);
    }
    return b.startSpan();
  }

  private void deadLetter(Batch batch, int row, ClickHouseException e) throws InterruptedException {
    String serverText = e.serverMessage();
    if (serverText.length() > MAX_SERVER_TEXT) {
      serverText = serverText.substring(0, MAX_SERVER_TEXT) + "...";
    }
    DeadLetter letter = new DeadLetter(
        batch.record(row),
        ErrorType.CLICKHOUSE_REJECTED,
        "",
        "ClickHouse refused the row (code " + e.code() + "): " + serverText);
    Backoff backoff = Backoff.create();
    while (true) {
      deadLetters.publish(letter);
      while (letter.inFlight()) {
        if (closed) {
          throw new InterruptedException("closed");
        }
        Thread.sleep(1);
      }
      if (letter.isDurable()) {
        return;
      }
      log.warn("Dead letter for a row ClickHouse refused could not be written, retrying", letter.lastFailure());
      Thread.sleep(backoff.nextDelayMillis());
    }
  }

  /** Stops the thread; a batch still in flight is abandoned within {@code timeoutMillis}. */
  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
