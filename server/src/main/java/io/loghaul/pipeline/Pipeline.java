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
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
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
 * letter the DLQ refuses pauses only its own partition, whichever stage rejected the record. The
 * offsets made durable so far, and metadata naming the rows about to be written, are committed
 * synchronously before each batch is handed to the sink, so after a crash the next owner skips the
 * rows the sink already holds ({@link ReplayGuard}) instead of writing them twice. On revocation
 * the revoked partitions' pending rows are flushed and committed first; on {@link #close()}
 * everything pending is flushed and committed, so a clean stop duplicates nothing.
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
  private final BufferView key = new BufferView();
  private final BufferView value = new BufferView();
  private final Redactor redactor;

  private volatile boolean running = true;
  private volatile boolean consuming;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  private Thread thread;

  /**
   * @param sink where accepted rows go; also asked, for newly assigned partitions whose commit
   *     metadata names rows that may be stored already, which of them are
   * @param deadLetters produces rejected records; the pipeline's {@link DeadLetterQueue} retries
   * @param clock wall-clock time for the schema's timestamp window
   * @param nanoClock monotonic time for batch age, commit interval, retries and deadlines
   */
  public Pipeline(
      Consumer<ByteBuffer, ByteBuffer> consumer,
      List<String> topics,
      RecordDecoder decoder,
      RowSink sink,
      DeadLetterPublisher deadLetters,
      PipelineMetrics metrics,
      LoghaulConfig.Batch limits,
      Clock clock,
      NanoClock nanoClock) {
    this(consumer, topics, decoder, null, sink, deadLetters, metrics, limits, clock, nanoClock);
  }

  /**
   * As above, with {@code redactor} (null: none) applied to every accepted record after the schema
   * check and before it becomes a row.
   */
  public Pipeline(
      Consumer<ByteBuffer, ByteBuffer> consumer,
      List<String> topics,
      RecordDecoder decoder,
      Redactor redactor,
      RowSink sink,
      DeadLetterPublisher deadLetters,
      PipelineMetrics metrics,
      LoghaulConfig.Batch limits,
      Clock clock,
      NanoClock nanoClock) {
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
              public void refused(RefusedRow row) {
                deadLetterRefused(row);
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
   * Drops the views' references to the last record's buffer, so an idle pipeline does not pin it
   * (for an uncompressed batch, the whole fetch response).
   */
  private void forgetViews() {
    key.of(null);
    value.of(null);
  }

  /**
   * Routes one record: a row to the batcher, a rejection to the DLQ, a row stored before a crash
   * nowhere.
   */
  private void handle(
      ConsumerRecord<ByteBuffer, ByteBuffer> record, PartitionState state, long nowMillis) {
    // The key and value are views of the consumer's buffers (KafkaClients#pipelineConsumer says
    // how long those stay valid): parsed in place, and copied wherever they are kept (the batch's
    // source copies, a dead letter).
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
      key.of(record.key());
      state.progress.add(
          record.offset(), batcher.add(entry, record, key, value), record.timestamp());
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
   * A row the sink refused goes to the DLQ like a schema rejection, and its offset is held by its
   * dead letter from now on (the rows around it stay with their batch). A partition no longer
   * assigned is skipped: its new owner reads the record again.
   */
  private void deadLetterRefused(RefusedRow row) {
    ConsumerRecord<byte[], byte[]> source = row.source();
    PartitionState state = assigned.get(new TopicPartition(source.topic(), source.partition()));
    if (state == null) {
      return;
    }
    DeadLetter letter = deadLetters.add(source, ErrorType.CLICKHOUSE_REJECTED, "", row.reason());
    state.progress.reassign(source.offset(), letter, source.timestamp());
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
