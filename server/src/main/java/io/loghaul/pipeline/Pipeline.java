package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.loghaul.clickhouse.Batch;
import io.loghaul.clickhouse.BatchInserter;
import io.loghaul.clickhouse.BatchPool;
import io.loghaul.clickhouse.RowBinaryEncoder;
import io.loghaul.config.LoghaulConfig;
import io.loghaul.dlq.DeadLetter;
import io.loghaul.dlq.DeadLetterPublisher;
import io.loghaul.metrics.PartitionMeters;
import io.loghaul.metrics.PipelineMetrics;
import io.loghaul.metrics.TopicMeters;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop: poll → check each record → good rows into the open {@link Batch}, bad ones to
 * the DLQ → hand full or old batches to the {@link BatchInserter} → commit, per partition, only the
 * offset below which every record is durable (in ClickHouse or in the DLQ).
 *
 * <p>One thread owns the Kafka consumer and all state here. At most one batch is being inserted
 * while the next one fills; when both are busy the partitions are paused and polling continues
 * (so a ClickHouse outage never costs the group membership), and they resume by themselves. After
 * each inserted batch the offsets are committed synchronously before the next batch is handed
 * over, so a crash duplicates at most the batch in flight. On revocation the revoked partitions'
 * pending rows are flushed and committed first; on {@link #close()} everything pending is flushed
 * and committed, so a clean stop duplicates nothing.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  /** How long a revocation or shutdown waits for pending work before giving up on committing it. */
  static final long DRAIN_TIMEOUT_MILLIS = 30_000;
  private static final long COMMIT_INTERVAL_MILLIS = 1_000;
  private static final long DLQ_RETRY_MILLIS = 1_000;

  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final RecordDecoder decoder;
  private final RowBinaryEncoder encoder;
  private final BatchPool pool;
  private final BatchInserter inserter;
  private final DeadLetterPublisher deadLetters;
  private final PipelineMetrics metrics;
  private final LoghaulConfig.Batch limits;
  private final Clock clock;
  private final StoredRows storedRows;
  private volatile long replaySkipped;

  private final Map<TopicPartition, Assigned> assigned = new HashMap<>();
  private final Map<String, byte[]> topicBytes = new HashMap<>();
  private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
  private final List<DeadLetter> letters = new ArrayList<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private final LogEntry entry = new LogEntry();

  private Batch open;
  private Batch inFlight;
  private long lastCommitMillis;
  private volatile boolean running = true;
  private volatile boolean consuming;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  private Thread thread;

  /** Records of one partition from one poll, with how far they were processed. */
  private static final class Pending {
    final TopicPartition partition;
    final List<ConsumerRecord<byte[], byte[]>> records;
    int next;

    Pending(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records) {
      this.partition = partition;
      this.records = records;
    }
  }

  /** State of one assigned partition. */
  private static final class Assigned {
    final PartitionProgress progress = new PartitionProgress();
    final byte[] topic;
    final TopicMeters meters;
    final PartitionMeters lag;
    boolean dlqBlocked;
    /** Accepted rows at or above the committed offset (they may be in ClickHouse); -1 = none. */
    long uncommittedFirst = -1;
    long uncommittedLast;
    long uncommittedMinTs;
    long uncommittedMaxTs;
    /** The metadata of the last successful commit of this partition. */
    String committedMetadata = "";
    /** After a crash: offsets ClickHouse already holds, skipped instead of inserted again. */
    long[] stored;
    long storedUpTo = -1;

    void noteAccepted(long offset, long timestampNanos) {
      if (uncommittedFirst < 0) {
        uncommittedFirst = offset;
        uncommittedMinTs = timestampNanos;
        uncommittedMaxTs = timestampNanos;
      } else {
        uncommittedMinTs = Math.min(uncommittedMinTs, timestampNanos);
        uncommittedMaxTs = Math.max(uncommittedMaxTs, timestampNanos);
      }
      uncommittedLast = offset;
    }

    /** The commit metadata describing the rows above {@code committedOffset}, or "" when none. */
    String metadataFor(long committedOffset) {
      if (uncommittedFirst < 0 || uncommittedLast < committedOffset) {
        return "";
      }
      return new UncommittedRows(Math.max(uncommittedFirst, committedOffset), uncommittedLast,
          uncommittedMinTs, uncommittedMaxTs).toMetadata();
    }

    void committed(long offset, String metadata) {
      progress.markCommitted(offset);
      committedMetadata = metadata;
      if (uncommittedFirst >= 0 && uncommittedLast < offset) {
        uncommittedFirst = -1;
      }
    }

    boolean alreadyStored(long offset) {
      if (stored == null) {
        return false;
      }
      if (offset > storedUpTo) {
        stored = null;
        return false;
      }
      return Arrays.binarySearch(stored, offset) >= 0;
    }

    Assigned(byte[] topic, TopicMeters meters, PartitionMeters lag) {
      this.topic = topic;
      this.meters = meters;
      this.lag = lag;
    }
  }

  /**
   * @param storedRows asked, for each newly assigned partition whose commit metadata names rows
   *     that may already be in ClickHouse (a crash between an INSERT and its commit), which of them
   *     are; those are skipped instead of inserted twice
   */
  public Pipeline(
      Consumer<byte[], byte[]> consumer,
      List<String> topics,
      RecordDecoder decoder,
      RowBinaryEncoder encoder,
      BatchPool pool,
      BatchInserter inserter,
      DeadLetterPublisher deadLetters,
      PipelineMetrics metrics,
      LoghaulConfig.Batch limits,
      Clock clock,
      StoredRows storedRows) {
    this.storedRows = requireNonNull(storedRows, "storedRows");
    this.consumer = requireNonNull(consumer, "consumer");
    this.topics = List.copyOf(topics);
    this.decoder = requireNonNull(decoder, "decoder");
    this.encoder = requireNonNull(encoder, "encoder");
    this.pool = requireNonNull(pool, "pool");
    this.inserter = requireNonNull(inserter, "inserter");
    this.deadLetters = requireNonNull(deadLetters, "deadLetters");
    this.metrics = requireNonNull(metrics, "metrics");
    this.limits = requireNonNull(limits, "limits");
    this.clock = requireNonNull(clock, "clock");
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

  /** True once the consumer has joined the group and is polling. */
  public boolean consuming() {
    return consuming && running;
  }

  /**
   * For each assigned partition, the Kafka timestamp of its oldest record that is processed but
   * not yet committed, or -1; a snapshot safe to read from any thread.
   */
  public Map<TopicPartition, Long> oldestUncommitted() {
    return oldestSnapshot;
  }

  private volatile Map<TopicPartition, Long> oldestSnapshot = Map.of();
  private volatile int rebalances;
  private volatile int assignedCount;

  /** How many rebalances this consumer took part in (each calls onPartitionsAssigned once). */
  public int rebalances() {
    return rebalances;
  }

  /** Number of partitions currently assigned. */
  public int assignedPartitions() {
    return assignedCount;
  }

  private void run() {
    try {
      consumer.subscribe(topics, new Rebalance());
      lastCommitMillis = clock.millis();
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(pollTimeoutMillis()));
        consuming = true;
        for (TopicPartition tp : records.partitions()) {
          backlog.addLast(new Pending(tp, records.records(tp)));
        }
        step();
      }
    } catch (WakeupException e) {
      // close() woke us up
    } catch (RuntimeException | Error e) {
      // an Error too (OutOfMemoryError...): a process whose pipeline is dead must not look alive
      log.error("Pipeline stopped by an unexpected error", e);
      failure.complete(e);
    } finally {
      try {
        drain(assigned.keySet(), DRAIN_TIMEOUT_MILLIS);
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
      stopped.countDown();
    }
  }

  private long pollTimeoutMillis() {
    if (!backlog.isEmpty() || inFlight != null) {
      return 20;
    }
    return open != null ? Math.min(100, Math.max(1, limits.maxDelayMs())) : 200;
  }

  /** One turn of the loop after a poll: finish, dispatch, process, retry, pause/resume, commit. */
  private void step() {
    long nowNanos = System.nanoTime();
    boolean finished = collectFinishedBatch();
    if (open != null && open.rowCount() > 0 && dueByAge(open, nowNanos)) {
      dispatchOpen();
    }
    process();
    retryDeadLetters();
    updatePauses();
    long now = clock.millis();
    if (finished) {
      commit(true);
    } else if (now - lastCommitMillis >= COMMIT_INTERVAL_MILLIS) {
      commit(false);
    }
    snapshotOldest();
  }

  /** If the in-flight batch is durable, forgets it; true when one finished. */
  private boolean collectFinishedBatch() {
    if (inFlight != null && inFlight.isDurable()) {
      inFlight = null;
      return true;
    }
    return false;
  }

  private boolean dueByAge(Batch batch, long nowNanos) {
    return nowNanos - batch.createdNanos() >= TimeUnit.MILLISECONDS.toNanos(limits.maxDelayMs());
  }

  private boolean full(Batch batch) {
    return batch.rowCount() >= limits.maxRows() || batch.byteSize() >= limits.maxBytes();
  }

  /** Hands the open batch to the inserter if it is free; false when it is busy. */
  private boolean dispatchOpen() {
    if (inFlight != null) {
      if (!inFlight.isDurable()) {
        return false;
      }
      inFlight = null;
    }
    if (!inserter.idle()) {
      return false;
    }
    // Commit before the insert starts: the offsets the previous batch made durable, and (in the
    // metadata) the rows this batch is about to write, so a crash duplicates nothing.
    commit(true);
    inFlight = open;
    open = null;
    inserter.submit(inFlight);
    return true;
  }

  private void process() {
    long nowMillis = clock.millis();
    while (!backlog.isEmpty()) {
      Pending pending = backlog.peekFirst();
      Assigned state = assigned.get(pending.partition);
      if (state == null) {
        backlog.pollFirst(); // revoked or lost since the poll
        continue;
      }
      List<ConsumerRecord<byte[], byte[]>> records = pending.records;
      int received = 0;
      while (pending.next < records.size()) {
        if (open != null && full(open) && !dispatchOpen()) {
          state.meters.received(received);
          return; // back-pressure: keep the rest for later; the partitions get paused meanwhile
        }
        if (open == null) {
          open = pool.open(System.nanoTime());
        }
        ConsumerRecord<byte[], byte[]> record = records.get(pending.next++);
        received++;
        handle(record, state, nowMillis);
      }
      state.meters.received(received);
      backlog.pollFirst();
    }
    if (open != null && open.rowCount() > 0 && full(open)) {
      dispatchOpen();
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record, Assigned state, long nowMillis) {
    ParseResult result = decoder.decode(record.value(), record.headers(), nowMillis, entry);
    if (result == Accepted.INSTANCE) {
      state.noteAccepted(record.offset(), entry.timestampNanos());
      if (state.alreadyStored(record.offset())) {
        // inserted before a crash, never committed: ClickHouse has it already
        state.progress.add(record.offset(), ALREADY_STORED, record.timestamp());
        replaySkipped++;
        metrics.replaySkipped();
        return;
      }
      encoder.encode(entry, state.topic, record.partition(), record.offset(), open.buffer());
      open.endRow(record);
      state.progress.add(record.offset(), open, record.timestamp());
    } else {
      Rejected rejected = (Rejected) result;
      state.meters.parseError(rejected.type());
      DeadLetter letter = new DeadLetter(record, rejected.type(), rejected.field(), rejected.message());
      deadLetters.publish(letter);
      letters.add(letter);
      state.progress.add(record.offset(), letter, record.timestamp());
    }
  }

  /**
   * Re-publishes dead letters whose last attempt failed, once a second; a partition holding one
   * stays paused until it is written.
   */
  private void retryDeadLetters() {
    for (Assigned a : assigned.values()) {
      a.dlqBlocked = false;
    }
    if (letters.isEmpty()) {
      return;
    }
    long now = clock.millis();
    Iterator<DeadLetter> it = letters.iterator();
    while (it.hasNext()) {
      DeadLetter letter = it.next();
      if (letter.isDurable()) {
        it.remove();
        retryAt.remove(letter);
        continue;
      }
      boolean failing = letter.lastFailure() != null || letter.attempts() > 1;
      if (!failing) {
        continue;
      }
      TopicPartition tp = new TopicPartition(letter.source().topic(), letter.source().partition());
      Assigned state = assigned.get(tp);
      if (state == null) {
        it.remove(); // partition gone: its new owner handles the record again
        retryAt.remove(letter);
        continue;
      }
      state.dlqBlocked = true;
      if (letter.inFlight()) {
        continue;
      }
      long at = retryAt.computeIfAbsent(letter, l -> now + DLQ_RETRY_MILLIS);
      if (now >= at) {
        if (letter.attempts() == 1 || letter.attempts() % 20 == 0) {
          log.warn("Dead letter for {} offset {} could not be written (attempt {}); not committing past it",
              tp, letter.source().offset(), letter.attempts(), letter.lastFailure());
        }
        retryAt.put(letter, now + DLQ_RETRY_MILLIS);
        deadLetters.publish(letter);
      }
    }
  }

  private final Map<DeadLetter, Long> retryAt = new HashMap<>();

  /** Pauses every partition while the batches are full, and partitions whose dead letters fail. */
  private void updatePauses() {
    boolean backPressure = !backlog.isEmpty();
    Set<TopicPartition> want = new HashSet<>();
    for (Map.Entry<TopicPartition, Assigned> e : assigned.entrySet()) {
      if (backPressure || e.getValue().dlqBlocked) {
        want.add(e.getKey());
      }
    }
    if (want.equals(paused)) {
      return;
    }
    List<TopicPartition> toPause = new ArrayList<>();
    for (TopicPartition tp : want) {
      if (!paused.contains(tp)) {
        toPause.add(tp);
      }
    }
    List<TopicPartition> toResume = new ArrayList<>();
    for (TopicPartition tp : paused) {
      if (!want.contains(tp)) {
        toResume.add(tp);
      }
    }
    if (!toPause.isEmpty()) {
      consumer.pause(toPause);
      log.debug("Paused {}", toPause);
    }
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
      log.debug("Resumed {}", toResume);
    }
    paused.clear();
    paused.addAll(want);
  }

  /** Commits every partition whose durable prefix advanced. */
  private void commit(boolean sync) {
    commit(assigned.keySet(), sync);
  }

  private void commit(Collection<TopicPartition> partitions, boolean sync) {
    lastCommitMillis = clock.millis();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      Assigned a = assigned.get(tp);
      if (a == null) {
        continue;
      }
      long offset = a.progress.committable();
      if (offset < 0) {
        continue;
      }
      String metadata = a.metadataFor(offset);
      if (offset > a.progress.committed() || !metadata.equals(a.committedMetadata)) {
        offsets.put(tp, new OffsetAndMetadata(offset, metadata));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      if (sync) {
        consumer.commitSync(offsets, Duration.ofSeconds(10));
        markCommitted(offsets);
      } else {
        consumer.commitAsync(offsets, (committed, e) -> {
          if (e == null) {
            markCommitted(committed);
          } else {
            log.debug("Async commit failed; the next commit covers it", e);
          }
        });
      }
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      log.warn("Offset commit failed; will retry with the next commit: {}", e.toString());
    }
  }

  private void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      Assigned a = assigned.get(e.getKey());
      if (a != null) {
        a.committed(e.getValue().offset(), e.getValue().metadata());
      }
    }
  }

  private void snapshotOldest() {
    assignedCount = assigned.size();
    Map<TopicPartition, Long> m = new HashMap<>(assigned.size() * 2);
    for (Map.Entry<TopicPartition, Assigned> e : assigned.entrySet()) {
      m.put(e.getKey(), e.getValue().progress.oldestPendingTimestamp());
    }
    for (Pending p : backlog) {
      if (p.next < p.records.size()) {
        long ts = p.records.get(p.next).timestamp();
        m.merge(p.partition, ts, (a, b) -> a < 0 ? b : Math.min(a, b));
      }
    }
    oldestSnapshot = m;
    for (Map.Entry<TopicPartition, Assigned> e : assigned.entrySet()) {
      Assigned a = e.getValue();
      Long oldest = m.get(e.getKey());
      a.lag.oldestUncommitted(oldest == null ? -1 : oldest);
      long committed = a.progress.committed();
      // before our first commit the group's position is where we started reading
      a.lag.committed(committed >= 0 ? committed : a.progress.firstOffset());
    }
  }

  /**
   * Makes everything processed for {@code partitions} durable (flushing the open batch), bounded
   * by {@code timeoutMillis}, then commits it. Used on revocation and shutdown.
   */
  private void drain(Collection<TopicPartition> partitions, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    boolean needed = false;
    for (TopicPartition tp : partitions) {
      Assigned a = assigned.get(tp);
      if (a != null && a.progress.hasPending()) {
        needed = true;
      }
    }
    if (needed) {
      if (open != null && open.rowCount() > 0 && holdsAny(open, partitions)) {
        while (!dispatchOpen() && System.nanoTime() < deadline) {
          retryDeadLetters();
          sleep(5);
        }
      }
      while (System.nanoTime() < deadline && anyPending(partitions)) {
        collectFinishedBatch();
        retryDeadLetters();
        sleep(5);
      }
      if (anyPending(partitions)) {
        log.warn("Gave up waiting for ClickHouse/DLQ after {} ms for {}; their uncommitted records will be read again",
            timeoutMillis, partitions);
      }
    }
    collectFinishedBatch();
    commit(partitions, true);
  }

  private boolean holdsAny(Batch batch, Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      Assigned a = assigned.get(tp);
      if (a != null && a.progress.holds(batch)) {
        return true;
      }
    }
    return false;
  }

  private boolean anyPending(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      Assigned a = assigned.get(tp);
      if (a != null && a.progress.hasPending()) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
  }

  private void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      assigned.remove(tp);
      paused.remove(tp);
    }
    backlog.removeIf(p -> partitions.contains(p.partition));
    letters.removeIf(l -> partitions.contains(new TopicPartition(l.source().topic(), l.source().partition())));
    retryAt.keySet().retainAll(letters);
  }

  /** Work that is durable from the start: a row ClickHouse already holds. */
  private static final Durable ALREADY_STORED = () -> true;

  /** Rows skipped because ClickHouse already held them after a crash (for tests and logs). */
  public long replaySkipped() {
    return replaySkipped;
  }

  /**
   * For newly assigned partitions whose commit metadata names rows that may be in ClickHouse
   * already, asks which ones are. Failure to ask only costs duplicates, never data.
   */
  private void lookUpStoredRows(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = consumer.committed(new HashSet<>(partitions), Duration.ofSeconds(10));
    } catch (KafkaException e) {
      log.warn("Could not read committed offsets of {}; rows of a crashed batch may be inserted twice: {}",
          partitions, e.toString());
      return;
    }
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
      Assigned a = assigned.get(e.getKey());
      if (a == null || e.getValue() == null) {
        continue;
      }
      a.committedMetadata = e.getValue().metadata();
      UncommittedRows rows = UncommittedRows.parse(e.getValue().metadata());
      if (rows == null) {
        continue;
      }
      try {
        long[] stored = storedRows.storedOffsets(e.getKey(), rows);
        if (stored.length > 0) {
          a.stored = stored;
          a.storedUpTo = rows.lastOffset();
          log.info("{}: {} rows of offsets {}..{} are in ClickHouse from before a crash; skipping them",
              e.getKey(), stored.length, rows.firstOffset(), rows.lastOffset());
        }
      } catch (Exception ex) {
        log.warn("{}: could not ask ClickHouse which of offsets {}..{} it holds; they may be inserted twice: {}",
            e.getKey(), rows.firstOffset(), rows.lastOffset(), ex.toString());
      }
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      rebalances++;
      for (TopicPartition tp : partitions) {
        byte[] topic = topicBytes.computeIfAbsent(tp.topic(), t -> t.getBytes(UTF_8));
        assigned.put(tp, new Assigned(topic, metrics.source(tp.topic()), metrics.assigned(tp)));
      }
      if (!partitions.isEmpty()) {
        lookUpStoredRows(partitions);
      }
      if (!partitions.isEmpty()) {
        log.info("Assigned {}", partitions);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      log.info("Revoking {}: flushing and committing their pending records first", partitions);
      drain(partitions, DRAIN_TIMEOUT_MILLIS);
      forget(partitions);
      metrics.unassigned(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      log.warn("Lost {} without a clean revocation; their uncommitted records will be read again", partitions);
      forget(partitions);
      metrics.unassigned(partitions);
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
      if (!stopped.await(DRAIN_TIMEOUT_MILLIS + 15_000, TimeUnit.MILLISECONDS)) {
        consumer.wakeup();
        stopped.await(15, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
