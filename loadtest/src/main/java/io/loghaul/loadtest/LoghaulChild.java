package io.loghaul.loadtest;

import static io.loghaul.loadtest.BenchFiles.freePort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loghaul server started by a bench suite as a child JVM on embedded defaults: a fresh data
 * directory, an embedded Kafka broker and a managed clickhouse-server on free ports, GC logging to
 * a file, stdout and stderr to {@code loghaul.log} in the suite's output directory. Waits (up to
 * 120 s) for the server's {@code ready} line and checks that each asked OTLP listener is up.
 */
final class LoghaulChild {
  private static final long READY_TIMEOUT_SECONDS = 120;

  private LoghaulChild() {}

  /**
   * Starts loghaul and returns once it logged {@code ready}.
   *
   * @param grpcPort {@code otlp.grpc.port} (0 disables)
   * @param httpPort {@code otlp.http.port} (0 disables)
   * @throws IllegalStateException when the jar is missing, the server exits, is not ready within
   *     120 s, or an asked listener is not in its log
   */
  static Process start(Path serverJar, String jvmOpts, Path work, Path log, Path gcLog, int grpcPort, int httpPort,
      int adminPort) throws Exception {
    if (!Files.isRegularFile(serverJar)) {
      throw new IllegalStateException("loghaul server jar not found at " + serverJar + " (build it, or pass --server-jar)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.stream(jvmOpts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
    cmd.add("-Xlog:gc:file=" + gcLog + ":uptime");
    cmd.addAll(List.of("-jar", serverJar.toString(), "run",
        "--data.dir=" + work,
        "--kafka.embedded.port=" + freePort(),
        "--clickhouse.managed.http-port=" + freePort(),
        "--otlp.grpc.port=" + grpcPort,
        "--otlp.http.port=" + httpPort,
        "--admin.port=" + adminPort));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("loghaul exited during startup; see " + log);
      }
      String text = Files.readString(log);
      if (text.lines().anyMatch(l -> l.endsWith("ready"))) {
        checkListening(p, text, "OTLP/gRPC", grpcPort, log);
        checkListening(p, text, "OTLP/HTTP", httpPort, log);
        return p;
      }
      Thread.sleep(250);
    }
    p.destroyForcibly();
    throw new IllegalStateException("loghaul not ready within " + READY_TIMEOUT_SECONDS + " s; see " + log);
  }

  /** Stops the server: SIGTERM, then after 60 s SIGKILL. */
  static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  private static void checkListening(Process p, String log, String listener, int port, Path logFile) {
    if (port != 0 && log.lines().noneMatch(l -> l.contains(listener) && l.contains(":" + port))) {
      p.destroy();
      throw new IllegalStateException("loghaul started but does not listen for " + listener + " on " + port
          + " (is it wired into this build?); see " + logFile);
    }
  }
}
