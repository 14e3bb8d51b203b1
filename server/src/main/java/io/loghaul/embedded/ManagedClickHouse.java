package io.loghaul.embedded;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local {@code clickhouse-server} run as a child process from a {@link ClickHouseConfig}: the
 * managed server of docs/configuration.md#embedded-mode (used when {@code clickhouse.url} is unset:
 * HTTP on the given port of 127.0.0.1, no other listeners, data, logs and users config under one
 * directory), the servers of the integration tests and of the benchmarks. The configuration is
 * written by {@link ClickHouseConfig}, the binary found by {@link ClickHouseBinary}; this class
 * only runs the process.
 *
 * <p>The child never outlives loghaul: it is started under a small {@code /bin/sh} watchdog that
 * holds a pipe from this JVM and stops the server when that pipe closes, which happens however the
 * JVM ends (even {@code kill -9}); a shutdown hook also stops it gracefully on a normal exit.
 *
 * <p>Thread-safe. {@link #stop()} sends SIGTERM, waits up to {@value #STOP_TIMEOUT_SECONDS} s, then
 * SIGKILL; it is idempotent. {@link #restart()} starts the server again on the same port and data.
 * When no binary is found, {@link #start} throws an {@link IllegalStateException} naming the
 * install command and the {@code clickhouse.url} alternative; when the server does not answer
 * {@code GET /ping} within {@value #START_TIMEOUT_SECONDS} s, the exception carries the tail of its
 * logs.
 */
public final class ManagedClickHouse implements AutoCloseable {
  static final int START_TIMEOUT_SECONDS = 60;
  static final int STOP_TIMEOUT_SECONDS = 30;

  private static final Logger log = LoggerFactory.getLogger(ManagedClickHouse.class);
  private static final int LOG_TAIL_LINES = 20;
  private static final String MALLOC_CONF = "MALLOC_CONF";

  /*
   * Runs the server in the background with fd 3 = our pipe (POSIX gives background jobs /dev/null
   * as stdin otherwise), prints its pid, and SIGTERMs it once the pipe reaches EOF, i.e. once this
   * JVM is gone or closed the pipe. sh exits with the server's status.
   */
  private static final String WATCHDOG =
      "exec 3<&0; log=$1; shift; "
          + "\"$@\" >>\"$log\" 2>&1 </dev/null 3<&- & c=$!; echo $c; "
          + "{ cat <&3 >/dev/null; kill -TERM $c 2>/dev/null; } & "
          + "wait $c";

  private final ClickHouseConfig config;
  private final Path dir;
  private final int httpPort;
  private final List<String> command;
  private final Thread shutdownHook;

  private Process watchdog;
  private ProcessHandle server;
  private boolean closed;

  private ManagedClickHouse(ClickHouseConfig config, List<String> command) {
    this.config = config;
    this.dir = config.dir();
    this.httpPort = config.httpPort();
    this.command = command;
    this.shutdownHook = new Thread(this::stopQuietly, "managed-clickhouse-shutdown");
  }

  /**
   * Writes the configuration into {@code dir}, starts the server with HTTP on {@code httpPort} and
   * returns once it answers {@code GET /ping}.
   *
   * @throws IllegalStateException when no binary is found, or the server does not come up
   */
  public static ManagedClickHouse start(Path dir, int httpPort) {
    return start(ClickHouseConfig.builder(dir, httpPort).build());
  }

  /**
   * {@link #start(Path, int)} with {@code extraConfig} (XML elements) added inside the config's
   * root element, e.g. an {@code https_port} and an {@code openSSL} section in TLS tests.
   */
  public static ManagedClickHouse start(Path dir, int httpPort, String extraConfig) {
    return start(ClickHouseConfig.builder(dir, httpPort).extraXml(extraConfig).build());
  }

  /** Writes {@code config} and starts the server; returns once it answers {@code GET /ping}. */
  public static ManagedClickHouse start(ClickHouseConfig config) {
    return start(config, ClickHouseBinary::find);
  }

  /** {@link #start(Path, int)} with the binary lookup replaced (tests). */
  static ManagedClickHouse start(
      Path dir, int httpPort, Supplier<Optional<List<String>>> commandLookup) {
    return start(ClickHouseConfig.builder(dir, httpPort).build(), commandLookup);
  }

  private static ManagedClickHouse start(
      ClickHouseConfig config, Supplier<Optional<List<String>>> commandLookup) {
    requireNonNull(config, "config");
    List<String> command = ClickHouseBinary.require(requireNonNull(commandLookup, "commandLookup"));
    ManagedClickHouse ch = new ManagedClickHouse(config, command);
    config.write();
    Runtime.getRuntime().addShutdownHook(ch.shutdownHook);
    try {
      ch.launch();
    } catch (RuntimeException e) {
      ch.close();
      throw e;
    }
    return ch;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The directory holding the generated config, data and logs. */
  public Path dir() {
    return dir;
  }

  /** The configuration the server runs with. */
  public ClickHouseConfig config() {
    return config;
  }

  /** The server's process id, or -1 when it is not running. */
  public synchronized long serverPid() {
    return server != null && server.isAlive() ? server.pid() : -1;
  }

  /** Whether the server process is running (it may still be starting or stopping). */
  public synchronized boolean isRunning() {
    return server != null && server.isAlive();
  }

  /**
   * Stops the server if it runs and starts it again on the same port and data directory; returns
   * once it answers {@code GET /ping}.
   *
   * @throws IllegalStateException after {@link #close()}, or when the server does not come up
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("ManagedClickHouse on port " + httpPort + " is closed");
    }
    stopProcess();
    launch();
  }

  /** Stops the server: SIGTERM, then SIGKILL after {@value #STOP_TIMEOUT_SECONDS} s. Idempotent. */
  public synchronized void stop() {
    stopProcess();
  }

  /** Kills the server with SIGKILL, as a crash would; {@link #restart()} brings it back. */
  public synchronized void kill() {
    if (server != null) {
      server.destroyForcibly();
      awaitExit(STOP_TIMEOUT_SECONDS);
    }
    releaseWatchdog();
  }

  /** Stops the server and forgets it; idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook is running or done
    }
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      log.warn("Could not stop clickhouse-server on port {}", httpPort, e);
    }
  }

  private void stopProcess() {
    if (server != null && server.isAlive()) {
      server.destroy();
      if (!awaitExit(STOP_TIMEOUT_SECONDS)) {
        log.warn(
            "clickhouse-server on port {} did not stop within {} s; killing it",
            httpPort,
            STOP_TIMEOUT_SECONDS);
        server.destroyForcibly();
        awaitExit(STOP_TIMEOUT_SECONDS);
      }
    }
    releaseWatchdog();
  }

  private boolean awaitExit(int seconds) {
    try {
      server.onExit().get(seconds, TimeUnit.SECONDS);
      if (watchdog != null) {
        watchdog.waitFor(seconds, TimeUnit.SECONDS);
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !server.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !server.isAlive();
    }
  }

  private void releaseWatchdog() {
    if (watchdog != null) {
      try {
        // EOF on the pipe ends the watchdog's background reader
        watchdog.getOutputStream().close();
      } catch (IOException e) {
        // the pipe is gone already, which is all we want
      }
      watchdog.destroy();
      watchdog = null;
    }
    server = null;
  }

  /**
   * Sets jemalloc's settings for the server in its environment {@code env} ({@code MALLOC_CONF};
   * clickhouse-server allocates through jemalloc, Debian's package through the system's
   * libjemalloc): huge pages for its memory where the kernel offers them ({@code hugePages}),
   * unless {@code env} sets {@code MALLOC_CONF} itself. An INSERT parses its rows into freshly
   * allocated column buffers; with 4 KiB pages half of clickhouse-server's CPU for it went to page
   * faults, and {@code thp:always} cut its CPU per row by 17–31 % in {@code bench compare}
   * (BENCHMARKS.md, "Transparent huge pages").
   */
  static void setMallocConf(Map<String, String> env, boolean hugePages) {
    if (hugePages) {
      env.putIfAbsent(MALLOC_CONF, "thp:always");
    }
  }

  private synchronized void launch() {
    Path logFile = dir.resolve("log/stdout.log");
    List<String> cmd =
        new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "sh", logFile.toString()));
    cmd.addAll(command);
    cmd.add("--config-file=" + config.configFile());
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      setMallocConf(pb.environment(), TransparentHugePages.offered());
      watchdog = pb.start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(watchdog.getInputStream(), StandardCharsets.US_ASCII));
      String pid = out.readLine();
      if (pid == null) {
        throw new IllegalStateException(
            startFailure("the watchdog shell exited before starting it"));
      }
      server = ProcessHandle.of(Long.parseLong(pid.strip())).orElse(null);
    } catch (IOException e) {
      throw new IllegalStateException(
          startFailure(
              "cannot run "
                  + String.join(" ", command)
                  + ": "
                  + e.getMessage()
                  + "; "
                  + ClickHouseBinary.INSTALL_HINT),
          e);
    }
    awaitPing();
    log.info("clickhouse-server {} listening on {}", String.join(" ", command), url());
  }

  private void awaitPing() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    URI ping = URI.create(url() + "/ping");
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build()) {
      while (true) {
        if (server == null || !server.isAlive()) {
          stopProcess();
          throw new IllegalStateException(startFailure("it exited during startup"));
        }
        try {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(ping).timeout(Duration.ofSeconds(2)).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200 && r.body().startsWith("Ok.")) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          stopProcess();
          throw new IllegalStateException(
              startFailure("it did not answer GET /ping within " + START_TIMEOUT_SECONDS + " s"));
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopProcess();
      throw new IllegalStateException(startFailure("interrupted while waiting for it"), e);
    }
  }

  private String startFailure(String why) {
    StringBuilder sb =
        new StringBuilder("managed clickhouse-server on ")
            .append(url())
            .append(" failed to start: ")
            .append(why)
            .append(" (data and logs under ")
            .append(dir)
            .append(')');
    for (String name : new String[] {"log/clickhouse-server.err.log", "log/stdout.log"}) {
      List<String> tail = tail(dir.resolve(name));
      if (!tail.isEmpty()) {
        sb.append("\n--- last lines of ")
            .append(dir.resolve(name))
            .append(" ---\n")
            .append(String.join("\n", tail));
      }
    }
    return sb.toString();
  }

  private static List<String> tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
    } catch (IOException | UncheckedIOException e) {
      return List.of();
    }
  }

  @Override
  public String toString() {
    return "ManagedClickHouse[" + url() + ", " + dir + "]";
  }
}
