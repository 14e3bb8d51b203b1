package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.loghaul.LoghaulServer;
import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.config.ConfigLoader;
import io.loghaul.embedded.ManagedClickHouse;
import io.loghaul.testing.KafkaCluster;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testkit.FreePorts;
import io.loghaul.testkit.LoghaulProcess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * loghaul on a real three-broker KRaft cluster (docs/clusters.md): topic provisioning, a broker
 * lost while OTLP clients send, and three instances in one group of which one crashes and one
 * stops. One cluster and one clickhouse-server serve every test; a test that stops a broker starts
 * it again.
 */
class KafkaClusterIT {
  private static final Set<Integer> RETRYABLE_HTTP = Set.of(429, 502, 503, 504);
  private static final Set<Status.Code> RETRYABLE_GRPC =
      Set.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED);
  private static final int RECORDS_PER_REQUEST = 5;

  private static Path dir;
  private static KafkaCluster cluster;
  private static ManagedClickHouse clickhouse;
  private static ClickHouseHttpClient ch;
  private static Admin admin;

  @BeforeAll
  static void startServers() throws Exception {
    dir = Files.createTempDirectory("loghaul-kafka-cluster-it-");
    cluster = KafkaCluster.startProcesses(3);
    clickhouse = ManagedClickHouse.start(dir.resolve("clickhouse"), FreePorts.freePort());
    ch = new ClickHouseHttpClient(clickhouse.url(), "default", "", Duration.ofSeconds(60));
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()));
  }

  @AfterAll
  static void stopServers() throws Exception {
    try {
      if (admin != null) {
        admin.close();
      }
      if (ch != null) {
        ch.close();
      }
      if (clickhouse != null) {
        clickhouse.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  void createdTopicsAreReplicatedThreeTimesWithTwoInsyncReplicasAndSurviveTheLossOfOneBroker()
      throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String dlq = topic + ".dlq";
    new TopicProvisioner(admin).ensure(List.of(topic), topic, dlq, 3);

    for (String t : List.of(topic, dlq)) {
      TopicDescription d =
          admin.describeTopics(List.of(t)).allTopicNames().get(30, TimeUnit.SECONDS).get(t);
      assertThat(d.partitions()).hasSize(3).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t);
      Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
      assertThat(c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).as(t).isEqualTo("2");
    }

    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.bootstrap(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (int partition = 0; partition < 3; partition++) {
        producer
            .send(new ProducerRecord<>(topic, partition, null, "before".getBytes(UTF_8)))
            .get(30, TimeUnit.SECONDS);
      }
      cluster.stop(2);
      try {
        // Two of three replicas remain in sync: acks=all still succeeds on every partition.
        for (int partition = 0; partition < 3; partition++) {
          producer
              .send(new ProducerRecord<>(topic, partition, null, "after".getBytes(UTF_8)))
              .get(60, TimeUnit.SECONDS);
        }
      } finally {
        cluster.restart(2);
      }
    }
  }

  /** One OTLP request: its transport, the ids of its records, when it was sent, the answer. */
  record Attempt(String transport, List<String> ids, long sentNanos, boolean ok, String answer) {}

  /**
   * The broker coordinating loghaul's consumer group (and leading some of the topic's partitions)
   * is killed with SIGKILL while two gRPC and two HTTP clients keep sending: every request gets a
   * success or a retryable answer, every record of a successful request is in ClickHouse exactly
   * once, and the pipeline keeps committing up to the end of the topic with the broker still gone.
   */
  @Test
  void otlpRequestsAcknowledgedWhileABrokerIsLostAreStoredExactlyOnceAndCommitsGoOn()
      throws Exception {
    String topic = KafkaTestClient.uniqueName("otlp");
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    List<String> flags =
        List.of(
            "--kafka.bootstrap=" + cluster.bootstrap(),
            "--clickhouse.url=" + clickhouse.url(),
            "--kafka.topics=" + topic,
            "--kafka.ingest-topic=" + topic,
            "--kafka.group=" + group,
            "--kafka.topic-partitions=4",
            "--clickhouse.table=" + table,
            "--otlp.grpc.port=auto",
            "--otlp.http.port=auto",
            "--admin.port=auto",
            "--data.dir=" + dir.resolve(group),
            "--batch.max-delay-ms=200");
    List<Attempt> attempts = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    int killed = -1;
    try (LoghaulServer loghaul = LoghaulServer.start(ConfigLoader.load(flags, Map.of()))) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", loghaul.otlpGrpcPort())
              .usePlaintext()
              .build();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<Thread> senders = new ArrayList<>();
      try {
        for (int s = 0; s < 2; s++) {
          senders.add(sender("grpc" + s, stop, attempts, ids -> sendGrpc(channel, ids)));
          senders.add(sender("http" + s, stop, attempts, ids -> sendHttp(http, loghaul, ids)));
        }
        senders.forEach(Thread::start);
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    attempts.stream().filter(Attempt::ok).count() >= 40
                        && committed(group, topic) > 0);

        ConsumerGroupDescription g =
            admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        killed = g.coordinator().id() - 1;
        long committedBefore = committed(group, topic);
        long killedAt = System.nanoTime();
        cluster.kill(killed);

        // keep sending through the failover until both transports succeeded again a few times
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    okSince(attempts, "grpc", killedAt) >= 20
                        && okSince(attempts, "http", killedAt) >= 20);
        stop.set(true);
        for (Thread t : senders) {
          t.join(TimeUnit.SECONDS.toMillis(120));
          assertThat(t.isAlive()).as(t.getName() + " still sending").isFalse();
        }

        // with the broker still gone, the group commits up to the end of the topic
        long end = endOffsets(topic);
        await().atMost(Duration.ofSeconds(120)).until(() -> committed(group, topic) == end);
        assertThat(end).isGreaterThan(committedBefore);

        Map<String, Long> stored = storedCounts(table);
        List<Attempt> ok = attempts.stream().filter(Attempt::ok).toList();
        List<String> notOk =
            attempts.stream().filter(a -> !a.ok()).map(Attempt::answer).distinct().toList();
        System.out.printf(
            "KafkaClusterIT: node %d (group coordinator) killed; %d requests, %d ok, %d"
                + " retryable, %d after the loss; answers other than success: %s%n",
            KafkaCluster.nodeId(killed),
            attempts.size(),
            ok.size(),
            attempts.size() - ok.size(),
            attempts.stream().filter(a -> a.sentNanos() - killedAt > 0).count(),
            notOk);
        assertThat(attempts)
            .as("every answer is a success or retryable")
            .allSatisfy(a -> assertThat(a.answer()).isIn(retryableOrOk()));
        List<String> acknowledged = ok.stream().flatMap(a -> a.ids().stream()).toList();
        assertThat(acknowledged.stream().filter(id -> stored.getOrDefault(id, 0L) != 1).toList())
            .as("acknowledged records not stored exactly once")
            .isEmpty();
        assertThat(stored.values().stream().filter(c -> c != 1).count())
            .as("records stored more than once")
            .isZero();
      } finally {
        stop.set(true);
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        http.close();
      }
    } finally {
      if (killed >= 0) {
        cluster.restart(killed);
      }
    }
  }

  /** The answers a request may get: success, or a status that tells the client to retry. */
  private static Set<String> retryableOrOk() {
    Set<String> s = RETRYABLE_HTTP.stream().map(c -> "http " + c).collect(Collectors.toSet());
    RETRYABLE_GRPC.forEach(c -> s.add("grpc " + c));
    s.add("ok");
    return s;
  }

  interface Send {
    /** Sends one request with these record ids; returns "ok" or the answer. */
    String send(List<String> ids) throws Exception;
  }

  private static Thread sender(String name, AtomicBoolean stop, List<Attempt> attempts, Send send) {
    return new Thread(
        () -> {
          for (int n = 0; !stop.get(); n++) {
            int request = n;
            List<String> ids =
                IntStream.range(0, RECORDS_PER_REQUEST)
                    .mapToObj(i -> name + "-" + request + "-" + i)
                    .toList();
            long sent = System.nanoTime();
            String answer;
            try {
              answer = send.send(ids);
            } catch (Exception e) {
              answer = e.toString();
            }
            attempts.add(new Attempt(name.substring(0, 4), ids, sent, answer.equals("ok"), answer));
            try {
              Thread.sleep(50);
            } catch (InterruptedException e) {
              return;
            }
          }
        },
        name);
  }

  private static String sendGrpc(ManagedChannel channel, List<String> ids) {
    try {
      LogsServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(60, TimeUnit.SECONDS)
          .export(request(ids));
      return "ok";
    } catch (RuntimeException e) {
      return "grpc " + Status.fromThrowable(e).getCode();
    }
  }

  private static String sendHttp(HttpClient http, LoghaulServer loghaul, List<String> ids)
      throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + loghaul.otlpHttpPort() + "/v1/logs"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request(ids).toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return r.statusCode() == 200 ? "ok" : "http " + r.statusCode();
  }

  private static ExportLogsServiceRequest request(List<String> ids) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (String id : ids) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(now)
              .setSeverityNumberValue(9)
              .setBody(AnyValue.newBuilder().setStringValue(id)));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("failover"))))
                .addScopeLogs(scope))
        .build();
  }

  private static long okSince(List<Attempt> attempts, String transport, long sinceNanos) {
    return attempts.stream()
        .filter(a -> a.ok() && a.transport().equals(transport) && a.sentNanos() - sinceNanos > 0)
        .count();
  }

  /** How many rows hold each message. */
  private static Map<String, Long> storedCounts(String table) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    for (String line :
        ch.query("SELECT message, count() FROM " + table + " GROUP BY message FORMAT TSV")
            .lines()
            .filter(l -> !l.isBlank())
            .toList()) {
      int tab = line.lastIndexOf('\t');
      counts.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
    }
    return counts;
  }

  /** The sum of the group's committed offsets on {@code topic}. */
  private static long committed(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    return offsets.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }

  /** The sum of the end offsets of {@code topic}'s partitions. */
  private static long endOffsets(String topic) throws Exception {
    TopicDescription d =
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    d.partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(i -> i.offset())
        .sum();
  }

  /**
   * Three loghaul processes share a six-partition topic on the cluster; records go straight into
   * Kafka. One is killed with SIGKILL mid-stream, another stopped with SIGTERM: the third ends up
   * with every partition, every record is in ClickHouse, and duplicates (rows beyond one per Kafka
   * offset) stay within the crash bound of docs/delivery-guarantees.md (the batch in flight, per
   * partition; the offset-metadata check normally makes it 0). The number is printed.
   */
  @Test
  void threeInstancesOneKilledOneStoppedLoseNothing() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    int partitions = 6;
    int maxRows = 500;
    int total = 6_000;
    admin
        .createTopics(
            List.of(
                new NewTopic(topic, partitions, (short) 3)
                    .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"))))
        .all()
        .get(30, TimeUnit.SECONDS);
    TopicProvisioner.awaitLeaders(admin, List.of(topic), 30_000);
    List<LoghaulProcess> instances = new ArrayList<>();
    try (KafkaTestClient kafka = new KafkaTestClient(cluster.bootstrap())) {
      for (int i = 0; i < 3; i++) {
        instances.add(
            LoghaulProcess.jar(Path.of("target", "loghaul-server.jar"))
                .jvmOptions(List.of("-Xmx256m"))
                .flags(
                    List.of(
                        "--kafka.bootstrap=" + cluster.bootstrap(),
                        "--clickhouse.url=" + clickhouse.url(),
                        "--kafka.topics=" + topic,
                        "--kafka.group=" + group,
                        "--kafka.create-topics=false",
                        "--kafka.client.session.timeout.ms=10000",
                        "--clickhouse.table=" + table,
                        "--otlp.grpc.port=0",
                        "--otlp.http.port=0",
                        "--data.dir=" + dir.resolve(group + "-" + i),
                        "--batch.max-rows=" + maxRows,
                        "--batch.max-delay-ms=200"))
                .log(dir.resolve(group + "-" + i + ".log"))
                .start());
      }
      for (LoghaulProcess p : instances) {
        p.awaitReady(Duration.ofSeconds(120));
      }
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                ConsumerGroupDescription g =
                    admin
                        .describeConsumerGroups(List.of(group))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get(group);
                return g.members().size() == 3
                    && g.members().stream()
                        .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
              });

      AtomicBoolean failed = new AtomicBoolean();
      Thread producer =
          new Thread(
              () -> {
                try {
                  long now = System.currentTimeMillis();
                  for (int i = 0; i < total; i++) {
                    kafka.sendAsync(topic, null, LogRecords.realistic(now, i).getBytes(UTF_8));
                    if (i % 200 == 199) {
                      kafka.flush();
                      Thread.sleep(250);
                    }
                  }
                  kafka.flush();
                } catch (Exception e) {
                  failed.set(true);
                }
              },
              "producer");
      producer.start();
      await().atMost(Duration.ofSeconds(120)).until(() -> count(table) >= total / 5);
      instances.get(0).kill();
      await().atMost(Duration.ofSeconds(120)).until(() -> count(table) >= total / 2);
      assertThat(instances.get(1).terminate(Duration.ofSeconds(60)))
          .as("exit status after SIGTERM")
          .isZero();
      producer.join();
      assertThat(failed).as("producer failed").isFalse();

      // the survivor takes every partition and commits up to the end of the topic
      long end = endOffsets(topic);
      assertThat(end).isEqualTo(total);
      await().atMost(Duration.ofSeconds(180)).until(() -> committed(group, topic) == end);
      assertThat(instances.get(2).terminate(Duration.ofSeconds(60))).isZero();
    } finally {
      for (LoghaulProcess p : instances) {
        p.close();
      }
    }
    long rows = count(table);
    long offsets =
        Long.parseLong(
            ch.query("SELECT uniqExact(kafka_partition, kafka_offset) FROM " + table).trim());
    long messages = Long.parseLong(ch.query("SELECT uniqExact(message) FROM " + table).trim());
    long duplicates = rows - offsets;
    System.out.printf(
        "KafkaClusterIT: 3 instances, one SIGKILL, one SIGTERM: %d records, %d rows,"
            + " duplicates %d (count() - uniqExact(kafka_partition, kafka_offset))%n",
        total, rows, duplicates);
    assertThat(offsets).as("records stored (none lost)").isEqualTo(total);
    assertThat(messages).as("distinct messages").isEqualTo(total);
    assertThat(duplicates)
        .as("duplicates: at most the batch in flight per partition")
        .isBetween(0L, (long) partitions * maxRows);
  }

  private static long count(String table) throws Exception {
    return Long.parseLong(ch.query("SELECT count() FROM " + table).trim());
  }
}
