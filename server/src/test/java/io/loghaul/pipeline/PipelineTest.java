package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loghaul.config.LoghaulConfig;
import io.loghaul.dlq.DeadLetterPublisher;
import io.loghaul.dlq.DlqHeaders;
import io.loghaul.metrics.PipelineMetrics;
import io.loghaul.record.UncommittedRows;
import io.loghaul.schema.SchemaLimits;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The consumer loop driven by hand, one {@code pollOnce()} at a time, against Kafka's own test
 * doubles ({@link TestConsumer}, {@link MockProducer} for the DLQ), an in-memory {@link MemorySink}
 * and a {@link ManualClock}: pausing, commit order, revocation drain, DLQ blocking and crash
 * replay, without servers and without sleeping.
 */
class PipelineTest {
  private static final String TOPIC = "logs";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
  private static final long NOW = 1_795_316_252_000L;
  private static final long NOW_NANOS = NOW * 1_000_000L;

  /** Past {@code batch.max-delay-ms} (1 s here) and past the commit interval. */
  private static final Duration A_WHILE = Duration.ofMillis(1_500);

  private final TestConsumer consumer = new TestConsumer();
  private final ManualClock clock = new ManualClock(NOW);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MemorySink sink = new MemorySink();
  private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
  private MockProducer<byte[], byte[]> dlq = producer(true);

  /** Copies of the records sent, as Kafka holds them, for {@link #sources}. */
  private final Map<TopicPartition, Map<Long, ConsumerRecord<byte[], byte[]>>> log =
      new HashMap<>();

  /** What {@link #sources} answers instead of reading {@link #log}, while not null. */
  private SourceReader.Result sourcesAnswer;

  /** Reads refused rows' records back from {@link #log}, as the pipeline's reader reads Kafka. */
  private final SourceReader sources =
      (partition, offset) -> {
        if (sourcesAnswer != null) {
          return sourcesAnswer;
        }
        ConsumerRecord<byte[], byte[]> r = log.getOrDefault(partition, Map.of()).get(offset);
        return r == null
            ? new SourceReader.Gone("not in the test's log")
            : new SourceReader.Found(r);
      };

  private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(
        autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A pipeline batching up to {@code maxRows} rows, subscribed and assigned P0 and P1. */
  private Pipeline pipeline(int maxRows) {
    Pipeline pipeline =
        new Pipeline(
            consumer,
            sources,
            List.of(TOPIC),
            new RecordDecoder(SchemaLimits.defaults()),
            null,
            sink,
            new DeadLetterPublisher(dlq, "logs.dlq", clock, l -> {}),
            new PipelineMetrics(registry, "logs", clock),
            new LoghaulConfig.Batch(maxRows, 16 << 20, 1_000),
            clock,
            clock);
    pipeline.subscribe();
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.rebalance(List.of(P0, P1));
    return pipeline;
  }

  /**
   * The arrays behind the keys and values sent so far, to scribble over once the pipeline handled
   * them: whatever it keeps must be its own copy.
   */
  private final List<byte[]> backing = new ArrayList<>();

  private long send(TopicPartition tp, byte[] value) {
    return send(tp, view(value), new RecordHeaders());
  }

  /** Sends {@code value} (a view of the consumer's buffers, as the real consumer hands it out). */
  private long send(TopicPartition tp, ByteBuffer value, RecordHeaders headers) {
    long offset = nextOffset.merge(tp, 1L, Long::sum) - 1;
    ConsumerRecord<ByteBuffer, ByteBuffer> record =
        new ConsumerRecord<>(
            tp.topic(),
            tp.partition(),
            offset,
            NOW,
            TimestampType.CREATE_TIME,
            -1,
            value.remaining(),
            view(("k" + offset).getBytes(UTF_8)),
            value,
            headers,
            Optional.empty());
    // what Kafka holds, before the test scribbles over the consumer's buffers
    log.computeIfAbsent(tp, p -> new HashMap<>()).put(offset, RecordCopies.toByteArrays(record));
    consumer.addRecord(record);
    return offset;
  }

  /**
   * {@code bytes} as the consumer hands a record out: a slice of a larger heap array, at a non-zero
   * array offset and position, between bytes that break the record if read.
   */
  private ByteBuffer view(byte[] bytes) {
    byte[] around = {'}', 0, '"', 0x0a, (byte) 0xff, ']'};
    byte[] array = new byte[around.length * 2 + bytes.length];
    System.arraycopy(around, 0, array, 0, around.length);
    System.arraycopy(bytes, 0, array, around.length, bytes.length);
    System.arraycopy(around, 0, array, around.length + bytes.length, around.length);
    backing.add(array);
    ByteBuffer slice = ByteBuffer.wrap(array, 2, array.length - 2).slice();
    slice.position(around.length - 2).limit(around.length - 2 + bytes.length);
    assertThat(slice.arrayOffset()).isNotZero();
    assertThat(slice.position()).isNotZero();
    return slice;
  }

  /** Overwrites every key and value sent so far, as a reused buffer would be. */
  private void scribble() {
    for (byte[] array : backing) {
      Arrays.fill(array, (byte) '#');
    }
  }

  private long good(TopicPartition tp) {
    return send(tp, LogRecords.valid(NOW, "svc", nextOffset.getOrDefault(tp, 0L)).getBytes(UTF_8));
  }

  private long committed(TopicPartition tp) {
    OffsetAndMetadata o = consumer.lastCommitted(tp);
    return o == null ? -1 : o.offset();
  }

  private static String metadata(long first, long last) {
    return new UncommittedRows(first, last, NOW_NANOS, NOW_NANOS).toMetadata();
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), UTF_8);
  }

  @Test
  void redactsAcceptedRecordsBeforeTheyBecomeRows(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path rulesFile =
        java.nio.file.Files.writeString(
            dir.resolve("rules.yaml"), "rules:\n  - {name: cards, preset: credit_card}\n");
    io.loghaul.redaction.RedactionRules rules =
        io.loghaul.redaction.RedactionRules.load(
            rulesFile, null, io.loghaul.redaction.RedactionObserver.NONE);
    Pipeline pipeline =
        new Pipeline(
            consumer,
            sources,
            List.of(TOPIC),
            new RecordDecoder(SchemaLimits.defaults()),
            new io.loghaul.redaction.Redactor(rules, SchemaLimits.defaults()),
            sink,
            new DeadLetterPublisher(dlq, "logs.dlq", clock, l -> {}),
            new PipelineMetrics(registry, "logs", clock),
            new LoghaulConfig.Batch(1, 16 << 20, 1_000),
            clock,
            clock);
    pipeline.subscribe();
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.rebalance(List.of(P0, P1));
    send(
        P0,
        ("{\"timestamp\":"
                + NOW
                + ",\"service_name\":\"s\",\"level\":\"INFO\","
                + "\"message\":\"card 4111 1111 1111 1111\"}")
            .getBytes(UTF_8));

    pipeline.pollOnce();

    assertThat(sink.submitted).hasSize(1);
    assertThat(sink.submitted.get(0).rows)
        .extracting(MemorySink.Row::message)
        .containsExactly("card ****");
  }

  @Test
  void pausesEveryPartitionWhileTheSinkIsBusyAndResumesByItselfWithoutARebalance() {
    Pipeline pipeline = pipeline(2);
    for (int i = 0; i < 6; i++) {
      good(P0);
    }
    good(P1);

    pipeline.pollOnce();
    assertThat(sink.submitted).as("one batch written, the next one full").hasSize(1);
    assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);
    pipeline.pollOnce();
    pipeline.pollOnce();
    assertThat(consumer.paused()).as("still busy").containsExactlyInAnyOrder(P0, P1);

    for (int turn = 0; turn < 10 && !consumer.paused().isEmpty(); turn++) {
      if (sink.writing()) {
        sink.finishWriting();
      }
      pipeline.pollOnce();
    }
    assertThat(consumer.paused()).isEmpty();
    assertThat(pipeline.rebalances()).as("only the first assignment").isEqualTo(1);
    sink.finishWriting();
    pipeline.pollOnce();
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    sink.finishWriting();
    pipeline.pollOnce();
    assertThat(sink.stored(P0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(sink.stored(P1)).containsExactly(0L);
    assertThat(committed(P0)).isEqualTo(6);
    assertThat(committed(P1)).isEqualTo(1);
  }

  @Test
  void writesTheMetadataBeforeEachInsertAndNeverCommitsPastAnUnfinishedRecord() {
    Pipeline pipeline = pipeline(3);
    List<OffsetAndMetadata> committedAtSubmit = new ArrayList<>();
    sink.onSubmit(() -> committedAtSubmit.add(consumer.lastCommitted(P0)));
    good(P0);
    good(P0);
    good(P0);

    pipeline.pollOnce();
    assertThat(sink.submitted).hasSize(1);
    assertThat(committedAtSubmit)
        .as("committed before the insert started")
        .containsExactly(new OffsetAndMetadata(0, metadata(0, 2)));

    send(P0, "{\"junk\"".getBytes(UTF_8)); // 3: dead-lettered at once
    good(P0); // 4: in the next batch
    pipeline.pollOnce();
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    assertThat(committed(P0)).as("the batch of 0..2 is not finished").isZero();

    sink.finishWriting();
    pipeline.pollOnce();
    assertThat(committedAtSubmit).last().isEqualTo(new OffsetAndMetadata(4, metadata(4, 4)));
    sink.finishWriting();
    pipeline.pollOnce();
    assertThat(consumer.lastCommitted(P0)).isEqualTo(new OffsetAndMetadata(5, ""));
    assertThat(consumer.commits)
        .extracting(c -> c.get(P0))
        .filteredOn(o -> o != null)
        .extracting(OffsetAndMetadata::offset)
        .isSorted();
  }

  @Test
  void aBatchTheSinkFailsStopsThePipelineAndItsOffsetsAreNeverCommitted() {
    Pipeline pipeline = pipeline(3);
    good(P0);
    good(P0);
    good(P0);
    pipeline.pollOnce();
    sink.finishWriting();
    good(P0); // 3..5: the batch that fails
    good(P0);
    good(P0);
    pipeline.pollOnce();
    assertThat(committed(P0)).isEqualTo(3);
    assertThat(sink.submitted).hasSize(2);
    good(P1); // waits in the next batch
    pipeline.pollOnce();

    IllegalStateException compression =
        new IllegalStateException("compressing a block failed (test)");
    sink.failWriting(compression);
    clock.advance(A_WHILE);
    assertThatThrownBy(pipeline::pollOnce)
        .as("the loop dies: Pipeline.run logs it, completes failure() and the process exits 1")
        .isInstanceOf(Batcher.SinkFailedException.class)
        .hasMessageContaining("3 rows")
        .hasCause(compression);
    // what run() does next: the final flush commits nothing more and hands nothing more over
    pipeline.shutDown();
    assertThat(sink.submitted).as("no batch after the failed one").hasSize(2);
    assertThat(consumer.commits)
        .extracting(c -> c.get(P0))
        .filteredOn(o -> o != null)
        .extracting(OffsetAndMetadata::offset)
        .as("a restart resumes at the failed batch's first record")
        .allMatch(o -> o <= 3);
    assertThat(consumer.lastCommitted(P0)).isEqualTo(new OffsetAndMetadata(3, metadata(3, 5)));
    assertThat(committed(P1)).isLessThanOrEqualTo(0);
  }

  @Test
  void anErrorThatFailedABatchStopsTheLoopToo() {
    Pipeline pipeline = pipeline(1);
    good(P0);
    pipeline.pollOnce();
    OutOfMemoryError oom = new OutOfMemoryError("(test)");
    sink.failWriting(oom);
    assertThatThrownBy(pipeline::pollOnce).hasCause(oom);
  }

  @Test
  void aRevocationFlushesAndCommitsTheRevokedPartitionsBeforeLettingThemGo() {
    sink.finishAtOnce();
    Pipeline pipeline = pipeline(100);
    good(P0);
    good(P0);
    good(P1);
    pipeline.pollOnce();
    assertThat(sink.submitted).as("not due yet").isEmpty();

    consumer.rebalance(List.of(P1)); // revokes P0

    assertThat(sink.submitted).hasSize(1);
    assertThat(sink.stored(P0)).containsExactly(0L, 1L);
    assertThat(consumer.commits).last().isEqualTo(Map.of(P0, new OffsetAndMetadata(2, "")));
    pipeline.pollOnce();
    assertThat(pipeline.assignedPartitions()).isEqualTo(1);
  }

  @Test
  void aDeadLetterTheDlqRefusesBlocksOnlyItsPartitionUntilARetryIsWritten() {
    dlq = producer(false);
    sink.finishAtOnce();
    Pipeline pipeline = pipeline(100);
    byte[] bad = "{\"junk\"".getBytes(UTF_8);
    good(P0);
    long badOffset = send(P0, bad);
    good(P0);
    good(P1);
    good(P1);
    pipeline.pollOnce();
    scribble(); // the letter produced again below must not read the consumer's buffers
    dlq.errorNext(new RecordTooLargeException("too large for the DLQ"));
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    pipeline.pollOnce();
    assertThat(consumer.paused()).containsExactly(P0);
    assertThat(committed(P0)).isEqualTo(badOffset);
    assertThat(committed(P1)).isEqualTo(2);

    good(P1);
    good(P1);
    pipeline.pollOnce();
    clock.advance(A_WHILE); // also past the letter's first backoff: it is produced again
    pipeline.pollOnce();
    pipeline.pollOnce();
    assertThat(committed(P1)).as("the other partition flows").isEqualTo(4);
    assertThat(committed(P0)).isEqualTo(badOffset);
    assertThat(consumer.paused()).containsExactly(P0);

    dlq.completeNext();
    pipeline.pollOnce();
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    assertThat(consumer.paused()).isEmpty();
    assertThat(committed(P0)).isEqualTo(3);
    ProducerRecord<byte[], byte[]> letter = dlq.history().get(dlq.history().size() - 1);
    assertThat(letter.value()).isEqualTo(bad);
    assertThat(header(letter, DlqHeaders.ERROR_TYPE)).isEqualTo("json_syntax");
  }

  @Test
  void aRowTheSinkRefusesGoesToTheDlqAndWhileTheDlqIsDownBlocksOnlyItsPartition() {
    dlq = producer(false);
    sink.finishAtOnce().refuse(P0, 1);
    Pipeline pipeline = pipeline(100);
    good(P0);
    good(P0);
    good(P0);
    good(P1);
    good(P1);
    pipeline.pollOnce();
    scribble(); // the refused row's letter must come from Kafka, not the consumer's old buffers
    clock.advance(A_WHILE);
    pipeline.pollOnce(); // written; row 1 of P0 refused
    pipeline.pollOnce(); // the refusal becomes a dead letter, which the DLQ refuses
    dlq.errorNext(new RecordTooLargeException("too large for the DLQ"));
    pipeline.pollOnce();
    assertThat(consumer.paused()).containsExactly(P0);
    assertThat(committed(P0)).as("stops at the refused row").isEqualTo(1);
    assertThat(committed(P1)).isEqualTo(2);

    good(P1);
    good(P1);
    pipeline.pollOnce();
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    pipeline.pollOnce();
    assertThat(sink.submitted).as("the sink is not held up by the DLQ").hasSize(2);
    assertThat(committed(P1)).isEqualTo(4);
    assertThat(committed(P0)).isEqualTo(1);
    assertThat(consumer.paused()).containsExactly(P0);

    dlq.completeNext();
    pipeline.pollOnce();
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    assertThat(consumer.paused()).isEmpty();
    assertThat(committed(P0)).isEqualTo(3);
    assertThat(sink.stored(P0)).containsExactly(0L, 2L);
    ProducerRecord<byte[], byte[]> letter = dlq.history().get(dlq.history().size() - 1);
    assertThat(header(letter, DlqHeaders.ERROR_TYPE)).isEqualTo("clickhouse_rejected");
    assertThat(header(letter, DlqHeaders.SOURCE_OFFSET)).isEqualTo("1");
    assertThat(letter.value()).isEqualTo(LogRecords.valid(NOW, "svc", 1).getBytes(UTF_8));
    assertThat(letter.key()).isEqualTo("k1".getBytes(UTF_8));
  }

  /** A pipeline that polled three rows of P0, of which the sink will refuse the second. */
  private Pipeline threeRowsTheSecondRefused() {
    sink.finishAtOnce().refuse(P0, 1);
    Pipeline pipeline = pipeline(100);
    good(P0);
    good(P0);
    good(P0);
    pipeline.pollOnce();
    return pipeline;
  }

  @Test
  void aRefusedRowWhoseRecordCannotBeReadBackYetHoldsItsOffsetUntilItCan() {
    Pipeline pipeline = threeRowsTheSecondRefused();
    sourcesAnswer = new SourceReader.Unavailable("broker unreachable");
    clock.advance(A_WHILE);
    pipeline.pollOnce(); // written; row 1 refused, its record not readable
    pipeline.pollOnce();
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    assertThat(dlq.history()).isEmpty();
    assertThat(committed(P0)).as("nothing past the refused row").isLessThanOrEqualTo(1);

    sourcesAnswer = null;
    pipeline.pollOnce();
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    assertThat(dlq.history()).hasSize(1);
    ProducerRecord<byte[], byte[]> letter = dlq.history().get(0);
    assertThat(header(letter, DlqHeaders.SOURCE_OFFSET)).isEqualTo("1");
    assertThat(letter.value()).isEqualTo(LogRecords.valid(NOW, "svc", 1).getBytes(UTF_8));
    assertThat(committed(P0)).isEqualTo(3);
    assertThat(sink.stored(P0)).containsExactly(0L, 2L);
  }

  @Test
  void aRefusedRowWhoseRecordKafkaNoLongerHoldsIsDeadLetteredWithoutItsContent() {
    Pipeline pipeline = threeRowsTheSecondRefused();
    sourcesAnswer = new SourceReader.Gone("deleted by retention: logs-0 starts at offset 2 now");
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    pipeline.pollOnce();
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    assertThat(dlq.history()).hasSize(1);
    ProducerRecord<byte[], byte[]> letter = dlq.history().get(0);
    assertThat(header(letter, DlqHeaders.ERROR_TYPE)).isEqualTo("clickhouse_rejected");
    assertThat(header(letter, DlqHeaders.SOURCE_OFFSET)).isEqualTo("1");
    assertThat(header(letter, DlqHeaders.ERROR_MESSAGE))
        .startsWith("refused by the test")
        .contains("no longer in Kafka: deleted by retention");
    assertThat(letter.value()).isEmpty();
    assertThat(committed(P0)).isEqualTo(3);
  }

  @Test
  void afterACrashSkipsExactlyTheRowsTheSinkAlreadyHolds() {
    consumer.committedBefore(P0, new OffsetAndMetadata(0, metadata(0, 4)));
    sink.finishAtOnce().holdBefore(P0, 0, 1, 2);
    Pipeline pipeline = pipeline(100);
    assertThat(sink.asked)
        .containsExactly(Map.entry(P0, new UncommittedRows(0, 4, NOW_NANOS, NOW_NANOS)));
    for (int i = 0; i < 6; i++) {
      good(P0);
    }

    pipeline.pollOnce();
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    pipeline.pollOnce();

    assertThat(sink.stored(P0)).containsExactly(3L, 4L, 5L);
    assertThat(pipeline.replaySkipped()).isEqualTo(3);
    assertThat(registry.get("logs.replay.skipped").counter().count()).isEqualTo(3.0);
    assertThat(consumer.lastCommitted(P0)).isEqualTo(new OffsetAndMetadata(6, ""));
  }

  @Test
  void aDeadLetterCarriesTheRecordsKeyValueAndHeadersByteForByte() {
    sink.finishAtOnce();
    Pipeline pipeline = pipeline(100);
    byte[] bad = "{\"timestamp\": \"not a number\", \u00e9}".getBytes(UTF_8);
    RecordHeaders headers = new RecordHeaders();
    headers.add("tenant", new byte[] {0, 1, (byte) 0xff});
    headers.add("empty", null);
    long offset = send(P0, view(bad), headers);
    pipeline.pollOnce();
    scribble();
    clock.advance(A_WHILE);
    pipeline.pollOnce();

    ProducerRecord<byte[], byte[]> letter = dlq.history().get(0);
    assertThat(letter.value()).isEqualTo(bad);
    assertThat(letter.key()).isEqualTo(("k" + offset).getBytes(UTF_8));
    assertThat(letter.headers().lastHeader("tenant").value()).isEqualTo(new byte[] {0, 1, -1});
    assertThat(letter.headers().lastHeader("empty").value()).isNull();
    assertThat(committed(P0)).isEqualTo(1);
  }

  @Test
  void readsDirectAndReadOnlyBuffersThroughACopy() {
    sink.finishAtOnce().refuse(P1, 0);
    Pipeline pipeline = pipeline(100);
    byte[] good0 = LogRecords.valid(NOW, "svc", 0).getBytes(UTF_8);
    byte[] bad = "{\"junk\"".getBytes(UTF_8);
    byte[] good2 = LogRecords.valid(NOW, "svc", 2).getBytes(UTF_8);
    byte[] good3 = LogRecords.valid(NOW, "svc", 3).getBytes(UTF_8);
    send(P0, direct(good0), new RecordHeaders());
    send(P0, direct(bad), new RecordHeaders());
    send(P0, view(good2).asReadOnlyBuffer(), new RecordHeaders());
    send(P1, direct(good3), new RecordHeaders()); // refused by the sink
    pipeline.pollOnce();
    clock.advance(A_WHILE);
    pipeline.pollOnce();
    pipeline.pollOnce();
    pipeline.pollOnce();

    assertThat(sink.stored(P0)).containsExactly(0L, 2L);
    assertThat(sink.stored(P1)).isEmpty();
    assertThat(sink.submitted.get(0).rows)
        .extracting(MemorySink.Row::message)
        .containsExactly("m-0", "m-2", "m-3");
    assertThat(dlq.history())
        .extracting(ProducerRecord::value)
        .containsExactlyInAnyOrder(bad, good3);
  }

  /** {@code bytes} in a direct buffer (no accessible array), at a non-zero position. */
  private static ByteBuffer direct(byte[] bytes) {
    ByteBuffer b = ByteBuffer.allocateDirect(bytes.length + 3);
    b.put(new byte[] {'{', '{', '{'}).put(bytes).flip().position(3);
    return b;
  }
}
