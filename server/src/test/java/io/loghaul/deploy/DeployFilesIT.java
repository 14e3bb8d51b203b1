package io.loghaul.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.loghaul.config.ConfigLoader;
import io.loghaul.config.LoghaulConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart (deploy/helm/loghaul) and the compose file (deploy/compose.yaml), checked without
 * a cluster or a registry: the chart is linted and rendered by Helm 3 (helm-java) with its defaults
 * and with every optional part on, every rendered manifest is validated offline against Kubernetes'
 * schemas (npm kubernetes-models, deploy/helm/validate), and the rendered properties file, mounted
 * secret files and container arguments are loaded by loghaul's own {@link ConfigLoader} as {@code
 * loghaul run} would. The compose file is parsed by podman-compose (dry run), its Prometheus
 * configuration checked by promtool, and its loghaul settings loaded the same way.
 */
class DeployFilesIT {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path root;
  private static Path chart;

  /** Settings given in a values file: YAML numbers reach the templates as floats. */
  private static Path valuesFile;

  @TempDir Path tmp;

  @BeforeAll
  static void locate(@TempDir Path dir) throws Exception {
    root = Tools.repoRoot();
    chart = root.resolve("deploy/helm/loghaul");
    valuesFile = dir.resolve("values.yaml");
    Files.writeString(
        valuesFile,
        """
        config:
          batch.max-bytes: 33554432
          tracing.sample-ratio: 0.25
        """,
        UTF_8);
  }

  /** Every value of values.yaml that switches something on, plus secrets and extra settings. */
  private static TemplateCommand everythingOn(TemplateCommand template) {
    return template
        .withValuesFile(valuesFile)
        .set("autoscaling.enabled", "true")
        .set("serviceMonitor.enabled", "true")
        .set("prometheusRule.enabled", "true")
        .set("grafanaDashboard.enabled", "true")
        .set("secretFiles[0].setting", "clickhouse.password-file")
        .set("secretFiles[0].secretName", "clickhouse-credentials")
        .set("secretFiles[0].secretKey", "loghaul-password")
        .set("config.batch\\.max-rows", "50000")
        .set("config.kafka\\.topic-partitions", "12")
        .set("resources.memoryMiB", "4096")
        .set("resources.cpuLimit", "4");
  }

  private static List<JsonNode> render(UnaryOperator<TemplateCommand> values) throws Exception {
    String out =
        values.apply(new Helm(chart).template().withName("logs").withNamespace("obs")).call();
    List<JsonNode> manifests = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(out)) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) manifests.add(doc);
      }
    }
    return manifests;
  }

  private static JsonNode find(List<JsonNode> manifests, String kind) {
    return manifests.stream()
        .filter(m -> m.path("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
  }

  private static List<String> kinds(List<JsonNode> manifests) {
    return manifests.stream().map(m -> m.path("kind").asText()).toList();
  }

  @Test
  void lintsCleanly() {
    LintResult result = new Helm(chart).lint().strict().call();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void rendersTheDefaultsAndEveryOptionalPart() throws Exception {
    List<JsonNode> defaults = render(t -> t);
    List<JsonNode> all = render(DeployFilesIT::everythingOn);

    assertThat(kinds(defaults))
        .containsExactlyInAnyOrder(
            "ServiceAccount", "ConfigMap", "Service", "Deployment", "PodDisruptionBudget");
    assertThat(kinds(all))
        .containsExactlyInAnyOrder(
            "ServiceAccount",
            "ConfigMap",
            "ConfigMap",
            "Service",
            "Deployment",
            "PodDisruptionBudget",
            "HorizontalPodAutoscaler",
            "ServiceMonitor",
            "PrometheusRule");

    JsonNode pod = find(defaults, "Deployment").at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(container.at("/securityContext/capabilities/drop").toString())
        .isEqualTo("[\"ALL\"]");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(container.at("/resources/requests/memory"))
        .isEqualTo(container.at("/resources/limits/memory"));
    assertThat(container.at("/env/0/value").asText())
        .isEqualTo(
            "-XX:MaxRAMPercentage=50 -XX:MaxDirectMemorySize=512m -XX:+ExitOnOutOfMemoryError"
                + " -XX:+UseTransparentHugePages");
    assertThat(volumeMountPaths(container)).contains("/tmp");

    JsonNode allContainer = find(all, "Deployment").at("/spec/template/spec/containers/0");
    assertThat(allContainer.at("/env/0/value").asText()).contains("-XX:MaxDirectMemorySize=1024m");
    JsonNode noHugePages =
        find(render(t -> t.set("jvm.transparentHugePages", "false")), "Deployment")
            .at("/spec/template/spec/containers/0/env/0/value");
    assertThat(noHugePages.asText())
        .isEqualTo(
            "-XX:MaxRAMPercentage=50 -XX:MaxDirectMemorySize=512m -XX:+ExitOnOutOfMemoryError");
    assertThat(find(all, "Deployment").at("/spec/replicas").isMissingNode()).isTrue();
    // the rules and the dashboard are the repository's files, unchanged
    assertThat(YAML.readTree(root.resolve("deploy/prometheus/loghaul-rules.yml").toFile()))
        .isEqualTo(find(all, "PrometheusRule").get("spec"));
    JsonNode dashboard =
        all.stream()
            .filter(m -> m.at("/data/loghaul-dashboard.json").isTextual())
            .findFirst()
            .orElseThrow()
            .at("/data/loghaul-dashboard.json");
    assertThat(JSON.readTree(dashboard.asText()))
        .isEqualTo(JSON.readTree(root.resolve("deploy/grafana/loghaul-dashboard.json").toFile()));
  }

  /** A redaction rules file, as a setting or from a Secret, gives the JVM the Vector API. */
  @Test
  void aRulesFileAddsTheVectorApiToTheJvmOptions() throws Exception {
    String fromConfig =
        find(
                render(t -> t.set("config.redaction\\.rules-file", "/etc/rules/rules.yaml")),
                "Deployment")
            .at("/spec/template/spec/containers/0/env/0/value")
            .asText();
    String fromSecret =
        find(
                render(
                    t ->
                        t.set("secretFiles[0].setting", "redaction.rules-file")
                            .set("secretFiles[0].secretName", "redaction")
                            .set("secretFiles[0].secretKey", "rules.yaml")),
                "Deployment")
            .at("/spec/template/spec/containers/0/env/0/value")
            .asText();
    String otherSecret =
        find(render(DeployFilesIT::everythingOn), "Deployment")
            .at("/spec/template/spec/containers/0/env/0/value")
            .asText();

    assertThat(fromConfig).endsWith(" --add-modules=jdk.incubator.vector");
    assertThat(fromSecret).endsWith(" --add-modules=jdk.incubator.vector");
    assertThat(otherSecret).doesNotContain("incubator");
  }

  @Test
  void aConfigurationChangeRollsThePods() throws Exception {
    String before =
        find(render(t -> t), "Deployment")
            .at("/spec/template/metadata/annotations/checksum~1config")
            .asText();
    String after =
        find(render(t -> t.set("config.batch\\.max-rows", "7")), "Deployment")
            .at("/spec/template/metadata/annotations/checksum~1config")
            .asText();

    assertThat(before).hasSize(64).isNotEqualTo(after);
  }

  @Test
  void theSchemaRejectsUnknownAndMalformedValues() {
    assertThatThrownBy(() -> render(t -> t.set("replicas", "3"))).hasMessageContaining("replicas");
    assertThatThrownBy(() -> render(t -> t.set("kafka.bootstrapServers", "k:9092")))
        .hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> render(t -> t.set("resources.memoryMiB", "64")))
        .hasMessageContaining("memoryMiB");
    assertThatThrownBy(() -> render(t -> t.set("clickhouse.url", "clickhouse:8123")))
        .hasMessageContaining("url");
  }

  @Test
  void everyRenderedManifestMatchesKubernetesSchemas() throws Exception {
    Path validator = Validator.install();
    List<JsonNode> manifests = new ArrayList<>(render(t -> t));
    manifests.addAll(render(DeployFilesIT::everythingOn));

    Tools.Result ok = Validator.validate(validator, manifests, tmp);
    assertThat(ok.exit()).as(ok.output()).isZero();
    assertThat(ok.output()).contains(manifests.size() + " valid, 0 invalid");

    // the validator does catch a broken manifest
    JsonNode broken = find(manifests, "Deployment").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.at("/spec/template/spec/containers/0"))
        .remove("name");
    Tools.Result bad = Validator.validate(validator, List.of(broken), tmp);
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.output()).contains("must have required property 'name'".replace("'", ""));
  }

  @Test
  void theRenderedConfigurationIsOneLoghaulRunAccepts() throws Exception {
    LoghaulConfig config = loadAsThePodWould(render(DeployFilesIT::everythingOn));

    assertThat(config.kafka().bootstrap()).isEqualTo("kafka:9092");
    assertThat(config.clickhouse().url()).isEqualTo("http://clickhouse:8123");
    assertThat(config.clickhouse().password())
        .isEqualTo("stand-in for clickhouse-credentials/loghaul-password");
    assertThat(config.batch().maxRows()).isEqualTo(50_000);
    assertThat(config.kafka().topicPartitions()).isEqualTo(12);
    assertThat(config.batch().maxBytes()).isEqualTo(33_554_432L);
    assertThat(config.tracing().sampleRatio()).isEqualTo(0.25);
    assertThat(config.embeddedAllowed()).isFalse();
    assertThat(config.adminPort()).isEqualTo(9464);
    assertThat(config.otlp().grpcPort()).isEqualTo(4317);
    assertThat(config.otlp().httpPort()).isEqualTo(4318);
  }

  @Test
  void aPasswordGivenAsAValueBecomesASecretMountedAsAFile() throws Exception {
    List<JsonNode> manifests = render(t -> t.set("clickhouse.password", "s3cret"));

    assertThat(kinds(manifests)).contains("Secret");
    assertThat(find(manifests, "ConfigMap").toString()).doesNotContain("s3cret");
    assertThat(find(manifests, "Deployment").toString()).doesNotContain("s3cret");
    assertThat(loadAsThePodWould(manifests).clickhouse().password()).isEqualTo("s3cret");
  }

  /**
   * Lays the pod's files out under the temporary directory (the ConfigMap and the Secrets at their
   * mount paths), then loads the configuration from the container's arguments and environment, with
   * what the image sets, as {@code loghaul run} in the pod would.
   */
  private LoghaulConfig loadAsThePodWould(List<JsonNode> manifests) throws Exception {
    JsonNode pod = find(manifests, "Deployment").at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    Map<String, JsonNode> byVolume = new HashMap<>();
    pod.get("volumes").forEach(v -> byVolume.put(v.get("name").asText(), v));
    for (JsonNode mount : container.get("volumeMounts")) {
      JsonNode volume = byVolume.get(mount.get("name").asText());
      Path target = podPath(mount.get("mountPath").asText());
      if (volume.has("configMap")) {
        String data =
            find(manifests, "ConfigMap").at("/data/" + mount.get("subPath").asText()).asText();
        Files.createDirectories(target.getParent());
        Files.writeString(
            target, data.replace("=/etc/loghaul/", "=" + podPath("/etc/loghaul/") + "/"), UTF_8);
      } else if (volume.has("secret")) {
        Files.createDirectories(target);
        for (JsonNode item : volume.at("/secret/items")) {
          Files.writeString(
              target.resolve(item.get("path").asText()),
              secretValue(
                  manifests, volume.at("/secret/secretName").asText(), item.get("key").asText()),
              UTF_8);
        }
      }
    }
    List<String> args = new ArrayList<>();
    for (JsonNode arg : container.get("args")) {
      args.add(arg.asText().replace("=/etc/loghaul/", "=" + podPath("/etc/loghaul/") + "/"));
    }
    Map<String, String> env = new LinkedHashMap<>(Map.of("LOGHAUL_EMBEDDED_ALLOWED", "false"));
    for (JsonNode e : container.get("env")) {
      if (e.get("name").asText().startsWith("LOGHAUL_")) {
        env.put(e.get("name").asText(), e.get("value").asText());
      }
    }
    return ConfigLoader.load(args, env);
  }

  private Path podPath(String absolute) {
    return tmp.resolve("pod").resolve(absolute.substring(1));
  }

  private static List<String> volumeMountPaths(JsonNode container) {
    List<String> paths = new ArrayList<>();
    container.get("volumeMounts").forEach(m -> paths.add(m.get("mountPath").asText()));
    return paths;
  }

  /** A Secret's value: from a rendered Secret, or a stand-in for one the user creates. */
  private static String secretValue(List<JsonNode> manifests, String name, String key) {
    return manifests.stream()
        .filter(
            m ->
                m.path("kind").asText().equals("Secret")
                    && m.at("/metadata/name").asText().equals(name))
        .findFirst()
        .map(s -> new String(Base64.getDecoder().decode(s.at("/data/" + key).asText()), UTF_8))
        .orElse("stand-in for " + name + "/" + key);
  }

  @Test
  void theComposeFileParsesAndWiresTheStack() throws Exception {
    Path compose = root.resolve("deploy/compose.yaml");
    JsonNode file = YAML.readTree(compose.toFile());
    JsonNode services = file.get("services");
    assertThat(services.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("kafka", "clickhouse", "loghaul", "prometheus", "grafana");
    assertThat(services.at("/kafka/image").asText()).contains("apache/kafka:");
    assertThat(services.at("/kafka/environment/KAFKA_PROCESS_ROLES").asText())
        .isEqualTo("broker,controller");
    assertThat(services.at("/clickhouse/image").asText()).contains("clickhouse/clickhouse-server:");
    assertThat(services.at("/prometheus/image").asText()).contains("prom/prometheus:");
    assertThat(services.at("/grafana/image").asText()).contains("grafana/grafana:");
    assertThat(services.at("/loghaul/build/dockerfile").asText()).isEqualTo("deploy/Dockerfile");

    // loghaul's settings there are a configuration it accepts
    Map<String, String> env = new LinkedHashMap<>(Map.of("LOGHAUL_EMBEDDED_ALLOWED", "false"));
    services
        .at("/loghaul/environment")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    LoghaulConfig config = ConfigLoader.load(List.of(), env);
    assertThat(config.kafka().bootstrap()).isEqualTo("kafka:9092");
    assertThat(config.clickhouse().url()).isEqualTo("http://clickhouse:8123");

    // every bind-mounted file exists; Grafana's provider reads where the dashboard is mounted
    List<String> mounts = new ArrayList<>();
    for (String service : List.of("prometheus", "grafana")) {
      for (JsonNode volume : services.at("/" + service + "/volumes")) {
        String[] parts = volume.asText().split(":");
        assertThat(compose.getParent().resolve(parts[0])).exists();
        mounts.add(parts[1]);
      }
    }
    JsonNode provider =
        YAML.readTree(root.resolve("deploy/grafana/provisioning/dashboards/loghaul.yml").toFile());
    assertThat(mounts)
        .contains(provider.at("/providers/0/options/path").asText() + "/loghaul-dashboard.json");
    assertThat(services.at("/prometheus/command/0").asText())
        .isEqualTo("--config.file=/etc/prometheus/loghaul/prometheus.yml");
    assertThat(mounts).contains("/etc/prometheus/loghaul");

    // Prometheus loads the rules file next to its configuration (promtool is a suite tool)
    Tools.require(List.of("promtool"), List.of("prometheus"));
    Tools.Result check =
        Tools.run(
            root,
            Map.of(),
            Duration.ofMinutes(2),
            List.of("promtool", "check", "config", "deploy/prometheus/prometheus.yml"));
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 1 rule files found", "SUCCESS: 6 rules found");
  }

  @Test
  void podmanComposeAcceptsTheComposeFile() throws Exception {
    // the dry run still asks podman about volumes, which needs an OCI runtime
    Tools.require(
        List.of("podman", "runc", "podman-compose"), List.of("podman", "runc", "podman-compose"));
    String project = "loghaul-dryrun-" + ProcessHandle.current().pid();
    Map<String, String> env =
        Map.of("CONTAINERS_CONF", root.resolve("deploy/local/containers.conf").toString());
    try {
      Tools.Result result =
          Tools.run(
              root,
              env,
              Duration.ofMinutes(2),
              List.of(
                  "podman-compose",
                  "--dry-run",
                  "-p",
                  project,
                  "-f",
                  "deploy/compose.yaml",
                  "up",
                  "-d",
                  "--no-build"));
      assertThat(result.exit()).as(result.output()).isZero();
      assertThat(result.output())
          .contains(
              "docker.io/apache/kafka:",
              "docker.io/clickhouse/clickhouse-server:",
              "docker.io/prom/prometheus:",
              "docker.io/grafana/grafana:",
              "-e LOGHAUL_KAFKA_BOOTSTRAP=kafka:9092",
              "-p 4317:4317",
              "-p 4318:4318",
              "-p 9464:9464",
              "--config.file=/etc/prometheus/loghaul/prometheus.yml");
    } finally {
      // a dry run still creates the project's volumes and network
      for (String volume : List.of("kafka-data", "clickhouse-data")) {
        Tools.run(
            root,
            env,
            Duration.ofMinutes(1),
            List.of("podman", "volume", "rm", "-f", project + "_" + volume));
      }
      Tools.run(
          root,
          env,
          Duration.ofMinutes(1),
          List.of("podman", "network", "rm", "-f", project + "_default"));
    }
  }

  /** deploy/helm/validate installed (npm) under the cache directory. */
  private static final class Validator {
    static Path install() throws Exception {
      Tools.require(List.of("node", "npm"), List.of("nodejs", "npm"));
      Path source = root.resolve("deploy/helm/validate");
      Path dir = Tools.cacheDir().resolve("k8s-validate");
      Files.createDirectories(dir);
      byte[] packageJson = Files.readAllBytes(source.resolve("package.json"));
      Path stamp = dir.resolve("package.json.sha256");
      String digest =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(packageJson));
      Files.copy(
          source.resolve("validate.mjs"),
          dir.resolve("validate.mjs"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      if (!Files.exists(stamp)
          || !Files.readString(stamp).equals(digest)
          || !Files.isDirectory(dir.resolve("node_modules/kubernetes-models"))) {
        Files.write(dir.resolve("package.json"), packageJson);
        Tools.run(
                dir,
                Map.of(),
                Duration.ofMinutes(5),
                List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"))
            .orFail("npm install (deploy/helm/validate)");
        Files.writeString(stamp, digest);
      }
      return dir;
    }

    static Tools.Result validate(Path dir, List<JsonNode> manifests, Path tmp) throws Exception {
      ArrayNode array = JSON.createArrayNode();
      manifests.forEach(array::add);
      Path input = Files.createTempFile(tmp, "manifests", ".json");
      JSON.writeValue(input.toFile(), array);
      return Tools.run(
          dir, Map.of(), Duration.ofMinutes(2), List.of("node", "validate.mjs", input.toString()));
    }
  }
}
