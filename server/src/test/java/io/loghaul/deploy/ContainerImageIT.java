package io.loghaul.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.testing.RealServers;
import io.loghaul.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * deploy/Dockerfile, built and run with podman: the image is built from the repository with base
 * images made locally from Debian packages (deploy/local/base-images.sh; no registry needed) and
 * runs with {@code --network=host} against the real Kafka and ClickHouse of {@link RealServers}.
 * Base images are made once and kept; the Maven repository of the build is a cache mount, so a
 * rebuild after a source change downloads nothing (docs/deploy.md has the timings).
 */
class ContainerImageIT {
  private static final String IMAGE = "localhost/loghaul:it";
  private static final String BUILD_BASE = "localhost/loghaul-build-base:bookworm";
  private static final String RUNTIME_BASE = "localhost/loghaul-runtime-base:bookworm";
  private static final int IMAGE_UID = 10001;

  @RegisterExtension static final RealServers servers = new RealServers();

  private static Path root;
  private static Map<String, String> env;
  private static final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void buildImage() throws Exception {
    Tools.require(
        List.of("podman", "runc", "debootstrap"),
        List.of("podman", "buildah", "runc", "netavark", "aardvark-dns", "debootstrap"));
    root = Tools.repoRoot();
    // runc: crun refuses hybrid cgroup layouts; fixed ulimits: they cannot be raised on CI machines
    env = Map.of("CONTAINERS_CONF", root.resolve("deploy/local/containers.conf").toString());
    podman(Duration.ofMinutes(15), List.of("bash", "deploy/local/base-images.sh"))
        .orFail("deploy/local/base-images.sh");
    long start = System.nanoTime();
    podman(
            Duration.ofMinutes(20),
            List.of(
                "podman",
                "build",
                "--network=host",
                "-f",
                "deploy/Dockerfile",
                "--build-arg",
                "BUILD_IMAGE=" + BUILD_BASE,
                "--build-arg",
                "RUNTIME_IMAGE=" + RUNTIME_BASE,
                "-t",
                IMAGE,
                "."))
        .orFail("podman build");
    System.out.printf(
        "podman build of deploy/Dockerfile took %d s%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
  }

  @AfterAll
  static void removeContainers() throws Exception {
    for (String name : containers) {
      podman(Duration.ofMinutes(1), List.of("podman", "rm", "-f", "-t", "0", name));
    }
  }

  private static Tools.Result podman(Duration timeout, List<String> command) throws Exception {
    return Tools.run(root, env, timeout, command);
  }

  private static String name(String prefix) {
    String name = prefix + "-" + ProcessHandle.current().pid() + "-" + containers.size();
    containers.add(name);
    return name;
  }

  @Test
  void runsAsAFixedNonRootUserWithTheDocumentedPortsAndEntrypoint() throws Exception {
    String inspect =
        podman(
                Duration.ofMinutes(1),
                List.of(
                    "podman",
                    "image",
                    "inspect",
                    "--format",
                    "{{.Config.User}}|{{json .Config.ExposedPorts}}|{{json .Config.Entrypoint}}",
                    IMAGE))
            .orFail("podman image inspect")
            .output()
            .trim();

    assertThat(inspect)
        .startsWith(IMAGE_UID + ":" + IMAGE_UID + "|")
        .contains("\"4317/tcp\"", "\"4318/tcp\"", "\"9464/tcp\"")
        .contains("\"-jar\",\"/opt/loghaul/loghaul-server.jar\",\"run\"]");
  }

  @Test
  void refusesTheEmbeddedModeWithoutKafkaAndClickHouse() throws Exception {
    Tools.Result result = runWithoutBackends("loghaul-noconfig");

    assertThat(result.exit()).as(result.output()).isEqualTo(2);
    assertThat(result.output())
        .contains("production mode needs both kafka.bootstrap and clickhouse.url")
        .doesNotContain("Kafka (embedded)", "ClickHouse (managed)");
  }

  /** The chart adds the Vector API (the redaction prefilter's) when a rules file is configured. */
  @Test
  void theRuntimeHasTheVectorApiForRedaction() throws Exception {
    Tools.Result result =
        runWithoutBackends(
            "loghaul-vector", "-e", "JDK_JAVA_OPTIONS=--add-modules=jdk.incubator.vector");

    assertThat(result.exit()).as(result.output()).isEqualTo(2);
    assertThat(result.output())
        .contains("Using incubator modules: jdk.incubator.vector")
        .contains("production mode needs both kafka.bootstrap and clickhouse.url");
  }

  /** Runs the image with no Kafka and no ClickHouse configured: it stops at the configuration. */
  private static Tools.Result runWithoutBackends(String container, String... podmanOptions)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of("podman", "run", "--rm", "--network=host", "--name", name(container)));
    cmd.addAll(List.of(podmanOptions));
    cmd.add(IMAGE);
    cmd.add("--admin.port=" + FreePorts.freePort());
    return podman(Duration.ofMinutes(2), cmd);
  }

  @Test
  void ingestsOtlpIntoClickHouseAndStopsCleanlyOnSigterm() throws Exception {
    String table = "container_logs";
    String topic = "container-logs";
    String group = "container-it";
    int grpcPort = FreePorts.freePort();
    int httpPort = FreePorts.freePort();
    int adminPort = FreePorts.freePort();
    String name = name("loghaul-it");
    podman(
            Duration.ofMinutes(2),
            List.of(
                "podman",
                "run",
                "-d",
                "--network=host",
                "--name",
                name,
                "--memory=1g",
                "-e",
                "LOGHAUL_KAFKA_BOOTSTRAP=" + servers.bootstrap(),
                "-e",
                "LOGHAUL_CLICKHOUSE_URL=" + servers.clickhouse().url(),
                IMAGE,
                "--kafka.topics=" + topic,
                "--kafka.ingest-topic=" + topic,
                "--kafka.dlq-topic=" + topic + ".dlq",
                "--kafka.group=" + group,
                "--kafka.topic-partitions=2",
                "--clickhouse.table=" + table,
                "--batch.max-delay-ms=200",
                "--otlp.grpc.port=" + grpcPort,
                "--otlp.http.port=" + httpPort,
                "--admin.port=" + adminPort))
        .orFail("podman run");

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(running(name)).as(() -> logs(name)).isTrue();
              assertThat(get(http, "http://127.0.0.1:" + adminPort + "/readyz").statusCode())
                  .isEqualTo(200);
            });

    // the JVM (PID 1 of the container) runs as the image's non-root user
    String pid =
        podman(
                Duration.ofMinutes(1),
                List.of("podman", "inspect", "--format", "{{.State.Pid}}", name))
            .orFail("podman inspect")
            .output()
            .trim();
    String status = Files.readString(Path.of("/proc", pid, "status"), UTF_8);
    assertThat(status).containsPattern("(?m)^Uid:\\s+" + IMAGE_UID + "\\s+" + IMAGE_UID + "\\s");
    assertThat(Files.readString(Path.of("/proc", pid, "cmdline"), UTF_8))
        .startsWith("/opt/loghaul/jre/bin/java");

    int records = 25;
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/logs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(otlpJson(records)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(300))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(servers.count(table)).isEqualTo(records));
    assertThat(
            servers.query(
                "SELECT count() FROM "
                    + table
                    + " WHERE service_name = 'container-it' AND message LIKE 'from the container %'"))
        .isEqualTo(String.valueOf(records));

    // podman stop sends SIGTERM (the image's default stop signal) and waits
    podman(Duration.ofMinutes(2), List.of("podman", "stop", "-t", "60", name))
        .orFail("podman stop");
    String exit =
        podman(
                Duration.ofMinutes(1),
                List.of("podman", "inspect", "--format", "{{.State.ExitCode}}", name))
            .orFail("podman inspect")
            .output()
            .trim();
    assertThat(exit).as(() -> logs(name)).isEqualTo("0");

    Map<TopicPartition, Long> committed = servers.kafkaClient().committed(group);
    Map<TopicPartition, Long> end = servers.kafkaClient().endOffsets(topic, 2);
    assertThat(end.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(records);
    end.forEach(
        (partition, offset) ->
            assertThat(committed.getOrDefault(partition, 0L))
                .as("committed " + partition)
                .isEqualTo(offset));
    assertThat(logs(name)).contains("ready").doesNotContain("Kafka (embedded)");
  }

  private static boolean running(String name) throws Exception {
    return podman(
            Duration.ofMinutes(1),
            List.of("podman", "inspect", "--format", "{{.State.Running}}", name))
        .output()
        .trim()
        .equals("true");
  }

  private static String logs(String name) {
    try {
      return Tools.tail(
          podman(Duration.ofMinutes(1), List.of("podman", "logs", name)).output(), 6000);
    } catch (Exception e) {
      return "(no logs: " + e + ")";
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** An OTLP/JSON logs request with {@code n} records of service "container-it". */
  private static String otlpJson(int n) {
    long now = System.currentTimeMillis() * 1_000_000L;
    StringBuilder records = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) records.append(',');
      records
          .append("{\"timeUnixNano\":\"")
          .append(now + i)
          .append("\",\"severityText\":\"INFO\",")
          .append("\"body\":{\"stringValue\":\"from the container ")
          .append(i)
          .append("\"}}");
    }
    return "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
        + "\"value\":{\"stringValue\":\"container-it\"}}]},\"scopeLogs\":[{\"logRecords\":["
        + records
        + "]}]}]}";
  }
}
