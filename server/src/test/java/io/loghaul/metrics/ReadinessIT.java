package io.loghaul.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * /readyz turns 503 within 15 s of ClickHouse or Kafka becoming unreachable and 200 again by
 * itself; kafka_commit_lag_seconds rises while ClickHouse is down and returns to 0 after.
 */
class ReadinessIT {
  /**
   * Readiness (docs/metrics.md#admin-endpoints) turns false within 15 s of a dependency becoming
   * unreachable.
   */
  private static final Duration NOT_READY_WITHIN = Duration.ofSeconds(15);

  @RegisterExtension static final RealServers servers = new RealServers();

  private static HttpResponse<String> readyz(LoghaulServer loghaul) throws Exception {
    return PrometheusText.get(loghaul.adminPort(), "/readyz");
  }

  private static double commitLag(LoghaulServer loghaul, String topic) throws Exception {
    return PrometheusText.scrape(loghaul.adminPort())
        .all("kafka_commit_lag_seconds", "topic", topic)
        .stream()
        .mapToDouble(PrometheusText.Sample::value)
        .max()
        .orElse(-1);
  }

  @Test
  void clickHouseOutageMakesItNotReadyAndRaisesCommitLagUntilItIsBack() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    try (LoghaulServer loghaul =
        TestLoghaul.start(servers, "--kafka.topics=" + topic, "--clickhouse.table=" + table)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> readyz(loghaul).statusCode() == 200);

      servers.clickhouse().kill();
      try {
        await()
            .atMost(NOT_READY_WITHIN)
            .pollInterval(Duration.ofMillis(250))
            .until(() -> readyz(loghaul).statusCode() == 503);
        assertThat(readyz(loghaul).body()).contains("ClickHouse");
        assertThat(PrometheusText.scrape(loghaul.adminPort()).sum("loghaul_ready")).isZero();

        long sentAt = System.currentTimeMillis();
        for (int i = 0; i < 200; i++) {
          servers
              .kafkaClient()
              .sendAsync(topic, null, LogRecords.realistic(sentAt, i).getBytes(UTF_8));
        }
        servers.kafkaClient().flush();
        // the records wait for ClickHouse, uncommitted: their age is the lag, and it keeps growing
        await().atMost(Duration.ofSeconds(30)).until(() -> commitLag(loghaul, topic) >= 2);
        double first = commitLag(loghaul, topic);
        await().atMost(Duration.ofSeconds(30)).until(() -> commitLag(loghaul, topic) >= first + 1);
        assertThat(
                PrometheusText.scrape(loghaul.adminPort()).sum("clickhouse_insert_failures_total"))
            .isPositive();
      } finally {
        servers.clickhouse().restart();
      }

      await().atMost(Duration.ofSeconds(60)).until(() -> readyz(loghaul).statusCode() == 200);
      await().atMost(Duration.ofSeconds(90)).until(() -> servers.count(table) == 200);
      await().atMost(Duration.ofSeconds(30)).until(() -> commitLag(loghaul, topic) == 0);
    }
  }

  @Test
  void kafkaOutageMakesItNotReadyUntilTheBrokerIsBack() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    try (LoghaulServer loghaul =
        TestLoghaul.start(servers, "--kafka.topics=" + topic, "--clickhouse.table=" + table)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> readyz(loghaul).statusCode() == 200);

      servers.kafka().stop();
      try {
        await()
            .atMost(NOT_READY_WITHIN)
            .pollInterval(Duration.ofMillis(250))
            .until(() -> readyz(loghaul).statusCode() == 503);
        assertThat(readyz(loghaul).body()).contains("Kafka");
      } finally {
        servers.kafka().restart();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> readyz(loghaul).statusCode() == 200);

      servers
          .kafkaClient()
          .send(topic, null, LogRecords.valid(System.currentTimeMillis(), "svc", 1));
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == 1);
    }
  }
}
