package io.loghaul.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's shape: a Prometheus datasource variable, the panels operators need, and
 * expressions we can read. That every metric it reads is really exposed is checked against a
 * running loghaul in {@link MetricsEndpointIT#everyDashboardExpressionReadsMetricsLoghaulExposes}.
 */
class GrafanaDashboardTest {
  @Test
  void usesAPrometheusDatasourceVariableEverywhere() throws Exception {
    GrafanaDashboard d = GrafanaDashboard.load();
    assertThat(d.root.path("schemaVersion").asInt()).isBetween(36, 41);
    JsonNode ds = d.root.path("templating").path("list").get(0);
    assertThat(ds.path("type").asText()).isEqualTo("datasource");
    assertThat(ds.path("query").asText()).isEqualTo("prometheus");
    for (JsonNode panel : d.root.path("panels")) {
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("datasource").path("uid").asText())
            .as(panel.path("title").asText())
            .isEqualTo("${datasource}");
      }
    }
  }

  @Test
  void hasThePanelsTheIssueAsksFor() throws Exception {
    assertThat(GrafanaDashboard.load().panelTitles())
        .contains(
            "Records in, by source",
            "Records out",
            "Parse errors by type",
            "Dead-letter rate",
            "Commit lag per partition",
            "Insert latency",
            "Batch size (rows per INSERT)",
            "Heap",
            "GC pause time",
            "Memory: RSS and mapped files",
            "OTLP requests by outcome",
            "OTLP connections");
  }

  @Test
  void readsTheSpecMetricsByTheirExposedNames() throws Exception {
    assertThat(GrafanaDashboard.load().metricNames())
        .contains(
            "logs_received_total",
            "logs_inserted_total",
            "logs_dead_lettered_total",
            "log_parse_errors_total",
            "kafka_commit_lag_seconds",
            "kafka_consumer_lag_records",
            "clickhouse_insert_duration_seconds_bucket",
            "clickhouse_insert_rows_bucket",
            "clickhouse_insert_failures_total",
            "jvm_memory_used_bytes",
            "process_resident_memory_bytes",
            "otlp_requests_total",
            "otlp_connections",
            "otlp_connections_refused_total");
  }

  @Test
  void extractsMetricNamesButNotFunctionsLabelsOrRanges() {
    assertThat(
            PromQlNames.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(clickhouse_insert_duration_seconds_bucket{job=~\"$job\"}[5m])))"
                    + " / on (job) group_left sum(up{a=\"b\"}) and foo_total offset 5m"))
        .containsExactly("clickhouse_insert_duration_seconds_bucket", "foo_total", "up");
  }
}
