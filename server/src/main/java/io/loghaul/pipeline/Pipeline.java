package io.loghaul.pipeline;

import static java.util.Objects.requireNonNull;

import io.loghaul.clickhouse.RefusedRow;
import io.loghaul.clickhouse.RowSink;
import io.loghaul.config.LoghaulConfig;
import io.loghaul.dlq.DeadLetter;
import io.loghaul.dlq.DeadLetterPublisher;
import io.loghaul.dlq.DeadLetterQueue;
import io.loghaul.metrics.PipelineMetrics;
import io.loghaul.record.Durable;
import io.loghaul.record.NanoClock;
import io.loghaul.redaction.Redactor;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop: poll → check each record ({@link RecordDecoder}) → good rows into the {@link
 * Batcher}, bad ones to the {@link DeadLetterQueue} → commit, per partition, only the offset below
 * which every record is durable (in the {@link RowSink} or in the DLQ). This class owns the thread
 * and routes records; each other concern is its own class: the poll backlog ({@link PollBacklog}),
 * pausing ({@link Pauser}), per-partition state ({@link PartitionState}), commits ({@link
 * Committer}), crash replay ({@link ReplayGuard}) and the rebalance drain ({@link RebalanceDrain}).
 *
 * <p>One thread owns the Kafka consumer and all state here. At most one batch is being written
 * while the next one fills; when both are busy every partition is paused and polling continues (so
 * a ClickHouse outage never costs the group membership), and they resume by themselves. A dead
 * letter the DLQ refuses pauses only its own partition, whichever stage rejected the record; a row
 * the sink refuses is dead-lettered with its record read back from Kafka ({@link SourceReader}),
 * and its batch stays in flight until that read succeeds. The offsets made durable so far, and
 * metadata naming the rows about to be written, are committed synchronously before each batch is
 * handed to the sink, so after a crash the next owner skips the rows the sink already holds ({@link
 * ReplayGuard}) instead of writing them twice. On revocation the revoked partitions' pending rows
 * are flushed and committed first; on {@link #close()} everything pending is flushed and committed,
 * so a clean stop duplicates nothing.
 *
 * <p>Time comes from the injected clocks: wall-clock millis for the schema's timestamp window, a
 * monotonic {@link NanoClock} for batch age, commit interval, DLQ retries and drain deadlines.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  private static final Durable ALREADY_STORED = () -> true;

  private final Consumer<ByteBuffer, ByteBuffer> consumer;
  private final List<String> topics;
  private final RecordDecoder decoder;
  private final PipelineMetrics metrics;
  private final long maxDelayMs;
  private final Clock clock;
  private final Map<TopicPartition, PartitionState> assigned = new HashMap<>();
  private final PollBacklog backlog = new PollBacklog();
  private final Pauser pauser;
  private final DeadLetterQueue deadLetters;
  private final Batcher batcher;
  private final Committer committer;
  private final ReplayGuard replay;
  private final RebalanceDrain rebalance;
  private final LogEntry entry = new LogEntry();
  private final BufferView value = new BufferView();
  private final Redactor redactor;
  private final SourceReader sources;

  /** Whether reading a refused row's record back failed since it last worked: to log it once. */
  private boolean sourcesUnavailable;

  private volatile boolean running = true;
  private volatile boolean consuming;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  private Thread thread;

  /**
   * @param sourceConsumers makes the consumer that reads back the record of a row the sink refused
   *     (batches keep only where their rows came from), on the first refusal
   * @param redactor applied to every accepted record after the schema check and before it becomes a
   *     row; null: none
   * @param sink where accepted rows go; also asked, for newly assigned partitions whose commit
   *     metadata names rows that may be stored already, which of them are
   * @param deadLetters produces rejected records; the pipeline's {@link DeadLetterQueue} retries
   * @param clock wall-clock time for the schema's timestamp window
   * @param nanoClock monotonic time for batch age, commit interval, retries and deadlines
   */
  public Pipeline(
      Consumer<ByteBuffer, ByteBuffer> consumer,
      Supplier<Consumer<byte[], byte[]>> sourceConsumers,
      List<String> topics,
      RecordDecoder decoder,
      Redactor redactor,
      RowSink sink,
      DeadLetterPublisher deadLetters,
      PipelineMetrics metrics,
      LoghaulConfig.Batch limits,
      Clock clock,
      NanoClock nanoClock) {
    this(
        consumer,
        new KafkaSourceReader(sourceConsumers, KafkaSourceReader.READ_TIMEOUT),
        topics,
        decoder,
        redactor,
        sink,
        deadLetters,
        metrics,
        limits,
        clock,
        nanoClock);
  }

  /** As above, reading refused rows' records back through {@code sources}. */
  Pipeline(
      Consumer<ByteBuffer, ByteBuffer> consumer,
      SourceReader sources,
      List<String> topics,
      RecordDecoder decoder,
      Redactor redactor,
      RowSink sink,
      DeadLetterPublisher deadLetters,
      PipelineMetrics metrics,
      LoghaulConfig.Batch limits,
      Clock clock,
      NanoClock nanoClock) {
    this.sources = requireNonNull(sources, "sources");
    this.redactor = redactor;
    this.consumer = requireNonNull(consumer, "consumer");
    this.topics = List.copyOf(topics);
    this.decoder = requireNonNull(decoder, "decoder");
    requireNonNull(sink, "sink");
    this.metrics = requireNonNull(metrics, "metrics");
    this.maxDelayMs = requireNonNull(limits, "limits").maxDelayMs();
    this.clock = requireNonNull(clock, "clock");
    requireNonNull(nanoClock, "nanoClock");
    this.pauser = new Pauser(consumer);
    this.deadLetters = new DeadLetterQueue(requireNonNull(deadLetters, "deadLetters"), nanoClock);
    this.committer = new Committer(consumer, assigned, nanoClock);
    this.batcher =
        new Batcher(
            sink,
            limits,
            nanoClock,
            new Batcher.Listener() {
              @Override
              public void beforeInsert() {
                committer.commitAll();
              }

              @Override
              public boolean refused(RefusedRow row) {
                return deadLetterRefused(row);
              }
            });
    this.replay = new ReplayGuard(consumer, sink);
    this.rebalance =
        new RebalanceDrain(
            assigned,
            metrics,
            replay,
            batcher,
            this.deadLetters,
            committer,
            backlog,
            pauser,
            nanoClock);
  }

  /** Starts the consumer thread. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(this::run, "loghaul-pipeline");
    thread.start();
  }

  /**
   * Completes with the error that stopped the consumer loop, if one ever does (never on {@link
   * #close}); the server then exits non-zero instead of running on without its pipeline.
   */
  public CompletableFuture<Throwable> failure() {
    return failure;
  }

  /**
   * True while the consumer loop runs and the group has assigned this consumer its partitions (see
   * {@link #assignedPartitions()}: possibly none, when the group has more members than the topics
   * have partitions). False before the first assignment, after partitions were lost until the next
   * one, and once stopped.
   */
  public boolean consuming() {
    return consuming && running && rebalance.member();
  }

  /** How many rebalances this consumer took part in (each calls onPartitionsAssigned once). */
  public int rebalances() {
    return rebalance.rebalances();
  }

  /** Number of partitions currently assigned. */
  public int assignedPartitions() {
    return rebalance.owned();
  }

  /** Rows skipped because the sink already held them after a crash (for tests and logs). */
  public long replaySkipped() {
    return replay.skipped();
  }

  private void run() {
    try {
      subscribe();
      while (running) {
        pollOnce();
      }
    } catch (WakeupException e) {
      // close() woke us up
    } catch (RuntimeException | Error e) {
      // an Error too (OutOfMemoryError...): a process whose pipeline is dead must not look alive
      log.error("Pipeline stopped by an unexpected error", e);
      failure.complete(e);
    } finally {
      shutDown();
      stopped.countDown();
    }
  }

  /** Joins the group. The loop's first step; tests call it to drive the loop by hand. */
  void subscribe() {
    consumer.subscribe(topics, rebalance);
  }

  /** One turn of the loop: poll, then {@link #step()}. */
  void pollOnce() {
    backlog.add(consumer.poll(Duration.ofMillis(pollTimeoutMillis())));
    consuming = true;
    step();
  }

  /**
   * Flushes and commits what is pending (bounded), and closes the consumer. The loop's last step.
   */
  void shutDown() {
    try {
      rebalance.drain(assigned.keySet(), RebalanceDrain.DRAIN_TIMEOUT_MILLIS);
      batcher.close();
    } catch (Batcher.SinkFailedException e) {
      // logged with its cause when it stopped the loop; committing nothing more is the point
      log.warn("Final flush skipped: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Final flush failed; uncommitted records will be read again", e);
    }
    try {
      consumer.close(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      log.warn("Closing the Kafka consumer failed", e);
    }
    try {
      sources.close();
    } catch (RuntimeException e) {
      log.warn("Closing the consumer that reads refused rows back failed", e);
    }
    // a failed close skips the revocation callback: the gauges must not outlive the consumer
    metrics.unassigned(List.copyOf(assigned.keySet()));
    consuming = false;
  }

  private long pollTimeoutMillis() {
    if (!backlog.isEmpty() || batcher.inserting()) {
      return 20;
    }
    return batcher.hasOpenRows() ? Math.min(100, Math.max(1, maxDelayMs)) : 200;
  }

  /** After a poll: collect, flush by age, process, retry dead letters, pause/resume, commit. */
  private void step() {
    boolean finished = batcher.collectFinished();
    batcher.flushIfDue(waitingRecords());
    process();
    deadLetters.retryDue();
    pauser.update(assigned.keySet(), !backlog.isEmpty(), deadLetters::blocks);
    if (finished) {
      committer.commitAll();
    } else {
      committer.commitIfDue();
    }
    publishLag();
  }

  /**
   * Records this consumer has not processed yet: polled ones waiting in the backlog and, as far as
   * the last fetches tell, those still in Kafka (the partitions' lag behind their log end).
   */
  private long waitingRecords() {
    long n = backlog.remaining();
    for (TopicPartition tp : assigned.keySet()) {
      try {
        OptionalLong lag = consumer.currentLag(tp);
        if (lag.isPresent()) {
          n += lag.getAsLong();
        }
      } catch (IllegalStateException e) {
        // no position yet for a partition just assigned: nothing known to wait
      }
    }
    return n;
  }

  private void process() {
    long nowMillis = clock.millis();
    PollBacklog.Chunk chunk;
    while ((chunk = backlog.first()) != null) {
      PartitionState state = assigned.get(chunk.partition);
      if (state == null) {
        backlog.removeFirst(); // revoked or lost since the poll
        continue;
      }
      int received = 0;
      while (chunk.hasNext()) {
        if (batcher.full() && !batcher.dispatch()) {
          state.meters.received(received);
          forgetViews();
          return; // back-pressure: keep the rest for later; the partitions get paused meanwhile
        }
        received++;
        handle(chunk.next(), state, nowMillis);
      }
      state.meters.received(received);
      backlog.removeFirst();
    }
    forgetViews();
    batcher.flushIfFull();
  }

  /**
   * Drops the view's reference to the last record's buffer, so an idle pipeline does not pin it
   * (for an uncompressed batch, the whole fetch response).
   */
  private void forgetViews() {
    value.of(null);
  }

  /**
   * Routes one record: a row to the batcher, a rejection to the DLQ, a row stored before a crash
   * nowhere.
   */
  private void handle(
      ConsumerRecord<ByteBuffer, ByteBuffer> record, PartitionState state, long nowMillis) {
    // The key and value are views of the consumer's buffers (KafkaClients#pipelineConsumer says
    // how long those stay valid): the value is parsed in place, and both are copied where they are
    // kept (a dead letter); a batch keeps only the record's position.
    value.of(record.value());
    ParseResult result =
        decoder.decode(
            value.array(), value.offset(), value.length(), record.headers(), nowMillis, entry);
    if (result == Accepted.INSTANCE) {
      state.noteAccepted(record.offset(), entry.timestampNanos());
      if (replay.alreadyStored(state.partition, record.offset())) {
        // inserted before a crash, never committed: the sink has it already
        state.progress.add(record.offset(), ALREADY_STORED, record.timestamp());
        metrics.replaySkipped();
        return;
      }
      if (redactor != null) {
        redactor.redact(entry);
      }
      state.progress.add(record.offset(), batcher.add(entry, record), record.timestamp());
    } else {
      Rejected rejected = (Rejected) result;
      state.meters.parseError(rejected.type());
      DeadLetter letter =
          deadLetters.add(
              RecordCopies.toByteArrays(record),
              rejected.type(),
              rejected.field(),
              rejected.message());
      state.progress.add(record.offset(), letter, record.timestamp());
    }
  }

  /**
   * A row the sink refused goes to the DLQ like a schema rejection, with its record read back from
   * Kafka, and its offset is held by its dead letter from now on (the rows around it stay with
   * their batch). False when the record cannot be read now: the batch then stays in flight and this
   * is tried again on the next turn of the loop. A partition no longer assigned is skipped: its new
   * owner reads the record again. A record Kafka no longer holds (retention, compaction) is
   * dead-lettered without its key, value and headers, its message saying so.
   */
  private boolean deadLetterRefused(RefusedRow row) {
    PartitionState state = assigned.get(row.partition());
    if (state == null) {
      return true;
    }
    ConsumerRecord<byte[], byte[]> source;
    String message = row.reason();
    switch (sources.read(row.partition(), row.offset())) {
      case SourceReader.Found found -> source = found.record();
      case SourceReader.Gone gone -> {
        log.warn(
            "Dead-lettering refused row {} of {} without its record: {}",
            row.offset(),
            row.partition(),
            gone.why());
        source = withoutContent(row);
        message = message + "; the record itself is no longer in Kafka: " + gone.why();
      }
      case SourceReader.Unavailable unavailable -> {
        if (!sourcesUnavailable) {
          log.warn(
              "Cannot read refused row {} of {} back from Kafka to dead-letter it, retrying: {}",
              row.offset(),
              row.partition(),
              unavailable.why());
          sourcesUnavailable = true;
        }
        return false;
      }
    }
    sourcesUnavailable = false;
    DeadLetter letter = deadLetters.add(source, ErrorType.CLICKHOUSE_REJECTED, "", message);
    state.progress.reassign(row.offset(), letter, source.timestamp());
    return true;
  }

  /** A stand-in for a refused row's record that Kafka no longer holds: its position, no content. */
  private static ConsumerRecord<byte[], byte[]> withoutContent(RefusedRow row) {
    return new ConsumerRecord<>(
        row.partition().topic(),
        row.partition().partition(),
        row.offset(),
        RecordBatch.NO_TIMESTAMP,
        TimestampType.NO_TIMESTAMP_TYPE,
        -1,
        0,
        null,
        new byte[0],
        new RecordHeaders(),
        Optional.empty());
  }

  private void publishLag() {
    for (PartitionState state : assigned.values()) {
      state.publishLag(backlog.isEmpty() ? -1 : backlog.oldestUnprocessed(state.partition));
    }
  }

  /** Stops polling, flushes and commits what is pending (bounded), and closes the consumer. */
  @Override
  public void close() {
    running = false;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t == null) {
      return;
    }
    try {
      if (!stopped.await(RebalanceDrain.DRAIN_TIMEOUT_MILLIS + 15_000, TimeUnit.MILLISECONDS)) {
        consumer.wakeup();
        stopped.await(15, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
