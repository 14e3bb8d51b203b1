package io.loghaul.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loghaul.ingest.IngestListener;
import io.loghaul.schema.ErrorType;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The OTLP meters as Prometheus scrapes them (names of docs/metrics.md#metric-reference). */
class OtlpMetricsTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final OtlpMetrics metrics = new OtlpMetrics(new PipelineMetrics(registry, "logs"));

  private List<String> lines() {
    return Arrays.stream(registry.scrape().split("\n")).filter(l -> !l.startsWith("#")).toList();
  }

  /** The value of the one sample line starting with {@code series} (name and labels as scraped). */
  private double sample(String series) {
    List<String> matching = lines().stream().filter(l -> l.startsWith(series + " ")).toList();
    assertThat(matching).as(series).hasSize(1);
    return Double.parseDouble(matching.get(0).substring(series.length() + 1).trim());
  }

  @Test
  void countsReceivedRecordsAndParseErrorsPerTransportAsSources() {
    metrics.received(5, IngestListener.GRPC);
    metrics.received(2, IngestListener.HTTP);
    metrics.rejected(ErrorType.INVALID_VALUE, IngestListener.GRPC);
    metrics.rejected(ErrorType.INVALID_VALUE, IngestListener.GRPC);
    metrics.rejected(ErrorType.FIELD_OVERFLOW, IngestListener.HTTP);

    assertThat(sample("logs_received_total{source=\"otlp_grpc\"}")).isEqualTo(5);
    assertThat(sample("logs_received_total{source=\"otlp_http\"}")).isEqualTo(2);
    assertThat(sample("log_parse_errors_total{error_type=\"invalid_value\",source=\"otlp_grpc\"}"))
        .isEqualTo(2);
    assertThat(sample("log_parse_errors_total{error_type=\"field_overflow\",source=\"otlp_http\"}"))
        .isEqualTo(1);
    assertThat(sample("log_parse_errors_total{error_type=\"invalid_value\",source=\"otlp_http\"}"))
        .isZero();
  }

  @Test
  void countsRequestsByTransportAndOutcomeAndTimesThem() {
    metrics.requestCompleted(
        IngestListener.GRPC, IngestListener.SUCCESS, TimeUnit.MILLISECONDS.toNanos(3));
    metrics.requestCompleted(
        IngestListener.GRPC, IngestListener.UNAVAILABLE, TimeUnit.MILLISECONDS.toNanos(1500));
    metrics.requestCompleted(
        IngestListener.HTTP, IngestListener.PARTIAL_SUCCESS, TimeUnit.MILLISECONDS.toNanos(7));

    assertThat(sample("otlp_requests_total{outcome=\"success\",transport=\"otlp_grpc\"}"))
        .isEqualTo(1);
    assertThat(sample("otlp_requests_total{outcome=\"unavailable\",transport=\"otlp_grpc\"}"))
        .isEqualTo(1);
    assertThat(sample("otlp_requests_total{outcome=\"partial_success\",transport=\"otlp_http\"}"))
        .isEqualTo(1);
    assertThat(sample("otlp_requests_total{outcome=\"too_large\",transport=\"otlp_http\"}"))
        .isZero();
    assertThat(sample("otlp_requests_total{outcome=\"invalid\",transport=\"otlp_http\"}")).isZero();
    assertThat(sample("otlp_request_duration_seconds_count{transport=\"otlp_grpc\"}")).isEqualTo(2);
    assertThat(sample("otlp_request_duration_seconds_sum{transport=\"otlp_grpc\"}"))
        .isEqualTo(1.503);
    assertThat(sample("otlp_request_duration_seconds_count{transport=\"otlp_http\"}")).isEqualTo(1);
    // a histogram, so quantiles can be computed across instances
    assertThat(lines())
        .anyMatch(
            l ->
                l.startsWith("otlp_request_duration_seconds_bucket{")
                    && l.contains("le=\"")
                    && l.contains("transport=\"otlp_grpc\""));
    assertThat(registry.scrape()).contains("# TYPE otlp_request_duration_seconds histogram");
  }

  @Test
  void histogramsExportADozenExplicitBucketsNotSeventy() {
    metrics.requestCompleted(IngestListener.GRPC, IngestListener.SUCCESS, 3_000_000);

    assertThat(lines())
        .filteredOn(
            l -> l.startsWith("otlp_request_duration_seconds_bucket{") && l.contains("otlp_grpc"))
        .hasSize(HistogramBuckets.OTLP_REQUEST.length + 1);
    assertThat(lines())
        .filteredOn(l -> l.startsWith("clickhouse_insert_duration_seconds_bucket{"))
        .hasSize(HistogramBuckets.CLICKHOUSE_INSERT.length + 1);
    assertThat(lines())
        .filteredOn(l -> l.startsWith("clickhouse_insert_rows_bucket{"))
        .hasSize(HistogramBuckets.INSERT_ROWS.length + 1);
    long bucketSeries = lines().stream().filter(l -> l.contains("_bucket{")).count();
    assertThat(bucketSeries).isLessThanOrEqualTo(2 * 13 + 13 + 12);
    // a 3 ms reply is in the 5 ms bucket and above, not in the 2 ms one
    assertThat(sample("otlp_request_duration_seconds_bucket{transport=\"otlp_grpc\",le=\"0.005\"}"))
        .isEqualTo(1);
    assertThat(sample("otlp_request_duration_seconds_bucket{transport=\"otlp_grpc\",le=\"0.002\"}"))
        .isZero();
  }

  @Test
  void registersEveryMeterUpFront() {
    assertThat(lines()).filteredOn(l -> l.startsWith("otlp_requests_total{")).hasSize(2 * 6);
    assertThat(lines()).filteredOn(l -> l.startsWith("otlp_connections{")).hasSize(2);
    assertThat(lines()).filteredOn(l -> l.startsWith("otlp_connections_refused_total{")).hasSize(2);
    assertThat(lines())
        .filteredOn(l -> l.startsWith("log_parse_errors_total{") && l.contains("otlp_"))
        .hasSize(2 * ErrorType.values().length);
  }

  @Test
  void refusesUnknownTransports() {
    assertThatThrownBy(() -> metrics.received(1, "kafka"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("transport: kafka (expected: one of [otlp_grpc, otlp_http])");
  }
}
