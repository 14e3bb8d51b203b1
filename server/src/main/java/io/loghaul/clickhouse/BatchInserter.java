package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import io.loghaul.record.Backoff;
import io.loghaul.record.UncommittedRows;
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
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ClickHouse {@link RowSink}: inserts {@link Batch}es, one at a time, on its own thread, each
 * as one INSERT whose body is the batch's own compressed blocks (so one part per batch), and never
 * gives up on one: outages and overload (connection refused, timeouts, retryable error codes) are
 * retried with capped exponential {@link Backoff}; a batch ClickHouse refuses as bad data is split
 * in halves until the bad rows are isolated, those are reported on the batch as {@link RefusedRow}s
 * (what becomes of them is the caller's business), and the rest is inserted. A batch is {@link
 * Batch#finished() finished} once every row is inserted or refused. Asks the table which rows it
 * already holds through {@link ClickHouseStoredRows}.
 *
 * <p>The consumer thread hands over a batch with {@link #submit} only when {@link #idle()}; it
 * learns of completion through {@link Batch#finished()}, and of an unexpected error on the inserter
 * thread (a failed compression, a bug) through {@link Batch#failure()}: such a batch never
 * finishes. {@link #close()} abandons a batch that cannot finish (its offsets are then never
 * committed, so nothing is lost).
 *
 * <p>Every INSERT attempt is a {@code clickhouse.insert} span (a root span, kind CLIENT) with the
 * attributes {@code rows}, {@code bytes} and {@code attempt}, status ERROR and {@code error.type}
 * when it fails, and links to the traces of the batch's records ({@link Batch#traceLinks()}).
 */
public final class BatchInserter implements RowSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchInserter.class);

  /** Characters of a server error message quoted in a refusal (it may quote row data). */
  private static final int MAX_SERVER_TEXT = 64;

  static final String SPAN_NAME = "clickhouse.insert";
  static final AttributeKey<Long> ROWS = AttributeKey.longKey("rows");
  static final AttributeKey<Long> BYTES = AttributeKey.longKey("bytes");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("attempt");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");

  private final ClickHouseHttpClient client;
  private final String insertSql;
  private final ClickHouseStoredRows storedRows;
  private final InsertObserver observer;
  private final BatchPool pool;
  private final Tracer tracer;
  private final ExecutorService thread;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closed;

  /**
   * Whether the last attempt failed for an outage: only to log the recovery once. Inserter thread.
   */
  private boolean failing;

  /**
   * @param storedRows answers {@link #storedOffsets}
   * @param openTelemetry where the {@code clickhouse.insert} spans go
   */
  public BatchInserter(
      ClickHouseHttpClient client,
      String insertSql,
      ClickHouseStoredRows storedRows,
      InsertObserver observer,
      BatchPool pool,
      OpenTelemetry openTelemetry) {
    this.client = requireNonNull(client, "client");
    this.tracer = requireNonNull(openTelemetry, "openTelemetry").getTracer("io.loghaul");
    this.insertSql = requireNonNull(insertSql, "insertSql");
    this.storedRows = requireNonNull(storedRows, "storedRows");
    this.observer = requireNonNull(observer, "observer");
    this.pool = requireNonNull(pool, "pool");
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "loghaul-inserter");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public Batch open(long nowNanos) {
    return pool.open(nowNanos);
  }

  @Override
  public boolean idle() {
    return inFlight.get() == 0;
  }

  /**
   * Starts inserting {@code rows}, a {@link Batch} from {@link #open}. Only when {@link #idle()}.
   */
  @Override
  public void submit(RowBatch rows) {
    if (!(rows instanceof Batch batch)) {
      throw new IllegalArgumentException("rows: " + rows + " (expected: a Batch from open())");
    }
    if (!inFlight.compareAndSet(0, 1)) {
      throw new IllegalStateException("a batch is already being inserted");
    }
    thread.execute(
        () -> {
          try {
            batch.seal();
            List<SpanContext> links = batch.traceLinks();
            insertRange(batch, 0, batch.rowCount(), links, Backoff.create());
            batch.finish();
            pool.recycle(batch);
          } catch (InterruptedException e) {
            log.warn(
                "Abandoned a batch of {} rows at shutdown; its offsets stay uncommitted",
                batch.rowCount());
          } catch (RuntimeException | Error e) {
            // a failed compression (from seal()), a bug: retrying cannot help, and a batch that
            // never finishes would hold its partitions forever. The consumer thread sees the
            // failure, never commits the batch's offsets, and stops the pipeline (which logs it).
            batch.fail(e);
          } finally {
            inFlight.set(0);
          }
        });
  }

  private void insertRange(Batch batch, int from, int to, List<SpanContext> links, Backoff backoff)
      throws InterruptedException {
    // the same rows carry the same token on every attempt (and after a restart)
    String token = client.sendsDeduplicationTokens() ? batch.deduplicationToken(from, to) : null;
    int failures = 0;
    while (true) {
      if (closed) {
        throw new InterruptedException("closed");
      }
      Batch.Body body = batch.body(from, to);
      int length = (int) body.rawBytes();
      Span span = startSpan(to - from, length, failures + 1, links);
      long t0 = System.nanoTime();
      try {
        client.insertCompressed(insertSql, token, body.array(), body.offset(), body.length());
        span.end();
        observer.inserted(to - from, length, System.nanoTime() - t0);
        if (failing) {
          log.info("ClickHouse accepts inserts again after {} failed attempts", failures);
        }
        failing = false;
        return;
      } catch (ClickHouseException e) {
        span.setAttribute(ERROR_TYPE, e.reason());
        span.setStatus(StatusCode.ERROR, e.reason());
        span.end();
        observer.failed(e.reason(), System.nanoTime() - t0);
        body = null; // a split's halves are cut out anew: hold no copy of this range meanwhile
        if (e.badData()) {
          if (to - from == 1) {
            batch.refuse(from, refusal(e));
            return;
          }
          int mid = (from + to) >>> 1;
          log.debug(
              "ClickHouse refused rows {}..{} as bad data (code {}); splitting",
              from,
              to,
              e.code());
          insertRange(batch, from, mid, links, backoff);
          insertRange(batch, mid, to, links, backoff);
          return;
        }
        failing = true;
        failures++;
        long delay = backoff.nextDelayMillis();
        // one line per outage and then every 20th attempt: never a line per retry in a tight loop
        if (failures == 1 || failures % 20 == 0) {
          log.warn(
              "ClickHouse insert failed (attempt {}), retrying in {} ms: {}",
              failures,
              delay,
              e.getMessage());
        }
        Thread.sleep(delay);
      }
    }
  }

  private Span startSpan(int rows, int bytes, int attempt, List<SpanContext> links) {
    SpanBuilder b =
        tracer
            .spanBuilder(SPAN_NAME)
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

  /**
   * Why a row was refused, quoting at most {@value #MAX_SERVER_TEXT} bytes of the server's message.
   */
  private static String refusal(ClickHouseException e) {
    String serverText = e.serverMessage();
    if (serverText.length() > MAX_SERVER_TEXT) {
      serverText = serverText.substring(0, MAX_SERVER_TEXT) + "...";
    }
    return "ClickHouse refused the row (code " + e.code() + "): " + serverText;
  }

  @Override
  public long[] storedOffsets(TopicPartition partition, UncommittedRows rows)
      throws ClickHouseException {
    return storedRows.storedOffsets(partition, rows);
  }

  /**
   * Stops the inserter thread: a batch still in flight is abandoned (its offsets stay uncommitted,
   * so nothing is lost); waits up to 10 s for the thread to end.
   */
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
