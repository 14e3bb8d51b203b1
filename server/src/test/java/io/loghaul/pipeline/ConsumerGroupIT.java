package io.loghaul.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two loghaul instances in one consumer group share the partitions; stopping one loses nothing. */
class ConsumerGroupIT {
  @RegisterExtension static final RealServers servers = new RealServers();

  private static void send(String topic, int from, int to) {
    long now = System.currentTimeMillis();
    for (int i = from; i < to; i++) {
      servers.kafkaClient().sendAsync(topic, null, LogRecords.realistic(now, i).getBytes(StandardCharsets.UTF_8));
    }
    servers.kafkaClient().flush();
  }

  @Test
  void twoInstancesSplitThePartitionsAndStoppingOneLosesNothing() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    servers.kafkaClient().createTopic(topic, 6, Map.of());
    String[] common = {"--kafka.topics=" + topic, "--clickhouse.table=" + table, "--kafka.group=" + group,
        "--batch.max-rows=1000"};
    LoghaulServer a = TestLoghaul.start(servers, common);
    try (LoghaulServer b = TestLoghaul.start(servers, common)) {
      try {
        await().atMost(Duration.ofSeconds(60)).until(() ->
            a.pipeline().assignedPartitions() + b.pipeline().assignedPartitions() == 6
                && a.pipeline().assignedPartitions() > 0 && b.pipeline().assignedPartitions() > 0);
        send(topic, 0, 10_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) >= 5_000);
        send(topic, 10_000, 15_000);
      } finally {
        a.close(); // clean stop while records are still flowing in
      }
      send(topic, 15_000, 20_000);
      await().atMost(Duration.ofSeconds(60)).until(() -> b.pipeline().assignedPartitions() == 6);
      await().atMost(Duration.ofSeconds(120)).until(() -> Long.parseLong(
          servers.query("SELECT uniqExact(kafka_partition, kafka_offset) FROM " + table)) == 20_000);
      Thread.sleep(1_000);
    }
    assertThat(servers.count(table)).as("a clean hand-over duplicates nothing").isEqualTo(20_000);
  }
}
