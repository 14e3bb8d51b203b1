package io.loghaul.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two loghaul instances in one consumer group share the partitions; stopping one loses nothing. */
class ConsumerGroupIT {
  @RegisterExtension static final RealServers servers = new RealServers();

  private static void send(String topic, int from, int to) {
    long now = System.currentTimeMillis();
    for (int i = from; i < to; i++) {
      servers
          .kafkaClient()
          .sendAsync(topic, null, LogRecords.realistic(now, i).getBytes(StandardCharsets.UTF_8));
    }
    servers.kafkaClient().flush();
  }

  private static String readyz(LoghaulServer server) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.adminPort() + "/readyz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body().trim();
    }
  }

  /**
   * Readiness waits for the group's assignment: while another member holds the rebalance (it joined
   * and then stopped polling, so the join barrier waits for it), the instance polls but is not
   * ready; once the member leaves, it gets the partition and is ready. A second instance, for which
   * the one partition leaves nothing, is ready too and says why it holds no partition.
   */
  @Test
  void readinessWaitsForTheAssignmentAndAnIdleMemberSaysSo() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String group = KafkaTestClient.uniqueName("g");
    servers.kafkaClient().createTopic(topic, 1, Map.of());
    String[] common = {
      "--kafka.topics=" + topic,
      "--clickhouse.table=" + KafkaTestClient.uniqueName("t"),
      "--kafka.group=" + group,
      "--kafka.create-topics=false"
    };
    Map<String, Object> holderConfig =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            servers.bootstrap(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
            300_000,
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            CooperativeStickyAssignor.class.getName(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class);
    KafkaConsumer<byte[], byte[]> holder = new KafkaConsumer<>(holderConfig);
    boolean holderOpen = true;
    try {
      holder.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                holder.poll(Duration.ofMillis(100));
                return !holder.assignment().isEmpty();
              });
      try (LoghaulServer a = TestLoghaul.start(servers, common)) {
        // the group waits for the holder to rejoin, which it does only when it polls again
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> groupState(group) == GroupState.PREPARING_REBALANCE);
        assertThat(readyz(a)).startsWith("503 not ready: pipeline not consuming");
        assertThat(a.pipeline().consuming()).isFalse();

        holder.close(); // leaves the group: the rebalance completes without it
        holderOpen = false;
        await().atMost(Duration.ofSeconds(60)).until(() -> readyz(a).startsWith("200"));
        assertThat(readyz(a)).isEqualTo("200 ready");
        assertThat(a.pipeline().assignedPartitions()).isEqualTo(1);

        try (LoghaulServer b = TestLoghaul.start(servers, common)) {
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      b.pipeline().consuming()
                          && a.pipeline().assignedPartitions() + b.pipeline().assignedPartitions()
                              == 1);
          LoghaulServer idle = a.pipeline().assignedPartitions() == 0 ? a : b;
          await().atMost(Duration.ofSeconds(30)).until(() -> readyz(idle).startsWith("200"));
          assertThat(readyz(idle))
              .startsWith(
                  "200 ready (no partition assigned: the consumer group has"
                      + " more members than the topics have partitions");
        }
      }
    } finally {
      if (holderOpen) {
        holder.close();
      }
    }
  }

  private static GroupState groupState(String group) throws Exception {
    return servers
        .kafkaClient()
        .admin()
        .describeConsumerGroups(List.of(group))
        .all()
        .get()
        .get(group)
        .groupState();
  }

  @Test
  void twoInstancesSplitThePartitionsAndStoppingOneLosesNothing() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    servers.kafkaClient().createTopic(topic, 6, Map.of());
    String[] common = {
      "--kafka.topics=" + topic,
      "--clickhouse.table=" + table,
      "--kafka.group=" + group,
      "--batch.max-rows=1000"
    };
    LoghaulServer a = TestLoghaul.start(servers, common);
    try (LoghaulServer b = TestLoghaul.start(servers, common)) {
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    a.pipeline().assignedPartitions() + b.pipeline().assignedPartitions() == 6
                        && a.pipeline().assignedPartitions() > 0
                        && b.pipeline().assignedPartitions() > 0);
        send(topic, 0, 10_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) >= 5_000);
        send(topic, 10_000, 15_000);
      } finally {
        a.close(); // clean stop while records are still flowing in
      }
      send(topic, 15_000, 20_000);
      await().atMost(Duration.ofSeconds(60)).until(() -> b.pipeline().assignedPartitions() == 6);
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  Long.parseLong(
                          servers.query(
                              "SELECT uniqExact(kafka_partition, kafka_offset) FROM " + table))
                      == 20_000);
      Thread.sleep(1_000);
    }
    assertThat(servers.count(table)).as("a clean hand-over duplicates nothing").isEqualTo(20_000);
  }
}
