package io.loghaul.metrics;

import java.time.Duration;

/**
 * The explicit bucket boundaries of loghaul's histograms. Micrometer's default percentile histogram
 * exports about 70 buckets per histogram (hundreds of series on an idle instance); these are a
 * dozen each, spaced around what the alerts and dashboards ask (OTLP replies in milliseconds,
 * INSERTs in seconds, batches in rows), which is enough for {@code histogram_quantile} to answer
 * P50/P99 within a bucket's width.
 */
final class HistogramBuckets {
  /** OTLP request received → reply sent: 1 ms to 5 s. */
  static final Duration[] OTLP_REQUEST =
      millis(1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000);

  /** One ClickHouse INSERT: 10 ms to 60 s. */
  static final Duration[] CLICKHOUSE_INSERT =
      millis(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000);

  /** Rows per INSERT: 100 to 1M. */
  static final double[] INSERT_ROWS = {
    100, 500, 1000, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000
  };

  private HistogramBuckets() {}

  private static Duration[] millis(long... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofMillis(values[i]);
    }
    return out;
  }
}
