package io.loghaul.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loghaul.LoghaulServer;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import io.loghaul.testkit.FreePorts;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real Prometheus server (Debian's package) scrapes a running loghaul every second and evaluates
 * deploy/prometheus/loghaul-rules.yml; sending bad records makes LoghaulParseErrorRateHigh fire, as
 * read back from Prometheus' HTTP API.
 */
class PrometheusAlertIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @RegisterExtension static final RealServers servers = new RealServers();
  private static Process prometheus;
  private static Path dir;
  private static int prometheusPort;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("loghaul-prometheus-");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      if (dir != null) {
        try (var s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static void startPrometheus(int adminPort) throws Exception {
    // the real rules with every `for:` cut to 1s, so the test need not wait out 10 minutes;
    // the expressions and thresholds are the shipped ones
    String rules =
        Files.readString(DeployFiles.path("prometheus/loghaul-rules.yml"), UTF_8)
            .replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 1s");
    Files.writeString(dir.resolve("rules.yml"), rules, UTF_8);
    Files.writeString(
        dir.resolve("prometheus.yml"),
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - rules.yml
        scrape_configs:
          - job_name: loghaul
            static_configs:
              - targets: ['127.0.0.1:%d']
        """
            .formatted(adminPort),
        UTF_8);
    prometheusPort = FreePorts.freePort();
    prometheus =
        new ProcessBuilder(
                List.of(
                    prometheusBinary(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + prometheusPort,
                    "--log.level=warn"))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> get("/-/ready").statusCode() == 200);
  }

  private static String prometheusBinary() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, "prometheus"))) {
        return Path.of(d, "prometheus").toString();
      }
    }
    throw new AssertionError(
        "prometheus not found on PATH: apt-get install prometheus (./loghaul test does)");
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  private static JsonNode query(String promql) throws Exception {
    JsonNode r =
        JSON.readTree(get("/api/v1/query?query=" + URLEncoder.encode(promql, UTF_8)).body());
    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("success");
    return r.path("data").path("result");
  }

  private static JsonNode firingAlert(String name, String errorType) throws Exception {
    JsonNode alerts = JSON.readTree(get("/api/v1/alerts").body()).path("data").path("alerts");
    for (JsonNode a : alerts) {
      if (a.path("labels").path("alertname").asText().equals(name)
          && a.path("labels").path("error_type").asText().equals(errorType)
          && a.path("state").asText().equals("firing")) {
        return a;
      }
    }
    return null;
  }

  @Test
  void badRecordsMakeTheParseErrorAlertFire() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--clickhouse.table=" + KafkaTestClient.uniqueName("t"))) {
      startPrometheus(loghaul.adminPort());
      // the counters exist (at 0) once the partitions are assigned: Prometheus must see them
      // before the errors, or rate() has nothing to compare with
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  query(
                              "log_parse_errors_total{source=\""
                                  + topic
                                  + "\",error_type=\"json_syntax\"}")
                          .size()
                      == 1);
      assertThat(firingAlert("LoghaulParseErrorRateHigh", "json_syntax")).isNull();

      for (int i = 0; i < 200; i++) {
        servers.kafkaClient().sendAsync(topic, null, ("{\"timestamp\":" + i + ",").getBytes(UTF_8));
      }
      servers.kafkaClient().flush();

      await()
          .atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> firingAlert("LoghaulParseErrorRateHigh", "json_syntax") != null);
      JsonNode alert = firingAlert("LoghaulParseErrorRateHigh", "json_syntax");
      assertThat(alert.path("labels").path("source").asText()).isEqualTo(topic);
      assertThat(alert.path("labels").path("severity").asText()).isEqualTo("warning");
      assertThat(alert.path("annotations").path("summary").asText())
          .contains(topic)
          .contains("json_syntax");
      assertThat(firingAlert("LoghaulParseErrorRateHigh", "missing_field"))
          .as("only the type that was sent")
          .isNull();
      assertThat(query("loghaul_ready{job=\"loghaul\"} == 1").size()).isEqualTo(1);
    }
  }
}
