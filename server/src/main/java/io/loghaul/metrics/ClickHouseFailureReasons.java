package io.loghaul.metrics;

import java.util.List;

/** The closed set of {@code reason} tags of {@code clickhouse_insert_failures_total}. */
final class ClickHouseFailureReasons {
  static final List<String> ALL =
      List.of("unreachable", "timeout", "overloaded", "bad_data", "server_error");

  private ClickHouseFailureReasons() {}
}
