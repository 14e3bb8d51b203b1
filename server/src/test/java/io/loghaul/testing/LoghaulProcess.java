package io.loghaul.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * loghaul as a real child process (the packaged jar, or the {@code ./loghaul} launcher), so tests
 * can stop it with SIGTERM or kill it with SIGKILL. Output goes to a log file.
 */
public final class LoghaulProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private LoghaulProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code java -jar target/loghaul-server.jar run <flags>}. */
  public static LoghaulProcess startJar(Path logFile, List<String> flags) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx512m");
    cmd.add("-jar");
    cmd.add(Path.of("target", "loghaul-server.jar").toAbsolutePath().toString());
    cmd.add("run");
    cmd.addAll(flags);
    return start(cmd, logFile);
  }

  /** Starts {@code ./loghaul run <flags>} from the repository root. */
  public static LoghaulProcess startLauncher(Path logFile, List<String> flags) throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("loghaul").toString());
    cmd.add("run");
    cmd.addAll(flags);
    return start(cmd, logFile);
  }

  private static LoghaulProcess start(List<String> cmd, Path logFile) throws IOException {
    Files.createDirectories(logFile.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("LOGHAUL_"));
    return new LoghaulProcess(pb.start(), logFile);
  }

  /** Waits until the log shows the {@code ready} line; fails with the log tail if the process dies. */
  public void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (logText().lines().anyMatch(l -> l.endsWith(" ready") || l.equals("ready"))) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("loghaul exited with " + process.exitValue() + ":\n" + tail());
      }
      Thread.sleep(200);
    }
    throw new AssertionError("loghaul not ready after " + timeout + ":\n" + tail());
  }

  public String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  public String tail() throws IOException {
    List<String> lines = logText().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** SIGTERM, then waits for the exit code. */
  public int terminate(Duration timeout) throws Exception {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("loghaul did not stop within " + timeout + " after SIGTERM:\n" + tail());
    }
    return process.exitValue();
  }

  /** SIGKILL: a crash. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Process process() {
    return process;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
