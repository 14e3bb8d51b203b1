package io.loghaul.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper against stand-in launchers (shell scripts), so no loghaul is needed. */
class LoghaulProcessTest {
  @TempDir Path dir;

  private Path script(String body) throws IOException {
    Path script = dir.resolve("fake-loghaul");
    Files.writeString(script, "#!/bin/sh\n" + body, UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void waitsForThePortsFileAndThenForReadyzToAnswer200() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    HttpServer admin =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    admin.createContext(
        "/readyz",
        ex -> {
          boolean ready = asked.incrementAndGet() >= 3;
          byte[] body = (ready ? "ready\n" : "not ready: pipeline not consuming\n").getBytes(UTF_8);
          ex.sendResponseHeaders(ready ? 200 : 503, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    admin.start();
    // writes the ports file as loghaul does (atomically), naming the test's admin server
    Path fake =
        script(
            """
        for a in "$@"; do
          case "$a" in
            --admin.ports-file=*) f="${a#--admin.ports-file=}" ;;
            --fake.admin=*) p="${a#--fake.admin=}" ;;
          esac
        done
        echo "args: $*"
        sleep 0.2
        printf 'otlp.grpc.port=4317\\nadmin.port=%s\\n' "$p" > "$f.tmp" && mv "$f.tmp" "$f"
        exec sleep 60
        """);
    try (LoghaulProcess p =
        LoghaulProcess.launcher(fake)
            .flags(List.of("--fake.admin=" + admin.getAddress().getPort(), "--otlp.grpc.port=auto"))
            .log(dir.resolve("loghaul.log"))
            .start()) {
      p.awaitReady(Duration.ofSeconds(30));

      assertThat(asked).hasValue(3);
      assertThat(p.adminPort()).isEqualTo(admin.getAddress().getPort());
      assertThat(p.port("otlp.grpc.port")).isEqualTo(4317);
      assertThat(p.logText())
          .contains(
              "args: run --fake.admin=",
              "--admin.port=auto",
              "--admin.ports-file=" + dir.resolve("loghaul.log.ports"));
      assertThatThrownBy(() -> p.port("otlp.http.port"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("otlp.http.port");
    } finally {
      admin.stop(0);
    }
  }

  @Test
  void failsWithTheExitCodeAndTheLogWhenTheProcessDiesFirst() throws Exception {
    Path fake =
        script("echo 'loghaul: configuration error: batch.max-rows: -1 (expected: > 0)'\nexit 2\n");

    try (LoghaulProcess p = LoghaulProcess.launcher(fake).log(dir.resolve("dead.log")).start()) {
      assertThatThrownBy(() -> p.awaitReady(Duration.ofSeconds(30)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exited with 2")
          .hasMessageContaining("batch.max-rows: -1 (expected: > 0)");
    }
  }

  @Test
  void givesUpAfterTheTimeoutWithTheLastAnswer() throws Exception {
    Path fake = script("echo starting\nexec sleep 60\n");

    try (LoghaulProcess p = LoghaulProcess.launcher(fake).log(dir.resolve("slow.log")).start()) {
      assertThatThrownBy(() -> p.awaitReady(Duration.ofMillis(500)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not ready after PT0.5S (last: no ports file yet)")
          .hasMessageContaining("starting");
      assertThat(p.isAlive()).isTrue();
    }
  }
}
