package io.loghaul.loadtest;

import io.loghaul.embedded.ClickHouseConfig;
import io.loghaul.embedded.ManagedClickHouse;
import java.nio.file.Path;

/**
 * A {@code clickhouse-server} child process for {@code bench compare}: loghaul's managed server
 * (HTTP on a free port, loopback only, data in a scratch directory, the same watchdog) with the
 * default profile tuned for the Kafka table engine, whose background consumers read their settings
 * from it: {@code input_format_skip_unknown_fields=1} (so JSONEachRow skips {@code attributes},
 * which 18.16 cannot read into a column), {@code input_format_allow_errors_ratio} (so malformed
 * rows are skipped instead of stalling the consumer forever), and {@code stream_flush_interval_ms};
 * and a {@code part_log}, so a run can report how much of the server's CPU went to merges. Not
 * thread-safe; {@link #close()} stops it (SIGTERM, then SIGKILL after 30 s).
 */
final class BenchClickHouse implements AutoCloseable {
  private final ManagedClickHouse server;

  private BenchClickHouse(ManagedClickHouse server) {
    this.server = server;
  }

  static BenchClickHouse start(Path relativeOrAbsolute, int port, long flushIntervalMs) {
    return new BenchClickHouse(
        ManagedClickHouse.start(config(relativeOrAbsolute, port, flushIntervalMs)));
  }

  /** The server's configuration; every path in it absolute, whatever {@code dir} is. */
  static ClickHouseConfig config(Path relativeOrAbsolute, int port, long flushIntervalMs) {
    return ClickHouseConfig.builder(relativeOrAbsolute, port)
        .profileSetting("input_format_skip_unknown_fields", "1")
        .profileSetting("input_format_allow_errors_ratio", "0.5")
        .profileSetting("input_format_allow_errors_num", "1000000000")
        .profileSetting("stream_flush_interval_ms", Long.toString(flushIntervalMs))
        // every part written and merged
        .extraXml(
            "  <part_log><database>system</database><table>part_log</table>"
                + "<flush_interval_milliseconds>1000</flush_interval_milliseconds></part_log>\n")
        .build();
  }

  String url() {
    return server.url();
  }

  long pid() {
    return server.serverPid();
  }

  @Override
  public void close() {
    server.close();
  }
}
