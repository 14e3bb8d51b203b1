package io.loghaul.metrics;

import io.loghaul.clickhouse.ClickHouseEndpoints;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@code clickhouse_endpoint_up{endpoint}} gauges: one per configured ClickHouse endpoint
 * ({@code clickhouse.url}), 1 while it answered its last request or ping, 0 while it is skipped as
 * unreachable. The label is the URL as configured, which never holds credentials (the config
 * refuses URLs with user info).
 */
public final class ClickHouseEndpointGauges {
  private ClickHouseEndpointGauges() {}

  /** Registers one gauge per endpoint of {@code endpoints} in {@code registry}. */
  public static void register(MeterRegistry registry, ClickHouseEndpoints endpoints) {
    for (int i = 0; i < endpoints.size(); i++) {
      int index = i;
      Gauge.builder("clickhouse.endpoint.up", endpoints, e -> e.up(index) ? 1 : 0)
          .description("1 while this ClickHouse endpoint answered its last request or ping, else 0")
          .tag("endpoint", endpoints.url(i))
          .strongReference(true)
          .register(registry);
    }
  }
}
