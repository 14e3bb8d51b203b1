package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench otlp --tls --token} against a real loghaul (the server jar of this build, started on
 * embedded defaults with the generated certificate and tokens file): a short run at a low rate in
 * which every request is acknowledged, so the generator's TLS trust and bearer token are what the
 * server expects.
 */
class OtlpSuiteIT {
  @TempDir Path out;

  @Test
  void aTlsAndTokenRunAgainstARealLoghaulGetsEveryRequestAcknowledged() throws Exception {
    new OtlpSuite(
            Options.parse(
                "otlp",
                List.of(
                    "--tls",
                    "--token",
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
    // 50/s for 3 s plus one first request per connection, all OK
    assertThat(summary.at("/status_codes").size()).isEqualTo(1);
    assertThat(summary.at("/status_codes/OK").asLong()).isEqualTo(152);
    assertThat(summary.at("/ack_latency_ms/count").asLong()).isEqualTo(100);
    assertThat(Files.readString(out.resolve("loghaul.log"))).contains("otlp.tls.cert-file");
  }
}
