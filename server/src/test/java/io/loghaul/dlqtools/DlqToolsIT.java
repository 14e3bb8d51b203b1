package io.loghaul.dlqtools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.dlq.DlqHeaders;
import io.loghaul.proto.v1.Level;
import io.loghaul.proto.v1.LogEntry;
import io.loghaul.record.RecordContract;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code loghaul dlq stats|show|replay} against a real broker and ClickHouse: letters the pipeline
 * dead-lettered are counted, shown, dry-run and replayed after a limit was raised; a replay killed
 * with SIGKILL and run again replays every letter exactly once; the replay-count guard holds.
 */
class DlqToolsIT {
  @RegisterExtension static final RealServers servers = new RealServers();

  private record Run(int exit, String out, String err) {}

  /** {@code loghaul dlq args...} in this JVM. */
  private static Run dlq(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        DlqCommand.run(
            List.of(args),
            Map.of(),
            new PrintStream(out, true, UTF_8),
            new PrintStream(err, true, UTF_8),
            false);
    return new Run(exit, out.toString(UTF_8), err.toString(UTF_8));
  }

  private static String[] with(List<String> settings, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(settings);
    return all.toArray(String[]::new);
  }

  private static long sum(Map<TopicPartition, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  private static long endOffsets(String topic) throws Exception {
    int partitions =
        servers
            .kafkaClient()
            .admin()
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(30, TimeUnit.SECONDS)
            .get(topic)
            .partitions()
            .size();
    return sum(servers.kafkaClient().endOffsets(topic, partitions));
  }

  /** Every record of {@code topic} a read-committed consumer (like loghaul's pipeline) sees. */
  private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.bootstrap());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic)) {
        tps.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return Letters.text(r.headers(), name);
  }

  private static RecordHeaders letterHeaders(String type, String sourceTopic, String... extra) {
    RecordHeaders h = new RecordHeaders();
    for (int i = 0; i < extra.length; i += 2) {
      h.add(extra[i], extra[i + 1].getBytes(UTF_8));
    }
    h.add(DlqHeaders.ERROR_TYPE, type.getBytes(UTF_8));
    h.add(DlqHeaders.ERROR_MESSAGE, (type + ": from the test").getBytes(UTF_8));
    h.add(DlqHeaders.ERROR_FIELD, new byte[0]);
    h.add(DlqHeaders.SOURCE_TOPIC, sourceTopic.getBytes(UTF_8));
    h.add(DlqHeaders.FAILED_AT, Long.toString(System.currentTimeMillis()).getBytes(UTF_8));
    return h;
  }

  private static String record(long now, String message) {
    return "{\"timestamp\":"
        + now
        + ",\"service_name\":\"checkout\",\"level\":\"INFO\",\"message\":\""
        + message
        + "\"}";
  }

  /** The output shown in README.md after the command line that starts with {@code prompt}. */
  private static String readmeOutput(String prompt) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("\n", readme.indexOf(prompt)) + 1;
    assertThat(start).as(prompt + " in README.md").isPositive();
    return readme.substring(start, readme.indexOf("```", start));
  }

  @Test
  void replaysExactlyTheLettersThatPassAfterALimitWasRaisedOnceAndOnlyOnce() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String dlqTopic = topic + ".dlq";
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    List<String> settings =
        List.of(
            "--kafka.bootstrap=" + servers.bootstrap(),
            "--kafka.topics=" + topic,
            "--kafka.ingest-topic=" + topic,
            "--kafka.dlq-topic=" + dlqTopic,
            "--kafka.group=" + group,
            "--clickhouse.table=" + table);
    List<String> strict = new ArrayList<>(settings);
    strict.add("--schema.max-message-bytes=100");
    List<String> raised = new ArrayList<>(settings);
    raised.add("--schema.max-message-bytes=1000");

    KafkaTestClient kafka = servers.kafkaClient();
    long now = System.currentTimeMillis();
    try (LoghaulServer server = TestLoghaul.start(servers, strict.toArray(String[]::new))) {
      for (int i = 0; i < 10; i++) {
        kafka.send(topic, null, record(now, "ok-" + i));
      }
      // 150-byte messages: over 100, under 1000
      for (int i = 0; i < 5; i++) {
        RecordHeaders h = new RecordHeaders();
        h.add("x-origin", "checkout-7".getBytes(UTF_8));
        kafka.send(
            topic,
            null,
            "key-" + i,
            record(now, "mid-" + i + "-" + "m".repeat(144)).getBytes(UTF_8),
            h);
      }
      RecordHeaders proto = new RecordHeaders();
      proto.add(RecordContract.CONTENT_TYPE, RecordContract.PROTOBUF.getBytes(UTF_8));
      kafka.send(
          topic,
          null,
          "key-proto",
          LogEntry.newBuilder()
              .setTimestampUnixNano(now * 1_000_000L)
              .setServiceName("otlp-svc")
              .setLevel(Level.LEVEL_WARN)
              .setMessage("mid-proto-" + "p".repeat(140))
              .build()
              .toByteArray(),
          proto);
      for (int i = 0; i < 3; i++) {
        kafka.send(topic, null, record(now, "big-" + i + "-" + "b".repeat(5000)));
      }
      kafka.send(topic, null, "{\"timestamp\":" + now + ",");
      kafka.send(topic, null, "not json");
      kafka.send(topic, null, record(now / 1000, "seconds-0"));
      kafka.send(topic, null, record(now / 1000, "seconds-1"));

      await().atMost(Duration.ofSeconds(60)).until(() -> endOffsets(dlqTopic) == 13);
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == 10);
    }
    long sourceRecords = endOffsets(topic);
    assertThat(sourceRecords).isEqualTo(23);

    // stats, for scripts and for people
    Run stats = dlq(with(settings, "stats", "--format=json"));
    assertThat(stats.exit()).as(stats.err()).isZero();
    assertThat(stats.out())
        .contains("\"letters\":13")
        .contains(
            "\"by_error_type\":{\"field_overflow\":9,\"json_syntax\":2,\"timestamp_out_of_range\":2}")
        .contains("\"by_field\":{\"/message\":9,\"(none)\":2,\"/timestamp\":2}")
        .contains("\"by_source_topic\":{\"" + topic + "\":13}")
        .contains("\"oldest_failed_at_ms\":")
        .contains("\"newest_failed_at\":\"");
    Run table1 = dlq(with(settings, "stats"));
    assertThat(table1.out())
        .contains("dead letters in " + dlqTopic + ": 13")
        .containsPattern("field_overflow +9\n")
        .containsPattern(topic + " +13\n");

    // show: one json_syntax letter with its headers and value
    Run show = dlq(with(settings, "show", "--type=json_syntax", "--limit=1"));
    assertThat(show.exit()).as(show.err()).isZero();
    assertThat(show.out())
        .containsOnlyOnce("loghaul.error.type: json_syntax")
        .contains("loghaul.source.topic: " + topic)
        .contains("value (");
    assertThat(dlq(with(settings, "show", "--limit=13")).out().split("\nheaders:\n", -1))
        .hasSize(14);

    // dry run with the raised limit: exactly the six mid-sized letters would pass; nothing written
    Run dry = dlq(with(raised, "replay", "--dry-run"));
    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out())
        .containsPattern("field_overflow +6 +3 +0\n")
        .containsPattern("json_syntax +0 +2 +0\n")
        .containsPattern("timestamp_out_of_range +0 +2 +0\n")
        .containsPattern("total +6 +7 +0\n")
        .contains("dry run: nothing was produced or committed");
    assertThat(dry.out())
        .as("the README's example")
        .isEqualTo(readmeOutput("$ ./loghaul dlq replay --dry-run"));
    assertThat(endOffsets(topic)).isEqualTo(sourceRecords);
    assertThat(kafka.committed(group + ".dlq-replay")).isEmpty();

    // the replay: those six go back to the source topic, once
    Run replay = dlq(with(raised, "replay"));
    assertThat(replay.exit()).as(replay.err()).isZero();
    assertThat(replay.out())
        .containsPattern("field_overflow +6 +3 +0\n")
        .contains("replayed 6 letters to their source topics");
    assertThat(replay.out().replace(group + ".dlq-replay", "loghaul.dlq-replay"))
        .as("the README's example")
        .isEqualTo(readmeOutput("$ ./loghaul dlq replay --schema"));
    // (end offsets count the transactions' commit markers too: count what a consumer reads)
    assertThat(readCommitted(topic)).hasSize(23 + 6);
    assertThat(sum(kafka.committed(group + ".dlq-replay"))).isEqualTo(13);
    assertThat(endOffsets(dlqTopic))
        .as("the letters that still fail stay; none added")
        .isEqualTo(13);

    List<ConsumerRecord<byte[], byte[]>> replayed =
        readCommitted(topic).stream()
            .filter(r -> r.headers().lastHeader(Letters.REPLAY_COUNT) != null)
            .toList();
    assertThat(replayed)
        .hasSize(6)
        .allSatisfy(
            r -> {
              assertThat(header(r, Letters.REPLAY_COUNT)).isEqualTo("1");
              assertThat(r.headers().toArray())
                  .noneMatch(h -> h.key().startsWith("loghaul.error."));
              assertThat(header(r, DlqHeaders.SOURCE_TOPIC)).isEqualTo(topic);
              assertThat(new String(r.key(), UTF_8)).startsWith("key-");
            });
    assertThat(replayed).filteredOn(r -> "checkout-7".equals(header(r, "x-origin"))).hasSize(5);
    assertThat(replayed)
        .filteredOn(r -> RecordContract.PROTOBUF.equals(header(r, RecordContract.CONTENT_TYPE)))
        .hasSize(1);

    // a rerun finds nothing more to do
    Run again = dlq(with(raised, "replay"));
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains("replayed 0 letters");
    assertThat(readCommitted(topic)).hasSize(23 + 6);

    // loghaul with the raised limit stores the six, each once; the rest stay dead letters
    try (LoghaulServer server = TestLoghaul.start(servers, raised.toArray(String[]::new))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == 16);
    }
    assertThat(servers.query("SELECT count() FROM " + table + " WHERE message LIKE 'mid-%'"))
        .isEqualTo("6");
    assertThat(servers.query("SELECT uniqExact(message) FROM " + table)).isEqualTo("16");
    assertThat(servers.count(table)).isEqualTo(16);
    assertThat(endOffsets(dlqTopic)).isEqualTo(13);
  }

  @Test
  void aReplayKilledMidwayAndRunAgainReplaysEveryLetterExactlyOnce() throws Exception {
    String target = KafkaTestClient.uniqueName("logs");
    String dlqTopic = target + ".dlq";
    String group = KafkaTestClient.uniqueName("g");
    KafkaTestClient kafka = servers.kafkaClient();
    kafka.createTopic(target, 4, Map.of());
    kafka.createTopic(dlqTopic, 4, Map.of());
    int letters = 20_000;
    long now = System.currentTimeMillis();
    for (int i = 0; i < letters; i++) {
      kafka.sendAsyncWithHeaders(
          dlqTopic,
          ("k" + i).getBytes(UTF_8),
          record(now, "letter-" + i).getBytes(UTF_8),
          letterHeaders("clickhouse_rejected", target));
    }
    kafka.flush();
    List<String> settings =
        List.of(
            "--kafka.bootstrap=" + servers.bootstrap(),
            "--kafka.dlq-topic=" + dlqTopic,
            "--kafka.group=" + group);

    Path log = servers.dir().resolve("replay-killed.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                Path.of("target", "loghaul-server.jar").toString(),
                "dlq",
                "replay"));
    command.addAll(settings);
    Process child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      // kill it once it committed a first chunk: later chunks are then in flight or not started
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> !child.isAlive() || sum(kafka.committed(group + ".dlq-replay")) > 0);
    } finally {
      child.destroyForcibly(); // SIGKILL
      child.waitFor(30, TimeUnit.SECONDS);
    }
    long committedAtKill = sum(kafka.committed(group + ".dlq-replay"));
    System.out.println(
        "DlqToolsIT: replay killed after committing "
            + committedAtKill
            + " of "
            + letters
            + " letters ("
            + endOffsets(target)
            + " records written, committed or not)");

    Run rerun = dlq(with(settings, "replay"));
    assertThat(rerun.exit()).as(rerun.err()).isZero();

    List<ConsumerRecord<byte[], byte[]>> replayed = readCommitted(target);
    Set<String> values = new HashSet<>();
    replayed.forEach(r -> values.add(new String(r.value(), UTF_8)));
    assertThat(replayed).as("every letter replayed exactly once").hasSize(letters);
    assertThat(values).hasSize(letters);
    assertThat(sum(kafka.committed(group + ".dlq-replay"))).isEqualTo(letters);
    assertThat(dlq(with(settings, "replay")).out()).contains("replayed 0 letters");
  }

  @Test
  void lettersReplayedMaxReplaysTimesAreSkipped() throws Exception {
    String target = KafkaTestClient.uniqueName("logs");
    String dlqTopic = target + ".dlq";
    KafkaTestClient kafka = servers.kafkaClient();
    kafka.createTopic(target, 1, Map.of());
    kafka.createTopic(dlqTopic, 1, Map.of());
    long now = System.currentTimeMillis();
    kafka.send(
        dlqTopic,
        0,
        "k1",
        record(now, "twice").getBytes(UTF_8),
        letterHeaders("clickhouse_rejected", target, Letters.REPLAY_COUNT, "2"));
    kafka.send(
        dlqTopic,
        0,
        "k2",
        record(now, "thrice").getBytes(UTF_8),
        letterHeaders("clickhouse_rejected", target, Letters.REPLAY_COUNT, "3"));
    List<String> settings =
        List.of(
            "--kafka.bootstrap=" + servers.bootstrap(),
            "--kafka.dlq-topic=" + dlqTopic,
            "--kafka.group=" + KafkaTestClient.uniqueName("g"));

    Run replay = dlq(with(settings, "replay"));

    assertThat(replay.exit()).as(replay.err()).isZero();
    assertThat(replay.out()).containsPattern("clickhouse_rejected +1 +0 +1\n");
    List<ConsumerRecord<byte[], byte[]>> replayed = readCommitted(target);
    assertThat(replayed).hasSize(1);
    assertThat(new String(replayed.get(0).value(), UTF_8)).contains("twice");
    assertThat(header(replayed.get(0), Letters.REPLAY_COUNT)).isEqualTo("3");

    // with a higher guard (and a fresh group, which starts from the beginning) both go back
    List<String> fresh =
        List.of(
            "--kafka.bootstrap=" + servers.bootstrap(),
            "--kafka.dlq-topic=" + dlqTopic,
            "--kafka.group=" + KafkaTestClient.uniqueName("g"));
    assertThat(dlq(with(fresh, "replay", "--max-replays=4")).out())
        .containsPattern("clickhouse_rejected +2 +0 +0\n");
  }

  @Test
  void aProduceTheTargetRefusesStopsTheReplayWithoutCommittingItsChunk() throws Exception {
    String target = KafkaTestClient.uniqueName("small");
    String dlqTopic = target + ".dlq";
    KafkaTestClient kafka = servers.kafkaClient();
    kafka.createTopic(target, 1, Map.of("max.message.bytes", "100"));
    kafka.createTopic(dlqTopic, 1, Map.of());
    long now = System.currentTimeMillis();
    // one letter: a batch of several too large for the topic is split and retried until the
    // delivery timeout (30 s) instead
    kafka.send(
        dlqTopic,
        0,
        "k",
        record(now, "x".repeat(150)).getBytes(UTF_8),
        letterHeaders("clickhouse_rejected", target));
    String group = KafkaTestClient.uniqueName("g");
    List<String> settings =
        List.of(
            "--kafka.bootstrap=" + servers.bootstrap(),
            "--kafka.dlq-topic=" + dlqTopic,
            "--kafka.group=" + group);

    Run refused = dlq(with(settings, "replay"));

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .contains(
            "dlq replay stopped: could not replay the letter at "
                + dlqTopic
                + " partition 0 offset 0")
        .contains("RecordTooLargeException")
        .contains("nothing of this chunk was committed");
    assertThat(kafka.committed(group + ".dlq-replay")).isEmpty();
    assertThat(readCommitted(target)).isEmpty();

    // the letter is still due: sent elsewhere, it goes
    String elsewhere = KafkaTestClient.uniqueName("logs");
    kafka.createTopic(elsewhere, 1, Map.of());
    Run retried = dlq(with(settings, "replay", "--to=" + elsewhere));
    assertThat(retried.exit()).as(retried.err()).isZero();
    assertThat(readCommitted(elsewhere)).hasSize(1);
  }

  @Test
  void thePackagedJarKeepsLogsOutOfTheJsonOnStdout() throws Exception {
    String dlqTopic = KafkaTestClient.uniqueName("logs") + ".dlq";
    servers.kafkaClient().createTopic(dlqTopic, 1, Map.of());
    servers
        .kafkaClient()
        .send(
            dlqTopic,
            0,
            "k",
            record(System.currentTimeMillis(), "m").getBytes(UTF_8),
            letterHeaders("json_syntax", "logs"));
    Path stdout = servers.dir().resolve("stats.json");
    Path stderr = servers.dir().resolve("stats.err");
    // Kafka's clients log their whole configuration at INFO: that must land on stderr
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dloghaul.kafka.log.level=INFO",
                "-jar",
                Path.of("target", "loghaul-server.jar").toString(),
                "dlq",
                "stats",
                "--format=json",
                "--kafka.bootstrap=" + servers.bootstrap(),
                "--kafka.dlq-topic=" + dlqTopic)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(Files.readString(stderr)).isZero();
    assertThat(Files.readAllLines(stdout))
        .singleElement()
        .asString()
        .startsWith("{\"topic\":\"" + dlqTopic + "\",\"letters\":1,");
    assertThat(Files.readString(stderr)).contains("ConsumerConfig values");
  }

  @Test
  void saysWhatIsWrongWithTheCommandLineOrTheTopic() {
    Run bad = dlq("replay", "--type=nope", "--kafka.bootstrap=" + servers.bootstrap());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--type: 'nope'");

    Run badKey = dlq("stats", "--kafka.bootstrapp=x");
    assertThat(badKey.exit()).isEqualTo(2);
    assertThat(badKey.err()).contains("configuration error").contains("kafka.bootstrapp");

    Run missing =
        dlq(
            "stats",
            "--kafka.bootstrap=" + servers.bootstrap(),
            "--kafka.dlq-topic=" + KafkaTestClient.uniqueName("absent"));
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("does not exist");

    Run help = dlq("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("dlq <verb>").contains("replay").contains("--max-replays");
  }
}
