package io.loghaul.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the command-line tools the deployment tests need (podman, podman-compose, npm), installing
 * missing Debian packages with apt-get when this process may (root), as {@code ./loghaul test}
 * does; a test whose tool cannot be had is skipped with a message that says so.
 */
final class Tools {
  private Tools() {}

  /** The repository root: the nearest directory above the working directory holding deploy/. */
  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("deploy")) && Files.exists(dir.resolve("loghaul"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "repository root not found above " + Path.of("").toAbsolutePath());
  }

  /** Where tests keep what outlives one run (base images' root file system, npm packages). */
  static Path cacheDir() {
    String configured = System.getenv("LOGHAUL_CACHE");
    return configured != null && !configured.isEmpty()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "loghaul");
  }

  /** What a finished command printed (stdout and stderr together) and its exit code. */
  record Result(int exit, String output) {
    Result orFail(String what) {
      if (exit != 0) {
        throw new AssertionError(what + " exited with " + exit + ":\n" + tail(output, 4000));
      }
      return this;
    }
  }

  static String tail(String text, int chars) {
    return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
  }

  /**
   * Runs {@code command} in {@code dir} with extra environment, output to a log file, until it
   * ends.
   */
  static Result run(Path dir, Map<String, String> env, Duration timeout, List<String> command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("loghaul-tool-", ".log");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish within "
                + timeout
                + ":\n"
                + tail(Files.readString(log, UTF_8), 4000));
      }
      return new Result(process.exitValue(), Files.readString(log, UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }

  /**
   * Makes sure every tool is on PATH, installing {@code packages} with apt-get when one is not;
   * skips the calling test (with the reason) when that is impossible.
   */
  static void require(List<String> tools, List<String> packages) throws Exception {
    if (tools.stream().allMatch(Tools::onPath)) return;
    Assumptions.assumeTrue(
        onPath("apt-get"),
        () -> "skipped: " + tools + " missing and apt-get not found (install " + packages + ")");
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        () -> "skipped: " + tools + " missing and not root to apt-get install " + packages);
    List<String> install =
        new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
    install.addAll(packages);
    Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
    Result result = run(Path.of("/"), env, Duration.ofMinutes(10), install);
    if (result.exit() != 0) {
      run(Path.of("/"), env, Duration.ofMinutes(5), List.of("apt-get", "update", "-q"));
      result = run(Path.of("/"), env, Duration.ofMinutes(10), install);
    }
    Result installed = result;
    Assumptions.assumeTrue(
        tools.stream().allMatch(Tools::onPath),
        () -> "skipped: could not install " + packages + ":\n" + tail(installed.output(), 2000));
  }
}
