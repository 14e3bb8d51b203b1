package io.loghaul.pipeline;

import static java.util.Objects.requireNonNull;

import io.loghaul.clickhouse.RefusedRow;
import io.loghaul.clickhouse.RowBatch;
import io.loghaul.clickhouse.RowSink;
import io.loghaul.config.LoghaulConfig;
import io.loghaul.record.Durable;
import io.loghaul.record.NanoClock;
import io.loghaul.schema.LogEntry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Collects accepted rows into the open batch of a {@link RowSink} and hands it over when it is full
 * ({@code batch.max-rows} or {@code batch.max-bytes}) or its first row is {@code
 * batch.max-delay-ms} old: one batch is written while the next one fills. Each batch is held, in
 * the partitions' progress, by a {@link Durable} that turns durable only after the sink finished
 * the batch and every refused row was handed to {@link Listener#refused} (which moves that row to
 * its dead letter), so no offset passes a refused row unnoticed.
 *
 * <p>Commit order: {@link Listener#beforeInsert} runs right before a batch is handed over, so the
 * offsets made durable so far, and the commit metadata naming the rows about to be written, are
 * committed before the write starts.
 *
 * <p>Single-threaded (the consumer thread). Waiting for the sink is bounded by the caller's
 * deadline ({@link #flush}); {@link #close()} never waits.
 */
final class Batcher implements AutoCloseable {
  private static final long WAIT_STEP_MILLIS = 5;

  /** Most times {@code batch.max-delay-ms} an age-due batch waits for a backlog to fill it. */
  static final int BACKLOG_DELAY_FACTOR = 10;

  /** What the batcher tells its owner. Called on the consumer thread. */
  interface Listener {
    /** A batch is about to be handed to the sink: commit what is durable, with the new metadata. */
    void beforeInsert();

    /**
     * The sink refused {@code row}: dead-letter it. False when that cannot be done now (its record
     * could not be read back from Kafka yet): the same row is handed over again on a later call,
     * and the batch holding it turns durable only once every refused row was taken.
     */
    boolean refused(RefusedRow row);
  }

  /**
   * The sink failed a batch unexpectedly ({@link RowBatch#failure()}, the cause): the batch never
   * turns durable, so its offsets are never committed, and the pipeline stops on it.
   */
  static final class SinkFailedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    SinkFailedException(int rows, Throwable cause) {
      super(
          "Writing a batch of "
              + rows
              + " rows failed unexpectedly; its records stay uncommitted and are read again after"
              + " a restart",
          cause);
    }
  }

  /** The work holding the records of one batch. */
  private static final class BatchWork implements Durable {
    final RowBatch batch;
    private volatile boolean durable;

    /** How many of the batch's refused rows the listener took. */
    int refusedTaken;

    BatchWork(RowBatch batch) {
      this.batch = batch;
    }

    @Override
    public boolean isDurable() {
      return durable;
    }
  }

  private final RowSink sink;
  private final int maxRows;
  private final long maxBytes;
  private final long maxDelayNanos;
  private final NanoClock clock;
  private final Listener listener;
  private BatchWork open;
  private BatchWork inFlight;
  private boolean closed;

  Batcher(RowSink sink, LoghaulConfig.Batch limits, NanoClock clock, Listener listener) {
    this.sink = requireNonNull(sink, "sink");
    requireNonNull(limits, "limits");
    this.maxRows = limits.maxRows();
    this.maxBytes = limits.maxBytes();
    this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(limits.maxDelayMs());
    this.clock = requireNonNull(clock, "clock");
    this.listener = requireNonNull(listener, "listener");
  }

  /**
   * Adds the row of {@code entry}, read from {@code source}; returns the work that now holds it.
   */
  Durable add(LogEntry entry, ConsumerRecord<?, ?> source) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (open == null) {
      open = new BatchWork(sink.open(clock.nanoTime()));
    }
    open.batch.add(entry, source);
    return open;
  }

  /** Whether the open batch reached {@code batch.max-rows} or {@code batch.max-bytes}. */
  boolean full() {
    return open != null
        && (open.batch.rowCount() >= maxRows
            || open.batch.byteSize() >= maxBytes
            || open.batch.overfull());
  }

  /** Whether rows wait in the open batch. */
  boolean hasOpenRows() {
    return open != null;
  }

  /** The work holding the open batch's rows, or null when none is open. */
  Durable openWork() {
    return open;
  }

  /** Whether a batch was handed to the sink and is not collected yet. */
  boolean inserting() {
    return inFlight != null;
  }

  /**
   * Hands the open batch over when its first row is {@code batch.max-delay-ms} old (and the sink is
   * free).
   */
  void flushIfDue() {
    flushIfDue(0);
  }

  /**
   * Hands the open batch over when its first row is {@code batch.max-delay-ms} old (and the sink is
   * free), unless {@code waitingRecords} — records in Kafka or already polled that this consumer
   * has not processed yet — are enough to fill it: under a backlog the rows are late anyway, and a
   * full batch is one ClickHouse part where age-cut batches make many small ones that ClickHouse
   * then merges. Then it waits for them, but not past {@value #BACKLOG_DELAY_FACTOR} times {@code
   * batch.max-delay-ms} (some of those records may be rejected, or on a paused partition). A
   * trickle has nothing waiting, so it lands within {@code batch.max-delay-ms} as before.
   */
  void flushIfDue(long waitingRecords) {
    if (open == null) {
      return;
    }
    long age = clock.nanoTime() - open.batch.createdNanos();
    if (age < maxDelayNanos) {
      return;
    }
    if (waitingRecords >= maxRows - open.batch.rowCount()
        && age < maxDelayNanos * BACKLOG_DELAY_FACTOR) {
      return;
    }
    dispatch();
  }

  /** Hands the open batch over when it is full (and the sink is free). */
  void flushIfFull() {
    if (full()) {
      dispatch();
    }
  }

  /**
   * Hands the open batch to the sink if the sink is free (collecting the previous batch first);
   * false when it is busy, or nothing is open.
   */
  boolean dispatch() {
    if (open == null) {
      return false;
    }
    if (inFlight != null && !collectFinished()) {
      return false;
    }
    if (!sink.idle()) {
      return false;
    }
    listener.beforeInsert();
    inFlight = open;
    open = null;
    sink.submit(inFlight.batch);
    return true;
  }

  /**
   * If the batch in flight is finished, hands its refused rows to the listener, then marks it
   * durable and forgets it; true when one finished. A row the listener cannot take yet ends the
   * call (false); the next call goes on from that row.
   *
   * @throws SinkFailedException when the sink failed the batch in flight (again on every call: it
   *     stays in flight, never durable, and nothing more is handed to the sink)
   */
  boolean collectFinished() {
    if (inFlight == null) {
      return false;
    }
    Throwable failure = inFlight.batch.failure();
    if (failure != null) {
      throw new SinkFailedException(inFlight.batch.rowCount(), failure);
    }
    if (!inFlight.batch.finished()) {
      return false;
    }
    List<RefusedRow> refused = inFlight.batch.refused();
    while (inFlight.refusedTaken < refused.size()) {
      if (!listener.refused(refused.get(inFlight.refusedTaken))) {
        return false;
      }
      inFlight.refusedTaken++;
    }
    inFlight.durable = true;
    inFlight = null;
    return true;
  }

  /**
   * Hands over the open batch and waits until the sink finished it, calling {@code whileWaiting}
   * between checks (to keep dead letters moving); gives up at {@code deadlineNanos}. True when no
   * batch is left open or in flight.
   */
  boolean flush(long deadlineNanos, Runnable whileWaiting) {
    while (open != null && !dispatch() && clock.nanoTime() - deadlineNanos < 0) {
      whileWaiting.run();
      sleep();
    }
    while (inFlight != null && !collectFinished() && clock.nanoTime() - deadlineNanos < 0) {
      whileWaiting.run();
      sleep();
    }
    return open == null && inFlight == null;
  }

  /** Waits a moment for the sink; an interrupt ends the wait as a wakeup of the consumer would. */
  static void sleep() {
    try {
      Thread.sleep(WAIT_STEP_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
  }

  /**
   * Hands the open batch over if the sink is free, then accepts no more rows. Never waits: a clean
   * stop {@link #flush}es first (see {@link RebalanceDrain#drain}); what is still open after that
   * stays uncommitted and is read again. Idempotent.
   */
  @Override
  public void close() {
    if (!closed) {
      dispatch();
      closed = true;
    }
  }
}
