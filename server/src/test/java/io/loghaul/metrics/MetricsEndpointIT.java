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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /metrics of a running loghaul exposes every metric of docs/metrics.md#metric-reference with
 * its type and labels, the JVM and process metrics, and every metric the Grafana dashboard reads.
 * One loghaul for the class.
 */
class MetricsEndpointIT {
  @RegisterExtension static final RealServers servers = new RealServers();
  private static LoghaulServer loghaul;
  private static String topic;
  private static String table;

  @BeforeAll
  static void start() throws Exception {
    topic = KafkaTestClient.uniqueName("logs");
    table = KafkaTestClient.uniqueName("t");
    loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--clickhouse.table=" + table,
            "--otlp.grpc.port=auto",
            "--otlp.http.port=auto");
    long now = System.currentTimeMillis();
    servers.kafkaClient().send(topic, 0, LogRecords.valid(now, "svc", 1));
    servers.kafkaClient().send(topic, 1, "{\"oops\"");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> servers.count(table) == 1 && loghaul.pipeline().assignedPartitions() == 4);
    // JvmGcMetrics registers its timer on the first GC notification
    System.gc();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                PrometheusText.scrape(loghaul.adminPort())
                    .sampleNames()
                    .contains("jvm_gc_pause_seconds_count"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (loghaul != null) {
      loghaul.close();
    }
  }

  /**
   * Every metric of docs/metrics.md#metric-reference (the otlp_* ones exist while an OTLP receiver
   * is enabled).
   */
  private static final Map<String, Spec> SPEC =
      Map.ofEntries(
          Map.entry("log_parse_errors_total", new Spec("counter", Set.of("error_type", "source"))),
          Map.entry("kafka_commit_lag_seconds", new Spec("gauge", Set.of("topic", "partition"))),
          Map.entry("kafka_consumer_lag_records", new Spec("gauge", Set.of("topic", "partition"))),
          Map.entry("logs_received_total", new Spec("counter", Set.of("source"))),
          Map.entry("logs_inserted_total", new Spec("counter", Set.of("table"))),
          Map.entry("logs_dead_lettered_total", new Spec("counter", Set.of("error_type"))),
          Map.entry("clickhouse_insert_duration_seconds", new Spec("histogram", Set.of())),
          Map.entry("clickhouse_insert_rows", new Spec("histogram", Set.of())),
          Map.entry("clickhouse_insert_failures_total", new Spec("counter", Set.of("reason"))),
          Map.entry("clickhouse_endpoint_up", new Spec("gauge", Set.of("endpoint"))),
          Map.entry("memory_mapped_files_bytes", new Spec("gauge", Set.of())),
          Map.entry("otlp_requests_total", new Spec("counter", Set.of("transport", "outcome"))),
          Map.entry("otlp_request_duration_seconds", new Spec("histogram", Set.of("transport"))),
          Map.entry("otlp_connections", new Spec("gauge", Set.of("transport"))),
          Map.entry("otlp_connections_refused_total", new Spec("counter", Set.of("transport"))));

  private record Spec(String type, Set<String> labels) {}

  @Test
  void exposesEverySpecMetricWithItsTypeAndLabels() throws Exception {
    PrometheusText m = PrometheusText.scrape(loghaul.adminPort());
    SPEC.forEach(
        (name, spec) -> {
          String family =
              name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
          String type = m.type(name) != null ? m.type(name) : m.type(family);
          assertThat(type).as("# TYPE of %s", name).isEqualTo(spec.type());
          String sample = spec.type().equals("histogram") ? name + "_count" : name;
          assertThat(m.labelKeys(sample))
              .as("label keys of %s", sample)
              .containsExactly(spec.labels());
          if (spec.type().equals("histogram")) {
            assertThat(m.sampleNames()).contains(name + "_bucket", name + "_sum");
          }
        });
  }

  @Test
  void countsWhatHappenedWithBoundedLabels() throws Exception {
    PrometheusText m = PrometheusText.scrape(loghaul.adminPort());
    assertThat(m.sum("logs_received_total", "source", topic)).isEqualTo(2);
    assertThat(m.sum("logs_inserted_total", "table", table)).isEqualTo(1);
    assertThat(m.sum("log_parse_errors_total", "source", topic, "error_type", "json_syntax"))
        .isEqualTo(1);
    // every error type is present from the start, so rate() and alerts see a 0 before the first
    // error
    assertThat(m.all("log_parse_errors_total", "source", topic)).hasSize(ErrorType.values().length);
    assertThat(m.all("logs_dead_lettered_total")).hasSize(ErrorType.values().length);
    assertThat(m.all("kafka_commit_lag_seconds", "topic", topic)).hasSize(4);
    assertThat(m.all("clickhouse_insert_duration_seconds_count").get(0).value()).isPositive();
  }

  @Test
  void consumerLagDropsToZeroOnceEverythingIsCommitted() {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              PrometheusText m = PrometheusText.scrape(loghaul.adminPort());
              return m.sum("kafka_consumer_lag_records", "topic", topic) == 0
                  && m.sum("kafka_commit_lag_seconds", "topic", topic) == 0;
            });
  }

  @Test
  void exposesJvmAndProcessMetrics() throws Exception {
    PrometheusText m = PrometheusText.scrape(loghaul.adminPort());
    assertThat(m.sampleNames())
        .contains(
            "jvm_memory_used_bytes",
            "jvm_memory_max_bytes",
            "jvm_gc_pause_seconds_count",
            "jvm_threads_live_threads",
            "process_cpu_usage",
            "system_cpu_usage",
            "process_files_open_files",
            "process_uptime_seconds",
            "process_resident_memory_bytes",
            "jvm_classes_loaded_classes",
            "loghaul_ready",
            "dlq_produce_failures_total");
    assertThat(m.sum("process_resident_memory_bytes")).isGreaterThan(10 << 20);
  }

  @Test
  void answersHealthAndReadiness() throws Exception {
    assertThat(PrometheusText.get(loghaul.adminPort(), "/healthz").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> PrometheusText.get(loghaul.adminPort(), "/readyz").statusCode() == 200);
    assertThat(PrometheusText.scrape(loghaul.adminPort()).sum("loghaul_ready")).isEqualTo(1);
  }

  @Test
  void everyDashboardExpressionReadsMetricsLoghaulExposes() throws Exception {
    Set<String> exposed = PrometheusText.scrape(loghaul.adminPort()).sampleNames();
    Set<String> read = GrafanaDashboard.load().metricNames();
    assertThat(read).isNotEmpty();
    assertThat(exposed).containsAll(read);
  }

  @Test
  void everyAlertRuleReadsMetricsLoghaulExposes() throws Exception {
    Set<String> exposed = PrometheusText.scrape(loghaul.adminPort()).sampleNames();
    String rules =
        java.nio.file.Files.readString(DeployFiles.path("prometheus/loghaul-rules.yml"), UTF_8);
    java.util.regex.Matcher expr =
        java.util.regex.Pattern.compile(
                "expr: (?:\\|\\n)?((?:(?!\\n\\s+for:).)+)", java.util.regex.Pattern.DOTALL)
            .matcher(rules);
    int found = 0;
    while (expr.find()) {
      found++;
      Set<String> names = PromQlNames.metricNames(expr.group(1));
      names.remove("up"); // Prometheus' own
      assertThat(exposed).as(expr.group(1)).containsAll(names);
    }
    assertThat(found).isEqualTo(PrometheusRulesTest.ALERTS.size());
  }
}
