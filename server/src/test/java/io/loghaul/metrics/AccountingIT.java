package io.loghaul.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.schema.ErrorType;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After a mixed run of good records and a known number of bad records of every error type, the
 * counters on /metrics add up exactly: received = inserted + dead-lettered, and each parse-error
 * counter equals what was sent of that type.
 */
class AccountingIT {
  @RegisterExtension static final RealServers servers = new RealServers();

  @Test
  void receivedEqualsInsertedPlusDeadLetteredAndParseErrorsMatchWhatWasSent() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String dlq = KafkaTestClient.uniqueName("dlq");
    int good = 2_000;
    Map<ErrorType, Integer> sentBad = new EnumMap<>(ErrorType.class);
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--clickhouse.table=" + table,
            "--kafka.dlq-topic=" + dlq,
            "--batch.max-rows=300",
            "--schema.max-record-bytes=" + BadRecords.MAX_RECORD_BYTES)) {
      long now = System.currentTimeMillis();
      int sent = 0;
      for (int i = 0; i < good; i++) {
        servers.kafkaClient().sendAsync(topic, null, LogRecords.realistic(now, i).getBytes(UTF_8));
        sent++;
        // interleave the bad records with the good ones, a different count per type
        if (i % 50 == 0) {
          for (ErrorType t : ErrorType.values()) {
            if (t != ErrorType.CLICKHOUSE_REJECTED
                && sentBad.getOrDefault(t, 0) < 3 + t.ordinal()) {
              servers.kafkaClient().sendAsync(topic, null, BadRecords.of(t, now, i));
              sentBad.merge(t, 1, Integer::sum);
              sent++;
            }
          }
        }
      }
      servers.kafkaClient().flush();
      int total = sent;
      int bad = total - good;

      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                PrometheusText m = PrometheusText.scrape(loghaul.adminPort());
                return m.sum("logs_received_total", "source", topic) == total
                    && m.sum("logs_inserted_total", "table", table) == good
                    && m.sum("logs_dead_lettered_total") == bad;
              });
      PrometheusText m = PrometheusText.scrape(loghaul.adminPort());
      assertThat(m.sum("logs_received_total", "source", topic))
          .isEqualTo(
              m.sum("logs_inserted_total", "table", table) + m.sum("logs_dead_lettered_total"));
      for (ErrorType t : ErrorType.values()) {
        int expected = sentBad.getOrDefault(t, 0);
        assertThat(m.sum("log_parse_errors_total", "error_type", t.label(), "source", topic))
            .as("log_parse_errors_total{error_type=%s}", t.label())
            .isEqualTo(expected);
        assertThat(m.sum("logs_dead_lettered_total", "error_type", t.label()))
            .as("logs_dead_lettered_total{error_type=%s}", t.label())
            .isEqualTo(expected);
      }
      assertThat(servers.count(table)).isEqualTo(good);
      assertThat(servers.kafkaClient().readAll(dlq, bad, Duration.ofSeconds(30))).hasSize(bad);
      assertThat(m.sum("clickhouse_insert_failures_total")).isZero();
      assertThat(m.sum("dlq_produce_failures_total")).isZero();
    }
  }
}
