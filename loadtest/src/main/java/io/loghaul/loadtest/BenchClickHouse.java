package io.loghaul.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code clickhouse-server} child process for {@code bench compare}: like loghaul's managed
 * server (HTTP on a free port, loopback only, data in a scratch directory) but with the default
 * profile tuned for the Kafka table engine, whose background consumers read their settings from it:
 * {@code input_format_skip_unknown_fields=1} (so JSONEachRow skips {@code attributes}, which 18.16
 * cannot read into a column), {@code input_format_allow_errors_ratio} (so malformed rows are
 * skipped instead of stalling the consumer forever), and {@code stream_flush_interval_ms}. Started
 * here rather than by {@code ManagedClickHouse} so its pid is ours to sample. Not thread-safe;
 * {@link #close()} stops it (SIGTERM, then SIGKILL after 30 s).
 */
final class BenchClickHouse implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Thread hook;

  private BenchClickHouse(Process process, int port) {
    this.process = process;
    this.port = port;
    this.hook = new Thread(process::destroyForcibly, "bench-clickhouse-kill");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  static BenchClickHouse start(Path relativeOrAbsolute, int port, long flushIntervalMs)
      throws IOException, InterruptedException {
    // the server runs in dir, so every path in its config must be absolute: a relative one would
    // be resolved against dir a second time
    Path dir = relativeOrAbsolute.toAbsolutePath().normalize();
    Files.createDirectories(dir.resolve("log"));
    Files.writeString(dir.resolve("users.xml"), usersXml(flushIntervalMs));
    Files.writeString(dir.resolve("config.xml"), configXml(dir, port));
    List<String> cmd = new ArrayList<>(command());
    cmd.add("--config-file=" + dir.resolve("config.xml"));
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log/stdout.log").toFile())
            .start();
    BenchClickHouse ch = new BenchClickHouse(p, port);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (!p.isAlive()) {
        ch.close();
        throw new IllegalStateException(
            "clickhouse-server exited during startup; see " + dir.resolve("log"));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(ch.url() + "/ping")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return ch;
        }
      } catch (IOException e) {
        // not up yet
      }
      if (System.nanoTime() > deadline) {
        ch.close();
        throw new IllegalStateException(
            "clickhouse-server did not answer /ping within 60 s; see " + dir.resolve("log"));
      }
      Thread.sleep(100);
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already
    }
  }

  private static List<String> command() {
    for (String p : new String[] {"/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"}) {
      if (Files.isExecutable(Path.of(p))) {
        return List.of(p);
      }
    }
    if (Files.isExecutable(Path.of("/usr/bin/clickhouse"))) {
      return List.of("/usr/bin/clickhouse", "server");
    }
    throw new UncheckedIOException(
        new IOException(
            "no clickhouse-server binary found; install it with 'apt-get install -y clickhouse-server'"));
  }

  /** The server's config; every path in it absolute, whatever {@code dir} is. */
  static String configXml(Path relativeOrAbsolute, int port) {
    Path dir = relativeOrAbsolute.toAbsolutePath().normalize();
    return "<?xml version=\"1.0\"?>\n<yandex>\n"
        + "  <logger><level>warning</level><log>"
        + dir.resolve("log/server.log")
        + "</log>"
        + "<errorlog>"
        + dir.resolve("log/server.err.log")
        + "</errorlog><console>0</console></logger>\n"
        + "  <http_port>"
        + port
        + "</http_port>\n"
        + "  <listen_host>127.0.0.1</listen_host>\n"
        + "  <path>"
        + dir.resolve("data")
        + "/</path>\n"
        + "  <tmp_path>"
        + dir.resolve("tmp")
        + "/</tmp_path>\n"
        + "  <user_files_path>"
        + dir.resolve("user_files")
        + "/</user_files_path>\n"
        + "  <users_config>"
        + dir.resolve("users.xml")
        + "</users_config>\n"
        + "  <default_profile>default</default_profile>\n"
        + "  <default_database>default</default_database>\n"
        + "  <mark_cache_size>268435456</mark_cache_size>\n"
        // every part written and merged, so a run can report how much of the server's CPU went to
        // merges
        + "  <part_log><database>system</database><table>part_log</table>"
        + "<flush_interval_milliseconds>1000</flush_interval_milliseconds></part_log>\n"
        + "</yandex>\n";
  }

  static String usersXml(long flushIntervalMs) {
    return """
        <?xml version="1.0"?>
        <yandex>
          <profiles>
            <default>
              <max_memory_usage>10000000000</max_memory_usage>
              <input_format_skip_unknown_fields>1</input_format_skip_unknown_fields>
              <input_format_allow_errors_ratio>0.5</input_format_allow_errors_ratio>
              <input_format_allow_errors_num>1000000000</input_format_allow_errors_num>
              <stream_flush_interval_ms>%d</stream_flush_interval_ms>
            </default>
          </profiles>
          <users>
            <default>
              <password></password>
              <networks><ip>::1</ip><ip>127.0.0.1</ip></networks>
              <profile>default</profile>
              <quota>default</quota>
            </default>
          </users>
          <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
            <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
          </interval></default></quotas>
        </yandex>
        """
        .formatted(flushIntervalMs);
  }
}
