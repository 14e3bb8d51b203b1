package io.loghaul.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testkit.FreePorts;
import io.loghaul.testkit.LoghaulProcess;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./loghaul run} with no Kafka or ClickHouse configured: embedded broker, managed
 * clickhouse-server.
 */
class EmbeddedDefaultsIT {
  @TempDir Path dir;

  @Test
  void runOnEmbeddedDefaultsTakesRecordsFromLogsIntoTheManagedClickHouse() throws Exception {
    int kafkaPort = FreePorts.freePort();
    int controllerPort = FreePorts.freePort();
    int chPort = FreePorts.freePort();
    List<String> flags =
        List.of(
            "--data.dir=" + dir.resolve("data"),
            "--kafka.embedded.port=" + kafkaPort,
            "--kafka.embedded.controller-port=" + controllerPort,
            "--clickhouse.managed.http-port=" + chPort,
            "--otlp.grpc.port=auto",
            "--otlp.http.port=auto");
    Path launcher = Path.of("").toAbsolutePath().getParent().resolve("loghaul");
    try (LoghaulProcess loghaul =
        LoghaulProcess.launcher(launcher).flags(flags).log(dir.resolve("loghaul.log")).start()) {
      loghaul.awaitReady(Duration.ofSeconds(120));
      assertThat(loghaul.port("otlp.grpc.port")).isPositive();
      assertThat(loghaul.port("otlp.http.port")).isPositive();
      assertThat(loghaul.logText())
          .contains("127.0.0.1:" + kafkaPort)
          .contains(":" + chPort)
          .contains("KRaft controller on 127.0.0.1:" + controllerPort)
          .contains(
              "OTLP/gRPC listening on 0.0.0.0:"
                  + loghaul.port("otlp.grpc.port")
                  + " (all interfaces)");
      assertThat(listeningOnlyOnLoopback(controllerPort))
          .as("controller bound to 127.0.0.1 only")
          .isTrue();
      assertQuietFirstRun(loghaul.logText());
      secondInstanceOnTheSameDataDirFailsAtOnce(loghaul);
      try (KafkaTestClient kafka = new KafkaTestClient("127.0.0.1:" + kafkaPort);
          ClickHouseHttpClient ch =
              new ClickHouseHttpClient(
                  "http://127.0.0.1:" + chPort, "default", "", Duration.ofSeconds(30))) {
        assertThat(kafka.topics()).contains("logs", "logs.dlq");
        long now = System.currentTimeMillis();
        for (int i = 0; i < 100; i++) {
          kafka.send("logs", null, LogRecords.valid(now, "embedded", i));
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ch.query("SELECT count() FROM default.logs").trim().equals("100"));
      }
      assertThat(loghaul.terminate(Duration.ofSeconds(60))).as("exit code after SIGTERM").isZero();
    }
    assertThat(Files.isDirectory(dir.resolve("data/kafka"))).isTrue();
    assertThat(Files.isDirectory(dir.resolve("data/clickhouse"))).isTrue();
    // the managed clickhouse-server stopped with loghaul
    await().atMost(Duration.ofSeconds(30)).until(() -> !listening(chPort));
  }

  /**
   * A second loghaul on the same data.dir (its own ports, so only the lock can stop it) exits
   * non-zero naming data.dir and the first one's pid, before its broker touches the first one's
   * metadata log; the first keeps serving (checked by the caller: ready, records land).
   */
  private void secondInstanceOnTheSameDataDirFailsAtOnce(LoghaulProcess first) throws Exception {
    List<String> flags =
        List.of(
            "--data.dir=" + dir.resolve("data"),
            "--kafka.embedded.port=" + FreePorts.freePort(),
            "--clickhouse.managed.http-port=" + FreePorts.freePort(),
            "--otlp.grpc.port=auto",
            "--otlp.http.port=auto");
    Path launcher = Path.of("").toAbsolutePath().getParent().resolve("loghaul");
    try (LoghaulProcess second =
        LoghaulProcess.launcher(launcher).flags(flags).log(dir.resolve("second.log")).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !second.isAlive());
      assertThat(second.exitValue()).as("second instance's exit code").isNotZero();
      assertThat(second.logText())
          .contains("data.dir: " + dir.resolve("data").toAbsolutePath().normalize())
          .contains("in use by another loghaul (pid " + first.pid())
          .doesNotContain("Kafka (embedded) listening")
          .doesNotContain("Exception");
    }
    assertThat(first.isAlive()).isTrue();
    first.awaitReady(Duration.ofSeconds(10));
  }

  /**
   * A fresh first run logs no warning and no stack trace: no JDK "WARNING:" lines (Unsafe, native
   * access), no WARN/ERROR from Kafka's bootstrap or anything else.
   */
  private static void assertQuietFirstRun(String log) {
    List<String> noisy =
        log.lines()
            .filter(
                l ->
                    l.startsWith("WARNING:")
                        || l.contains(" WARN ")
                        || l.contains(" ERROR ")
                        || l.startsWith("\tat ")
                        || l.contains("Exception"))
            .toList();
    assertThat(noisy).as("warnings or stack traces on a fresh first run").isEmpty();
  }

  /** Something listens on 127.0.0.1:port, and nothing answers on a non-loopback address. */
  private static boolean listeningOnlyOnLoopback(int port) throws Exception {
    if (!listening(port)) {
      return false;
    }
    for (java.net.NetworkInterface nic :
        java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      for (java.net.InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
        if (address.isLoopbackAddress() || address instanceof java.net.Inet6Address) {
          continue;
        }
        try (Socket s = new Socket()) {
          s.connect(new java.net.InetSocketAddress(address, port), 1_000);
          return false;
        } catch (java.io.IOException expected) {
          // refused: not bound there
        }
      }
    }
    return true;
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
