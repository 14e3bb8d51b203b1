package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench otlp} against a real loghaul (the server jar of this build, started with the
 * generated certificate and tokens file): short runs at a low rate in which every request is
 * acknowledged, so the generator's TLS trust and bearer token are what the server expects, and
 * {@code --broker=process} really runs loghaul against a broker in a process of its own. One run
 * covers both (the servers start once).
 */
class OtlpSuiteIT {
  @TempDir Path out;

  @Test
  void aTlsAndTokenRunOfTwoShapesAgainstLoghaulWithItsOwnBrokerProcessGetsEveryRequestAcknowledged()
      throws Exception {
    new OtlpSuite(
            Options.parse(
                "otlp",
                List.of(
                    "--tls",
                    "--token",
                    "--broker=process",
                    "--records-per-request=1,3",
                    "--rate=50",
                    "--warmup=1s",
                    "--duration=2s",
                    "--concurrency=10",
                    "--channels=2",
                    "--server-jar=" + Path.of("..", "server", "target", "loghaul-server.jar"),
                    "--out=" + out),
                OtlpSuite.OPTIONS))
        .run();
    JsonNode summary = Summary.JSON.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.at("/config/security").asText()).isEqualTo("tls+token");
    assertThat(summary.at("/shapes").size()).isEqualTo(2);
    for (int i = 0; i < 2; i++) {
      JsonNode shape = summary.at("/shapes/" + i);
      assertThat(shape.at("/records_per_request").asInt()).isEqualTo(i == 0 ? 1 : 3);
      // 50/s for 3 s plus one first request per connection, all OK
      assertThat(shape.at("/status_codes").size()).isEqualTo(1);
      assertThat(shape.at("/status_codes/OK").asLong()).isEqualTo(152);
      assertThat(shape.at("/ack_latency_ms/count").asLong()).isEqualTo(100);
      assertThat(shape.at("/server/broker_cpu_us_per_request").isNumber()).isTrue();
      assertThat(shape.at("/server/gc_pause_ms/count").isInt()).isTrue();
    }
    String log = Files.readString(out.resolve("loghaul.log"));
    assertThat(log).contains("otlp.tls.cert-file");
    // loghaul used the broker process, not one of its own
    String bootstrap =
        Files.readAllLines(out.resolve("broker.log")).stream()
            .filter(l -> l.startsWith(BrokerProcess.READY))
            .findFirst()
            .orElseThrow()
            .substring(BrokerProcess.READY.length());
    assertThat(log).contains("kafka.bootstrap=" + bootstrap + ",");
    assertThat(Files.exists(out.resolve("records-3").resolve("summary.md"))).isTrue();
  }
}
