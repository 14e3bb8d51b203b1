package io.loghaul.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * loghaul as a child process ({@code java -jar loghaul-server.jar run}, or the {@code ./loghaul}
 * launcher), for tests that stop it with SIGTERM or kill it with SIGKILL and for benchmarks that
 * measure it from outside. Its output goes to a log file.
 *
 * <p>The process learns nothing from its log: it is started with {@code --admin.port=auto} (unless
 * the flags name an admin port) and {@code --admin.ports-file}, and {@link #awaitReady} waits for
 * that file (every listener bound) and then for {@code GET /readyz} to answer 200 (Kafka and
 * ClickHouse reachable, the pipeline consuming). Give the OTLP ports as {@code auto} too and read
 * them with {@link #port}: nothing races for free ports.
 *
 * <p>{@code LOGHAUL_*} variables of the calling environment are not passed on, so the flags alone
 * decide the configuration. Not thread-safe.
 */
public final class LoghaulProcess implements AutoCloseable {
  /** Short: benchmarks start their clock when ready, and a poll costs next to nothing. */
  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

  private static final Duration READYZ_TIMEOUT = Duration.ofSeconds(2);
  private static final int TAIL_LINES = 40;

  private final Process process;
  private final Path log;
  private final Path portsFile;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(READYZ_TIMEOUT).build();
  private Map<String, Integer> ports;

  private LoghaulProcess(Process process, Path log, Path portsFile) {
    this.process = process;
    this.log = log;
    this.portsFile = portsFile;
  }

  /** {@code <this JVM's java> [jvm options] -jar jar run [flags]}. */
  public static Builder jar(Path jar) {
    requireNonNull(jar, "jar");
    return new Builder(jar, null);
  }

  /** {@code launcher run [flags]}: the repository's {@code ./loghaul} script. */
  public static Builder launcher(Path launcher) {
    requireNonNull(launcher, "launcher");
    return new Builder(null, launcher);
  }

  /** What to start; {@link #start()} starts it. */
  public static final class Builder {
    private final Path jar;
    private final Path launcher;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> flags = new ArrayList<>();
    private Path log;

    private Builder(Path jar, Path launcher) {
      this.jar = jar;
      this.launcher = launcher;
    }

    /**
     * JVM options before {@code -jar} (only for {@link #jar}; the launcher reads {@code
     * LOGHAUL_JAVA_OPTS}).
     */
    public Builder jvmOptions(List<String> options) {
      if (jar == null) {
        throw new IllegalStateException("jvmOptions: only for a jar (the launcher has its own)");
      }
      jvmOptions.addAll(options);
      return this;
    }

    /** {@code --key=value} settings after {@code run}. */
    public Builder flags(List<String> settings) {
      flags.addAll(settings);
      return this;
    }

    /**
     * Where stdout and stderr go (a new file each start); the ports file is written next to it.
     * Required.
     */
    public Builder log(Path file) {
      this.log = requireNonNull(file, "file");
      return this;
    }

    public LoghaulProcess start() throws IOException {
      if (log == null) {
        throw new IllegalStateException("log: not set (expected: a file for the output)");
      }
      Path dir = log.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path portsFile = dir.resolve(log.getFileName() + ".ports");
      Files.deleteIfExists(portsFile);
      List<String> cmd = new ArrayList<>();
      if (jar != null) {
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
      } else {
        cmd.add(launcher.toAbsolutePath().toString());
      }
      cmd.add("run");
      cmd.addAll(flags);
      if (flags.stream().noneMatch(f -> f.startsWith("--admin.port="))) {
        cmd.add("--admin.port=auto");
      }
      cmd.add("--admin.ports-file=" + portsFile);
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("LOGHAUL_"));
      return new LoghaulProcess(pb.start(), log, portsFile);
    }
  }

  /**
   * Waits until every listener is bound and {@code /readyz} answers 200; returns this.
   *
   * @throws IllegalStateException with the log's tail when the process exits first or is not ready
   *     in time (it keeps running then; {@link #close()} kills it)
   */
  public LoghaulProcess awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no ports file yet";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "loghaul exited with " + process.exitValue() + " before it was ready:\n" + tail());
      }
      if (ports == null) {
        ports = readPorts();
      }
      if (ports != null) {
        last = readyz();
        if (last.startsWith("200")) {
          return this;
        }
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    throw new IllegalStateException(
        "loghaul not ready after " + timeout + " (last: " + last + "):\n" + tail());
  }

  /** The ports file's content, or null while it is not written. */
  private Map<String, Integer> readPorts() {
    if (!Files.exists(portsFile)) {
      return null;
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(portsFile, UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      return null; // removed again: the process is stopping
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String key : props.stringPropertyNames()) {
      out.put(key, Integer.parseInt(props.getProperty(key).trim()));
    }
    return out;
  }

  /** {@code GET /readyz} as "status body", or why it could not be asked. */
  private String readyz() throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort() + "/readyz"))
            .timeout(READYZ_TIMEOUT)
            .GET()
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body().trim();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * The bound port of listener {@code key} ({@code admin.port}, {@code otlp.grpc.port}, {@code
   * otlp.http.port}), as the process wrote it.
   *
   * @throws IllegalStateException before {@link #awaitReady}, or for a listener that is off
   */
  public int port(String key) {
    if (ports == null) {
      throw new IllegalStateException("port: " + key + " (expected: after awaitReady)");
    }
    Integer port = ports.get(key);
    if (port == null) {
      throw new IllegalStateException(
          "port: " + key + " (expected: one of the running listeners " + ports.keySet() + ")");
    }
    return port;
  }

  /** The bound admin port ({@code /metrics}, {@code /healthz}, {@code /readyz}). */
  public int adminPort() {
    return port("admin.port");
  }

  public String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** The last lines of the log, for failure messages. */
  public String tail() {
    try {
      List<String> lines = logText().lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e + ")";
    }
  }

  /** SIGTERM, then waits for the exit code; SIGKILL and an exception after {@code timeout}. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "loghaul did not stop within " + timeout + " after SIGTERM:\n" + tail());
    }
    return process.exitValue();
  }

  /** SIGKILL (a crash), then waits up to 30 s for the process to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code; only once the process has exited. */
  public int exitValue() {
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** Kills the process if it still runs. */
  @Override
  public void close() throws InterruptedException {
    try {
      if (process.isAlive()) {
        kill();
      }
    } finally {
      http.close();
    }
  }
}
