package io.loghaul.clickhouse;

/**
 * What the {@link BatchInserter} reports, for metrics and tracing. Called on the inserter thread.
 */
public interface InsertObserver {
  /** One INSERT acknowledged. */
  void inserted(int rows, int bytes, long durationNanos);

  /**
   * One INSERT attempt failed; {@code reason} is a small closed set (see {@link
   * ClickHouseException#reason()}).
   */
  void failed(String reason, long durationNanos);
}
