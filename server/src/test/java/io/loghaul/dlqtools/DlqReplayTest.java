package io.loghaul.dlqtools;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.dlq.DlqHeaders;
import io.loghaul.pipeline.RecordDecoder;
import io.loghaul.proto.v1.Level;
import io.loghaul.proto.v1.LogEntry;
import io.loghaul.schema.SchemaLimits;
import io.loghaul.testing.LogRecords;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The replay's decisions and transactions against Kafka's mock clients; DlqToolsIT runs it for
 * real.
 */
class DlqReplayTest {
  private static final String DLQ = "logs.dlq";
  private static final String GROUP = "loghaul.dlq-replay";
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final TopicPartition P0 = new TopicPartition(DLQ, 0);
  private static final TopicPartition P1 = new TopicPartition(DLQ, 1);

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final Progress quiet =
      new Progress(new PrintStream(OutputStream.nullOutputStream()), false);
  private MockConsumer<byte[], byte[]> consumer;
  private MockProducer<byte[], byte[]> producer;
  private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> letters = new HashMap<>();

  @BeforeEach
  void setUp() {
    consumer = new MockConsumer<>("earliest");
    consumer.updatePartitions(
        DLQ,
        List.of(
            new PartitionInfo(DLQ, 0, null, null, null),
            new PartitionInfo(DLQ, 1, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    producer.initTransactions();
  }

  /** A letter of {@code type} failed at NOW - ageMillis, appended to partition {@code p}. */
  private void letter(int p, String type, String value, long ageMillis, String... extraHeaders) {
    TopicPartition tp = new TopicPartition(DLQ, p);
    List<ConsumerRecord<byte[], byte[]>> list = letters.computeIfAbsent(tp, x -> new ArrayList<>());
    RecordHeaders h = new RecordHeaders();
    for (int i = 0; i < extraHeaders.length; i += 2) {
      h.add(extraHeaders[i], extraHeaders[i + 1].getBytes(UTF_8));
    }
    h.add(DlqHeaders.ERROR_TYPE, type.getBytes(UTF_8));
    h.add(DlqHeaders.ERROR_FIELD, "/message".getBytes(UTF_8));
    h.add(DlqHeaders.SOURCE_TOPIC, "logs".getBytes(UTF_8));
    h.add(DlqHeaders.FAILED_AT, Long.toString(NOW.toEpochMilli() - ageMillis).getBytes(UTF_8));
    list.add(
        new ConsumerRecord<>(
            DLQ,
            p,
            list.size(),
            0L,
            TimestampType.CREATE_TIME,
            0,
            0,
            ("k" + list.size()).getBytes(UTF_8),
            value == null ? null : value.getBytes(UTF_8),
            h,
            Optional.empty()));
  }

  private static String valid(int id) {
    return LogRecords.valid(NOW.toEpochMilli(), "checkout", id);
  }

  private DlqReplay.Result run(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("replay"));
    all.addAll(List.of(args));
    DlqOptions options = DlqOptions.parse(all, NOW);
    Map<TopicPartition, Long> end = new HashMap<>(Map.of(P0, 0L, P1, 0L));
    letters.forEach((tp, l) -> end.put(tp, (long) l.size()));
    consumer.updateEndOffsets(end);
    consumer.schedulePollTask(
        () ->
            letters
                .values()
                .forEach(
                    l ->
                        l.forEach(
                            r -> {
                              TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                              if (consumer.assignment().contains(tp)
                                  && r.offset() >= consumer.position(tp)) {
                                consumer.addRecord(r);
                              }
                            })));
    SchemaLimits limits = SchemaLimits.defaults();
    return new DlqReplay(options, new RecordDecoder(limits), clock)
        .run(consumer, options.dryRun() ? null : producer, DLQ, GROUP, quiet);
  }

  private List<String> producedValues() {
    return producer.history().stream().map(r -> new String(r.value(), UTF_8)).toList();
  }

  @Test
  void replaysWhatPassesToItsSourceTopicAndCommitsTheNewPositionInTheSameTransaction()
      throws Exception {
    letter(0, "field_overflow", valid(1), 1000);
    letter(0, "json_syntax", "{\"timestamp\":", 1000);
    letter(1, "clickhouse_rejected", valid(2), 1000, "content-type", "application/json");

    DlqReplay.Result r = run();

    assertThat(r.passed()).isEqualTo(2);
    assertThat(r.failed()).isEqualTo(1);
    assertThat(r.byType().get("json_syntax").fail).isEqualTo(1);
    assertThat(producedValues()).containsExactlyInAnyOrder(valid(1), valid(2));
    ProducerRecord<byte[], byte[]> first = producer.history().get(0);
    assertThat(first.topic()).isEqualTo("logs");
    assertThat(first.key()).isNotNull();
    assertThat(first.headers().lastHeader(DlqHeaders.ERROR_TYPE)).isNull();
    assertThat(Letters.replayCount(first.headers())).isEqualTo(1);
    assertThat(producer.transactionCommitted()).isTrue();
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    producer.consumerGroupOffsetsHistory().forEach(m -> committed.putAll(m.get(GROUP)));
    assertThat(committed)
        .containsEntry(P0, new OffsetAndMetadata(2))
        .containsEntry(P1, new OffsetAndMetadata(1));
    assertThat(DlqReplay.render(r))
        .contains("replayed 2 letters to their source topics")
        .contains("consumer group " + GROUP);
  }

  @Test
  void aDryRunCountsPerTypeAndProducesAndCommitsNothing() throws Exception {
    letter(0, "field_overflow", valid(1), 1000);
    letter(0, "field_overflow", "{\"message\":" + "\"x\"".repeat(2) + "}", 1000);
    letter(1, "timestamp_out_of_range", LogRecords.valid(NOW.getEpochSecond(), "s", 3), 1000);

    DlqReplay.Result r = run("--dry-run");

    assertThat(r.byType().get("field_overflow").pass).isEqualTo(1);
    assertThat(r.byType().get("field_overflow").fail).isEqualTo(1);
    assertThat(r.byType().get("timestamp_out_of_range").fail).isEqualTo(1);
    assertThat(producer.history()).isEmpty();
    assertThat(producer.consumerGroupOffsetsHistory()).isEmpty();
    assertThat(DlqReplay.render(r))
        .contains("would pass")
        .contains("dry run: nothing was produced or committed");
  }

  @Test
  void skipsLettersReplayedMaxReplaysTimesAndLettersWithNowhereToGo() throws Exception {
    letter(0, "field_overflow", valid(1), 1000, "loghaul.replay.count", "3");
    letter(0, "field_overflow", valid(2), 1000, "loghaul.replay.count", "2");

    DlqReplay.Result r = run();

    assertThat(r.byType().get("field_overflow").skipped).isEqualTo(1);
    assertThat(producedValues()).containsExactly(valid(2));
    assertThat(Letters.replayCount(producer.history().get(0).headers())).isEqualTo(3);
  }

  @Test
  void skipsRejectedOtlpRecordsEvenWithTo() throws Exception {
    // letters of rejected OTLP records: source partition -1, the transport as source "topic"
    letter(0, "field_overflow", valid(1), 1000, DlqHeaders.SOURCE_PARTITION, "-1");
    letter(0, "field_overflow", valid(2), 1000);

    DlqReplay.Result r = run("--to=logs");

    assertThat(r.byType().get("field_overflow").skipped).isEqualTo(1);
    assertThat(producedValues()).containsExactly(valid(2));
  }

  @Test
  void sendsToTheTopicOfToWhenGiven() throws Exception {
    letter(0, "field_overflow", valid(1), 1000);

    run("--to=logs.retry");

    assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly("logs.retry");
  }

  @Test
  void startsAfterTheGroupsCommittedPosition() throws Exception {
    letter(0, "field_overflow", valid(1), 1000);
    letter(0, "field_overflow", valid(2), 1000);
    consumer.assign(List.of(P0, P1));
    consumer.commitSync(Map.of(P0, new OffsetAndMetadata(1)));

    run();

    assertThat(producedValues()).containsExactly(valid(2));
  }

  @Test
  void passesOverOtherTypesAndOlderLettersAndStopsAPartitionAtItsFirstLetterAfterUntil()
      throws Exception {
    letter(0, "clickhouse_rejected", valid(1), 10 * 3_600_000L); // before --since
    letter(0, "json_syntax", valid(2), 3_600_000L); // other type
    letter(0, "clickhouse_rejected", valid(3), 3_600_000L); // replayed
    letter(0, "clickhouse_rejected", valid(4), 60_000L); // after --until: stop here
    letter(0, "clickhouse_rejected", valid(5), 50_000L);

    DlqReplay.Result r = run("--type=clickhouse_rejected", "--since=2h", "--until=10m");

    assertThat(producedValues()).containsExactly(valid(3));
    assertThat(r.passedOver()).isEqualTo(2);
    assertThat(r.stoppedAtUntil()).isEqualTo(1);
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    producer.consumerGroupOffsetsHistory().forEach(m -> committed.putAll(m.get(GROUP)));
    // the letters after --until are left for a later run
    assertThat(committed).containsEntry(P0, new OffsetAndMetadata(3));
  }

  @Test
  void stopsAfterMaxRecordsReplaysAndCommitsOnlyUpToThem() throws Exception {
    for (int i = 0; i < 5; i++) {
      letter(0, "field_overflow", valid(i), 1000);
    }

    DlqReplay.Result r = run("--max-records=2");

    assertThat(r.passed()).isEqualTo(2);
    assertThat(producedValues()).containsExactly(valid(0), valid(1));
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    producer.consumerGroupOffsetsHistory().forEach(m -> committed.putAll(m.get(GROUP)));
    assertThat(committed).containsEntry(P0, new OffsetAndMetadata(2));
  }

  @Test
  void checksProtobufLettersByTheirContentType() throws Exception {
    byte[] proto =
        LogEntry.newBuilder()
            .setTimestampUnixNano(NOW.toEpochMilli() * 1_000_000L)
            .setServiceName("checkout")
            .setLevel(Level.LEVEL_INFO)
            .setMessage("from otlp")
            .build()
            .toByteArray();
    letter(
        0,
        "clickhouse_rejected",
        new String(proto, ISO_8859_1),
        1000,
        "content-type",
        "application/x-protobuf");
    // ISO-8859-1 round trip keeps the bytes; rebuild the record with the exact bytes
    ConsumerRecord<byte[], byte[]> l = letters.get(P0).get(0);
    letters
        .get(P0)
        .set(
            0,
            new ConsumerRecord<>(
                DLQ,
                0,
                0,
                0L,
                TimestampType.CREATE_TIME,
                0,
                0,
                l.key(),
                proto,
                l.headers(),
                Optional.empty()));
    letter(0, "clickhouse_rejected", valid(1), 1000, "content-type", "application/x-protobuf");

    DlqReplay.Result r = run("--dry-run");

    assertThat(r.passed()).isEqualTo(1);
    assertThat(r.failed()).isEqualTo(1);
  }
}
