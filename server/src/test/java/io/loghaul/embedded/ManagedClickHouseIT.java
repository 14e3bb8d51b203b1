package io.loghaul.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.testkit.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The managed clickhouse-server's lifecycle against the real binary. */
class ManagedClickHouseIT {
  @TempDir Path dir;

  @Test
  void doesNotOutliveAJvmKilledWithSigkill() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process jvm =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Child.class.getName(),
                    dir.toString(),
                    Integer.toString(FreePorts.freePort())))
            .redirectErrorStream(true)
            .start();
    long serverPid = -1;
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("PID ")) {
          serverPid = Long.parseLong(line.substring(4).strip());
          break;
        }
      }
      assertThat(serverPid).as("the child JVM started clickhouse-server").isPositive();
      assertThat(ProcessHandle.of(serverPid).map(ProcessHandle::isAlive)).contains(true);
    } finally {
      jvm.destroyForcibly(); // SIGKILL: no shutdown hooks run
      jvm.waitFor();
    }

    long pid = serverPid;
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE);
  }

  @Test
  void startsStopsAndRestartsOnTheSamePort() {
    int port = FreePorts.freePort();
    try (ManagedClickHouse ch = ManagedClickHouse.start(dir, port)) {
      assertThat(ch.url()).isEqualTo("http://127.0.0.1:" + port);
      assertThat(ch.isRunning()).isTrue();

      ch.stop();
      assertThat(ch.isRunning()).isFalse();
      ch.restart();

      assertThat(ch.isRunning()).isTrue();
      assertThat(ch.httpPort()).isEqualTo(port);
    }
  }

  @Test
  void backsTheServersMemoryWithHugePagesWhereTheKernelOffersThem() throws Exception {
    try (ManagedClickHouse ch = ManagedClickHouse.start(dir, FreePorts.freePort())) {
      Path proc = Path.of("/proc", Long.toString(ch.serverPid()));
      List<String> environment =
          List.of(Files.readString(proc.resolve("environ"), StandardCharsets.UTF_8).split("\0"));
      if (TransparentHugePages.offered() && System.getenv("MALLOC_CONF") == null) {
        assertThat(environment).contains("MALLOC_CONF=thp:always");
        // jemalloc honoured it: some of the server's anonymous memory is in 2 MiB pages
        assertThat(anonHugePagesKb(proc)).isPositive();
      } else {
        assertThat(environment).doesNotContain("MALLOC_CONF=thp:always");
      }
    }
  }

  private static long anonHugePagesKb(Path proc) throws Exception {
    return Files.readAllLines(proc.resolve("smaps_rollup")).stream()
        .filter(l -> l.startsWith("AnonHugePages:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
        .sum();
  }

  @Test
  void findsTheInstalledBinary() {
    assertThat(ClickHouseBinary.find()).isNotEqualTo(Optional.empty());
  }

  /** Runs in a separate JVM: starts a server, prints its pid, then waits to be killed. */
  static final class Child {
    public static void main(String[] args) throws Exception {
      ManagedClickHouse ch = ManagedClickHouse.start(Path.of(args[0]), Integer.parseInt(args[1]));
      System.out.println("PID " + ch.serverPid());
      System.out.flush();
      Thread.sleep(Duration.ofMinutes(10));
    }
  }
}
