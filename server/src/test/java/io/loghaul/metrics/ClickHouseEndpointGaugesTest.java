package io.loghaul.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.clickhouse.ClickHouseEndpoints;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class ClickHouseEndpointGaugesTest {
  @Test
  void onePrometheusGaugePerEndpointFollowsItsState() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ClickHouseEndpoints endpoints = ClickHouseEndpoints.parse("http://ch-1:8123,http://ch-2:8123");
    ClickHouseEndpointGauges.register(registry, endpoints);

    endpoints.markDown(1);
    PrometheusText m = PrometheusText.parse(registry.scrape());

    assertThat(m.type("clickhouse_endpoint_up")).isEqualTo("gauge");
    assertThat(m.sum("clickhouse_endpoint_up", "endpoint", "http://ch-1:8123")).isEqualTo(1);
    assertThat(m.sum("clickhouse_endpoint_up", "endpoint", "http://ch-2:8123")).isZero();

    endpoints.markUp(1);
    assertThat(
            PrometheusText.parse(registry.scrape())
                .sum("clickhouse_endpoint_up", "endpoint", "http://ch-2:8123"))
        .isEqualTo(1);
  }
}
