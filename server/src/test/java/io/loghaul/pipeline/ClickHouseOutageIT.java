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
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ClickHouse goes away mid-stream and comes back: nothing is lost and the group never rebalances.
 */
class ClickHouseOutageIT {
  @RegisterExtension static final RealServers servers = new RealServers();

  @Test
  void pausesWhileClickHouseIsDownAndLosesNothingWithoutARebalance() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    int perPhase = 3_000;
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--clickhouse.table=" + table,
            "--kafka.group=" + group,
            "--batch.max-rows=500")) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < perPhase; i++) {
        servers
            .kafkaClient()
            .sendAsync(topic, null, LogRecords.realistic(now, i).getBytes(StandardCharsets.UTF_8));
      }
      servers.kafkaClient().flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == perPhase);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> loghaul.pipeline().assignedPartitions() == 4);
      int rebalancesBefore = loghaul.pipeline().rebalances();

      servers.clickhouse().kill();
      for (int i = perPhase; i < 3 * perPhase; i++) {
        servers
            .kafkaClient()
            .sendAsync(topic, null, LogRecords.realistic(now, i).getBytes(StandardCharsets.UTF_8));
      }
      servers.kafkaClient().flush();
      Thread.sleep(
          20_000); // the outage: longer than a session timeout would tolerate without polling
      Map<TopicPartition, Long> committedDuringOutage = servers.kafkaClient().committed(group);
      long committedTotal =
          committedDuringOutage.values().stream().mapToLong(Long::longValue).sum();
      assertThat(committedTotal)
          .as("nothing committed past rows ClickHouse never got")
          .isLessThanOrEqualTo(perPhase);
      assertThat(loghaul.pipeline().consuming()).isTrue();

      servers.clickhouse().restart();
      await().atMost(Duration.ofSeconds(120)).until(() -> servers.count(table) >= 3L * perPhase);
      assertThat(servers.query("SELECT uniqExact(kafka_partition, kafka_offset) FROM " + table))
          .isEqualTo(Integer.toString(3 * perPhase));
      assertThat(servers.count(table)).isEqualTo(3L * perPhase);
      assertThat(loghaul.pipeline().rebalances())
          .as("no consumer-group rebalance")
          .isEqualTo(rebalancesBefore);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  servers.kafkaClient().committed(group).values().stream()
                          .mapToLong(Long::longValue)
                          .sum()
                      == 3L * perPhase);
    }
  }

  /**
   * A frozen clickhouse-server (SIGSTOP: connections accepted, nothing answered) makes the
   * in-flight INSERT time out after clickhouse.insert-timeout-ms, counted as reason="timeout";
   * after SIGCONT every record lands.
   */
  @Test
  void aFrozenClickHouseCountsInsertTimeoutsAndEveryRecordLandsAfterItThaws() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    int records = 2_000;
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--clickhouse.table=" + table,
            "--kafka.group=" + KafkaTestClient.uniqueName("g"),
            "--batch.max-rows=500",
            "--clickhouse.insert-timeout-ms=2000")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> loghaul.pipeline().consuming());
      long pid = servers.clickhouse().serverPid();
      assertThat(pid).isPositive();
      signal("STOP", pid);
      try {
        long now = System.currentTimeMillis();
        for (int i = 0; i < records; i++) {
          servers
              .kafkaClient()
              .sendAsync(
                  topic, null, LogRecords.realistic(now, i).getBytes(StandardCharsets.UTF_8));
        }
        servers.kafkaClient().flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> insertFailures(loghaul, "timeout") >= 1);
      } finally {
        signal("CONT", pid);
      }
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  Long.parseLong(
                          servers.query(
                              "SELECT uniqExact(kafka_partition, kafka_offset) FROM " + table))
                      == records);
      assertThat(insertFailures(loghaul, "unreachable"))
          .as("a frozen server is a timeout")
          .isZero();
    }
  }

  private static double insertFailures(LoghaulServer loghaul, String reason) {
    return loghaul
        .registry()
        .get("clickhouse.insert.failures")
        .tag("reason", reason)
        .counter()
        .count();
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s %d", signal, pid).isZero();
  }
}
