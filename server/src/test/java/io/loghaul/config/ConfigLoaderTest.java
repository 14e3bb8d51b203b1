package io.loghaul.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loghaul.ingest.ListenerLimits;
import io.loghaul.schema.SchemaLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  /**
   * The keys of docs/configuration.md#keys (but clickhouse.password-file), with defaults as
   * effective() shows them.
   */
  private static final Map<String, String> SPEC_DEFAULTS = new LinkedHashMap<>();

  static {
    SPEC_DEFAULTS.put("data.dir", "./data");
    SPEC_DEFAULTS.put("embedded.allowed", "true");
    SPEC_DEFAULTS.put("kafka.bootstrap", "(unset)");
    SPEC_DEFAULTS.put("kafka.embedded.port", "9092");
    SPEC_DEFAULTS.put("kafka.embedded.controller-port", "(unset)");
    SPEC_DEFAULTS.put("kafka.topics", "logs");
    SPEC_DEFAULTS.put("kafka.ingest-topic", "logs");
    SPEC_DEFAULTS.put("kafka.dlq-topic", "logs.dlq");
    SPEC_DEFAULTS.put("kafka.group", "loghaul");
    SPEC_DEFAULTS.put("kafka.create-topics", "true");
    SPEC_DEFAULTS.put("kafka.topic-partitions", "8");
    SPEC_DEFAULTS.put("kafka.security.protocol", "PLAINTEXT");
    SPEC_DEFAULTS.put("kafka.sasl.mechanism", "(unset)");
    SPEC_DEFAULTS.put("kafka.sasl.username", "(unset)");
    SPEC_DEFAULTS.put("kafka.sasl.password", "(unset)");
    SPEC_DEFAULTS.put("kafka.tls.ca-file", "(unset)");
    SPEC_DEFAULTS.put("kafka.tls.cert-file", "(unset)");
    SPEC_DEFAULTS.put("kafka.tls.key-file", "(unset)");
    SPEC_DEFAULTS.put("clickhouse.url", "(unset)");
    SPEC_DEFAULTS.put("clickhouse.managed.http-port", "8123");
    SPEC_DEFAULTS.put("clickhouse.user", "default");
    SPEC_DEFAULTS.put("clickhouse.password", "");
    SPEC_DEFAULTS.put("clickhouse.database", "default");
    SPEC_DEFAULTS.put("clickhouse.table", "logs");
    SPEC_DEFAULTS.put("clickhouse.cluster", "(unset)");
    SPEC_DEFAULTS.put("clickhouse.create-table", "true");
    SPEC_DEFAULTS.put("clickhouse.insert-timeout-ms", "(unset)");
    SPEC_DEFAULTS.put("clickhouse.tls.ca-file", "(unset)");
    SPEC_DEFAULTS.put("clickhouse.tls.cert-file", "(unset)");
    SPEC_DEFAULTS.put("clickhouse.tls.key-file", "(unset)");
    SPEC_DEFAULTS.put("batch.max-rows", "100000");
    // 48 MiB of compressed rows since batches are held compressed (issue 15):
    // 100,000-row batches, ClickHouse's parts, in about the memory 16 MiB of raw rows took
    SPEC_DEFAULTS.put("batch.max-bytes", "50331648");
    SPEC_DEFAULTS.put("batch.max-delay-ms", "1000");
    SPEC_DEFAULTS.put("schema.max-record-bytes", "1048576");
    SPEC_DEFAULTS.put("schema.max-service-name-bytes", "256");
    SPEC_DEFAULTS.put("schema.max-message-bytes", "65536");
    SPEC_DEFAULTS.put("schema.max-attributes", "128");
    SPEC_DEFAULTS.put("schema.max-attribute-key-bytes", "256");
    SPEC_DEFAULTS.put("schema.max-attribute-value-bytes", "16384");
    SPEC_DEFAULTS.put("schema.max-depth", "8");
    SPEC_DEFAULTS.put("schema.max-age-seconds", "604800");
    SPEC_DEFAULTS.put("schema.max-future-seconds", "900");
    SPEC_DEFAULTS.put("otlp.grpc.port", "4317");
    SPEC_DEFAULTS.put("otlp.http.port", "4318");
    SPEC_DEFAULTS.put("otlp.grpc.host", "0.0.0.0");
    SPEC_DEFAULTS.put("otlp.http.host", "0.0.0.0");
    SPEC_DEFAULTS.put("otlp.max-request-bytes", "16777216");
    SPEC_DEFAULTS.put("otlp.max-inflight-bytes", "67108864");
    SPEC_DEFAULTS.put("otlp.dead-letter-rejected", "true");
    SPEC_DEFAULTS.put("otlp.max-connections", "4096");
    SPEC_DEFAULTS.put("otlp.max-header-bytes", "8192");
    SPEC_DEFAULTS.put("otlp.http.header-timeout-ms", "10000");
    SPEC_DEFAULTS.put("otlp.http.body-timeout-ms", "60000");
    SPEC_DEFAULTS.put("otlp.http.idle-timeout-ms", "60000");
    SPEC_DEFAULTS.put("otlp.grpc.max-concurrent-streams", "256");
    SPEC_DEFAULTS.put("otlp.grpc.min-ping-interval-ms", "10000");
    SPEC_DEFAULTS.put("otlp.grpc.max-connection-idle-ms", "300000");
    SPEC_DEFAULTS.put("otlp.grpc.max-connection-age-ms", "1800000");
    SPEC_DEFAULTS.put("otlp.grpc.max-connection-age-grace-ms", "30000");
    SPEC_DEFAULTS.put("otlp.tls.cert-file", "(unset)");
    SPEC_DEFAULTS.put("otlp.tls.key-file", "(unset)");
    SPEC_DEFAULTS.put("otlp.tls.client-ca-file", "(unset)");
    SPEC_DEFAULTS.put("otlp.tls.min-version", "TLSv1.2");
    SPEC_DEFAULTS.put("otlp.auth.tokens-file", "(unset)");
    SPEC_DEFAULTS.put("otlp.tenant.max-records-per-second", "0");
    SPEC_DEFAULTS.put("admin.port", "9464");
    SPEC_DEFAULTS.put("admin.host", "0.0.0.0");
    SPEC_DEFAULTS.put("admin.ports-file", "(unset)");
    SPEC_DEFAULTS.put("tracing.otlp-endpoint", "(unset)");
    SPEC_DEFAULTS.put("tracing.sample-ratio", "1.0");
    SPEC_DEFAULTS.put("redaction.rules-file", "(unset)");
    SPEC_DEFAULTS.put("redaction.hash-key-file", "(unset)");
    SPEC_DEFAULTS.put("redaction.dead-letters", "false");
  }

  /** A non-default value for every key, and how effective() shows it once loaded. */
  private static final Map<String, List<String>> SAMPLES = new LinkedHashMap<>();

  static {
    SAMPLES.put("data.dir", List.of("/var/lib/loghaul", "/var/lib/loghaul"));
    SAMPLES.put("kafka.bootstrap", List.of("k1:9092, k2:9093", "k1:9092,k2:9093"));
    SAMPLES.put("kafka.embedded.port", List.of("19092", "19092"));
    SAMPLES.put("kafka.embedded.controller-port", List.of("19094", "19094"));
    SAMPLES.put("kafka.topics", List.of("a, b.c ,d_e", "a,b.c,d_e"));
    SAMPLES.put("kafka.ingest-topic", List.of("otlp-in", "otlp-in"));
    SAMPLES.put("kafka.dlq-topic", List.of("dead.letters", "dead.letters"));
    SAMPLES.put("kafka.group", List.of("g2", "g2"));
    SAMPLES.put("kafka.create-topics", List.of("false", "false"));
    SAMPLES.put("clickhouse.insert-timeout-ms", List.of("30000", "30000"));
    SAMPLES.put("kafka.topic-partitions", List.of("3", "3"));
    SAMPLES.put(
        "clickhouse.url",
        List.of(
            "https://ch.example:8443/, http://ch2:8123",
            "https://ch.example:8443,http://ch2:8123"));
    SAMPLES.put("clickhouse.managed.http-port", List.of("18123", "18123"));
    SAMPLES.put("clickhouse.user", List.of("writer", "writer"));
    SAMPLES.put("clickhouse.password", List.of("s3cret pass", "***"));
    SAMPLES.put("clickhouse.database", List.of("obs_2", "obs_2"));
    SAMPLES.put("clickhouse.table", List.of("_app_logs", "_app_logs"));
    SAMPLES.put("clickhouse.create-table", List.of("false", "false"));
    SAMPLES.put("clickhouse.cluster", List.of("logs_cluster", "logs_cluster"));
    SAMPLES.put("batch.max-rows", List.of("5000", "5000"));
    SAMPLES.put("batch.max-bytes", List.of("4294967296", "4294967296"));
    SAMPLES.put("batch.max-delay-ms", List.of("250", "250"));
    SAMPLES.put("schema.max-record-bytes", List.of("2097152", "2097152"));
    SAMPLES.put("schema.max-service-name-bytes", List.of("64", "64"));
    SAMPLES.put("schema.max-message-bytes", List.of("1024", "1024"));
    SAMPLES.put("schema.max-attributes", List.of("16", "16"));
    SAMPLES.put("schema.max-attribute-key-bytes", List.of("32", "32"));
    SAMPLES.put("schema.max-attribute-value-bytes", List.of("512", "512"));
    SAMPLES.put("schema.max-depth", List.of("2", "2"));
    SAMPLES.put("schema.max-age-seconds", List.of("3600", "3600"));
    SAMPLES.put("schema.max-future-seconds", List.of("60", "60"));
    SAMPLES.put("otlp.grpc.port", List.of("0", "0"));
    SAMPLES.put("otlp.http.port", List.of("14318", "14318"));
    SAMPLES.put("otlp.grpc.host", List.of("127.0.0.1", "127.0.0.1"));
    SAMPLES.put("otlp.http.host", List.of("::1", "::1"));
    SAMPLES.put("otlp.max-request-bytes", List.of("1048576", "1048576"));
    SAMPLES.put("otlp.max-inflight-bytes", List.of("1000", "1000"));
    SAMPLES.put("otlp.dead-letter-rejected", List.of("false", "false"));
    SAMPLES.put("otlp.max-connections", List.of("100", "100"));
    SAMPLES.put("otlp.max-header-bytes", List.of("16384", "16384"));
    SAMPLES.put("otlp.http.header-timeout-ms", List.of("2000", "2000"));
    SAMPLES.put("otlp.http.body-timeout-ms", List.of("5000", "5000"));
    SAMPLES.put("otlp.http.idle-timeout-ms", List.of("7000", "7000"));
    SAMPLES.put("otlp.grpc.max-concurrent-streams", List.of("10", "10"));
    SAMPLES.put("otlp.grpc.min-ping-interval-ms", List.of("60000", "60000"));
    SAMPLES.put("otlp.grpc.max-connection-idle-ms", List.of("1000", "1000"));
    SAMPLES.put("otlp.grpc.max-connection-age-ms", List.of("0", "0"));
    SAMPLES.put("otlp.grpc.max-connection-age-grace-ms", List.of("1", "1"));
    SAMPLES.put("admin.port", List.of("19464", "19464"));
    SAMPLES.put("admin.host", List.of("localhost", "localhost"));
    SAMPLES.put("admin.ports-file", List.of("/run/loghaul/ports", "/run/loghaul/ports"));
    SAMPLES.put("tracing.otlp-endpoint", List.of("http://collector:4318", "http://collector:4318"));
    SAMPLES.put("tracing.sample-ratio", List.of("0.25", "0.25"));
    SAMPLES.put(
        "redaction.rules-file",
        List.of("/etc/loghaul/redaction.yaml", "/etc/loghaul/redaction.yaml"));
    SAMPLES.put(
        "redaction.hash-key-file", List.of("/run/secrets/hash-key", "/run/secrets/hash-key"));
    SAMPLES.put("redaction.dead-letters", List.of("true", "true"));
  }

  @TempDir Path dir;

  private static LoghaulConfig load(List<String> args, Map<String, String> env)
      throws ConfigException {
    return ConfigLoader.load(args, env);
  }

  private Path file(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, UTF_8);
    return file;
  }

  static Stream<String> shownKeys() {
    return SAMPLES.keySet().stream();
  }

  @Test
  void knowsExactlyTheSpecKeysPlusPasswordFile() {
    assertThat(ConfigLoader.keys())
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(
                    SPEC_DEFAULTS.keySet().stream(),
                    Stream.of("clickhouse.password-file", "kafka.sasl.password-file"))
                .toList());
  }

  @Test
  void lowersTheDefaultBatchMaxBytesToWhatTheHeapHoldsButKeepsAGivenValue() throws Exception {
    // a 256 MiB heap holds batches of 25794969 bytes
    assertThat(ConfigLoader.load(List.of(), Map.of(), 25_794_969).batch().maxBytes())
        .isEqualTo(25_794_969);
    assertThat(ConfigLoader.load(List.of(), Map.of(), 1L << 30).batch().maxBytes())
        .isEqualTo(LoghaulConfig.Batch.DEFAULT_MAX_BYTES);
    assertThat(ConfigLoader.load(List.of(), Map.of(), 0).batch().maxBytes()).isEqualTo(1L << 20);
    // given: kept as it is, for the heap check to refuse
    assertThat(
            ConfigLoader.load(List.of("--batch.max-bytes=33554432"), Map.of(), 25_794_969)
                .batch()
                .maxBytes())
        .isEqualTo(33_554_432);
    assertThat(
            ConfigLoader.load(List.of(), Map.of("LOGHAUL_BATCH_MAX_BYTES", "50331648"), 1 << 20)
                .batch()
                .maxBytes())
        .isEqualTo(50_331_648);
  }

  @Test
  void usesTheSpecDefaultsWhenNothingIsGiven() throws Exception {
    LoghaulConfig config = load(List.of(), Map.of());

    assertThat(ConfigLoader.effective(config)).containsExactlyEntriesOf(SPEC_DEFAULTS);
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.kafka())
        .isEqualTo(
            new LoghaulConfig.Kafka(
                null,
                9092,
                null,
                List.of("logs"),
                "logs",
                "logs.dlq",
                "loghaul",
                true,
                8,
                LoghaulConfig.KafkaSecurity.NONE));
    assertThat(config.kafka().embedded()).isTrue();
    assertThat(config.clickhouse())
        .isEqualTo(
            new LoghaulConfig.ClickHouse(null, 8123, "default", "", "default", "logs", true, null));
    assertThat(config.clickhouse().insertTimeout(config.batch().maxBytes()))
        .isEqualTo(Duration.ofSeconds(53));
    assertThat(config.clickhouse().managed()).isTrue();
    assertThat(config.batch()).isEqualTo(new LoghaulConfig.Batch(100_000, 50_331_648, 1000));
    assertThat(config.schema()).isEqualTo(SchemaLimits.defaults());
    assertThat(config.otlp())
        .isEqualTo(
            new LoghaulConfig.Otlp(
                "0.0.0.0",
                4317,
                "0.0.0.0",
                4318,
                16_777_216,
                67_108_864,
                ListenerLimits.DEFAULTS,
                true,
                null,
                null,
                0));
    assertThat(config.adminPort()).isEqualTo(9464);
    assertThat(config.tracing()).isEqualTo(new LoghaulConfig.Tracing(null, 1.0));
  }

  @ParameterizedTest
  @MethodSource("shownKeys")
  void setsEveryKeyFromTheCommandLine(String key) throws Exception {
    LoghaulConfig config = load(List.of("--" + key + "=" + SAMPLES.get(key).get(0)), Map.of());

    assertOnlyKeyChanged(config, key);
  }

  @ParameterizedTest
  @MethodSource("shownKeys")
  void setsEveryKeyFromTheEnvironment(String key) throws Exception {
    LoghaulConfig config =
        load(List.of(), Map.of(ConfigLoader.envName(key), SAMPLES.get(key).get(0)));

    assertOnlyKeyChanged(config, key);
  }

  @ParameterizedTest
  @MethodSource("shownKeys")
  void setsEveryKeyFromTheConfigFile(String key) throws Exception {
    Path file =
        file("loghaul.properties", "# test\n" + key + " = " + SAMPLES.get(key).get(0) + "\n");

    LoghaulConfig config = load(List.of("--config=" + file), Map.of());

    assertOnlyKeyChanged(config, key);
  }

  private static void assertOnlyKeyChanged(LoghaulConfig config, String key) {
    Map<String, String> expected = new LinkedHashMap<>(SPEC_DEFAULTS);
    expected.put(key, SAMPLES.get(key).get(1));
    assertThat(ConfigLoader.effective(config)).containsExactlyEntriesOf(expected);
  }

  @Test
  void mapsKeysToEnvironmentVariableNames() {
    assertThat(ConfigLoader.envName("kafka.embedded.port"))
        .isEqualTo("LOGHAUL_KAFKA_EMBEDDED_PORT");
    assertThat(ConfigLoader.envName("clickhouse.managed.http-port"))
        .isEqualTo("LOGHAUL_CLICKHOUSE_MANAGED_HTTP_PORT");
    assertThat(ConfigLoader.envName("data.dir")).isEqualTo("LOGHAUL_DATA_DIR");
  }

  @Test
  void prefersCommandLineOverEnvironmentOverFileOverDefault() throws Exception {
    Path file =
        file("p.properties", "batch.max-rows=1\nbatch.max-bytes=11\nbatch.max-delay-ms=111\n");
    Map<String, String> env =
        Map.of(
            "LOGHAUL_CONFIG", file.toString(),
            "LOGHAUL_BATCH_MAX_ROWS", "2",
            "LOGHAUL_BATCH_MAX_BYTES", "22");

    LoghaulConfig config = load(List.of("--batch.max-rows=3"), env);

    assertThat(config.batch()).isEqualTo(new LoghaulConfig.Batch(3, 22, 111));
    assertThat(config.schema().maxDepth()).isEqualTo(8);
  }

  @Test
  void readsTheConfigFileNamedByTheEnvironment() throws Exception {
    Path file = file("env.properties", "kafka.group=from-file\n");

    LoghaulConfig config = load(List.of(), Map.of("LOGHAUL_CONFIG", file.toString()));

    assertThat(config.kafka().group()).isEqualTo("from-file");
  }

  @Test
  void prefersTheConfigFileNamedOnTheCommandLine() throws Exception {
    Path fromEnv = file("env.properties", "kafka.group=env-file\n");
    Path fromArg = file("arg.properties", "kafka.group=arg-file\n");

    LoghaulConfig config =
        load(List.of("--config=" + fromArg), Map.of("LOGHAUL_CONFIG", fromEnv.toString()));

    assertThat(config.kafka().group()).isEqualTo("arg-file");
  }

  @Test
  void lastOccurrenceOfAnArgumentWins() throws Exception {
    LoghaulConfig config = load(List.of("--kafka.group=a", "--kafka.group=b"), Map.of());

    assertThat(config.kafka().group()).isEqualTo("b");
  }

  @Test
  void treatsAnEmptyOptionalValueAsUnset() throws Exception {
    Path file = file("p.properties", "kafka.bootstrap=k:9092\nclickhouse.url=http://ch:8123\n");

    LoghaulConfig config =
        load(
            List.of("--config=" + file, "--kafka.bootstrap="),
            Map.of("LOGHAUL_CLICKHOUSE_URL", ""));

    assertThat(config.kafka().embedded()).isTrue();
    assertThat(config.clickhouse().managed()).isTrue();
  }

  @Test
  void ignoresOtherEnvironmentVariablesAndTheLauncherOnes() throws Exception {
    LoghaulConfig config =
        load(
            List.of(),
            Map.of(
                "PATH",
                "/usr/bin",
                "LOGHAUL_JAVA_OPTS",
                "-Xmx1g",
                "LOGHAUL_AOT_CACHE",
                "loghaul.aot",
                "HOME",
                "/root"));

    assertThat(ConfigLoader.effective(config)).containsExactlyEntriesOf(SPEC_DEFAULTS);
  }

  @Test
  void rejectsAnUnknownKeyOnTheCommandLine() {
    assertThatThrownBy(() -> load(List.of("--batch.max-row=5"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "batch.max-row: unknown key on the command line (expected: one of the keys "
                + "listed by --help; did you mean batch.max-rows?)")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("batch.max-row");
  }

  @Test
  void rejectsAnUnknownEnvironmentVariable() {
    assertThatThrownBy(() -> load(List.of(), Map.of("LOGHAUL_BATCH_MAX_ROW", "5")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "LOGHAUL_BATCH_MAX_ROW: unknown environment variable (expected: "
                + "LOGHAUL_<KEY> for one of the keys listed by --help; did you mean "
                + "LOGHAUL_BATCH_MAX_ROWS?)")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("LOGHAUL_BATCH_MAX_ROW");
  }

  @Test
  void rejectsAnUnknownKeyInTheConfigFile() throws Exception {
    Path file = file("p.properties", "kafka.group=g\nwhatever=1\n");

    assertThatThrownBy(() -> load(List.of("--config=" + file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "whatever: unknown key in " + file + " (expected: one of the keys listed by --help)")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("whatever");
  }

  @Test
  void rejectsAMissingConfigFile() {
    Path missing = dir.resolve("missing.properties");

    assertThatThrownBy(() -> load(List.of("--config=" + missing), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config: " + missing + " (expected: a readable properties file")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("config");
  }

  @Test
  void rejectsArgumentsThatAreNotSettings() {
    assertThatThrownBy(() -> load(List.of("batch.max-rows=5"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("batch.max-rows=...: not a setting (expected: --key=value, see --help)");
    assertThatThrownBy(() -> load(List.of("--verbose"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--verbose: not a setting (expected: --key=value, see --help)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      textBlock =
          """
      batch.max-rows                  | -1          | batch.max-rows: -1 (expected: > 0)
      batch.max-rows                  | 0           | batch.max-rows: 0 (expected: > 0)
      batch.max-rows                  | ten         | batch.max-rows: ten (expected: an integer > 0)
      batch.max-rows                  | 1.5         | batch.max-rows: 1.5 (expected: an integer > 0)
      batch.max-rows                  | 2147483648  | batch.max-rows: 2147483648 (expected: <= 2147483647)
      batch.max-bytes                 | 0           | batch.max-bytes: 0 (expected: > 0)
      batch.max-delay-ms              | -5          | batch.max-delay-ms: -5 (expected: > 0)
      schema.max-depth                | 0           | schema.max-depth: 0 (expected: > 0)
      schema.max-future-seconds       | x           | schema.max-future-seconds: x (expected: an integer > 0)
      otlp.max-inflight-bytes         | 0           | otlp.max-inflight-bytes: 0 (expected: > 0)
      kafka.topic-partitions          | 0           | kafka.topic-partitions: 0 (expected: > 0)
      kafka.embedded.port             | 0           | kafka.embedded.port: 0 (expected: 1..65535)
      kafka.embedded.port             | 65536       | kafka.embedded.port: 65536 (expected: 1..65535)
      kafka.embedded.port             | http        | kafka.embedded.port: http (expected: a port 1..65535)
      clickhouse.managed.http-port    | 0           | clickhouse.managed.http-port: 0 (expected: 1..65535)
      admin.port                      | 0           | admin.port: 0 (expected: 1..65535)
      admin.port                      | -1          | admin.port: -1 (expected: 1..65535)
      otlp.grpc.port                  | -1          | otlp.grpc.port: -1 (expected: 0..65535, 0 disables)
      otlp.http.port                  | 70000       | otlp.http.port: 70000 (expected: 0..65535, 0 disables)
      otlp.http.port                  | off         | otlp.http.port: off (expected: a port 0..65535, 0 disables)
      otlp.http.host                  | 'a b'       | otlp.http.host: a b (expected: an IP address or host name to bind, e.g. 0.0.0.0, ::, 127.0.0.1)
      admin.host                      | ''          | admin.host: "" (expected: an IP address or host name to bind, e.g. 0.0.0.0, ::, 127.0.0.1)
      otlp.max-connections            | 0           | otlp.max-connections: 0 (expected: > 0)
      otlp.http.header-timeout-ms     | 0           | otlp.http.header-timeout-ms: 0 (expected: > 0)
      otlp.grpc.max-connection-age-ms | -1          | otlp.grpc.max-connection-age-ms: -1 (expected: >= 0)
      kafka.create-topics             | yes         | kafka.create-topics: yes (expected: true or false)
      clickhouse.create-table         | TRUE        | clickhouse.create-table: TRUE (expected: true or false)
      kafka.topics                    | ''          | kafka.topics: "" (expected: a comma-separated list of Kafka topic names of [A-Za-z0-9._-])
      kafka.topics                    | ' , ,'      | kafka.topics: , , (expected: a comma-separated list of Kafka topic names of [A-Za-z0-9._-])
      kafka.topics                    | 'logs,bad topic' | kafka.topics: logs,bad topic (expected: a comma-separated list of Kafka topic names of [A-Za-z0-9._-])
      kafka.ingest-topic              | a/b         | kafka.ingest-topic: a/b (expected: a Kafka topic name of [A-Za-z0-9._-])
      kafka.dlq-topic                 | ..          | kafka.dlq-topic: .. (expected: a Kafka topic name of [A-Za-z0-9._-])
      kafka.group                     | ''          | kafka.group: "" (expected: a non-empty string)
      clickhouse.user                 | ''          | clickhouse.user: "" (expected: a non-empty string)
      clickhouse.database             | 1db         | clickhouse.database: 1db (expected: an identifier matching [A-Za-z_][A-Za-z0-9_]*)
      clickhouse.table                | 'logs; DROP TABLE x' | clickhouse.table: logs; DROP TABLE x (expected: an identifier matching [A-Za-z_][A-Za-z0-9_]*)
      clickhouse.table                | my-logs     | clickhouse.table: my-logs (expected: an identifier matching [A-Za-z_][A-Za-z0-9_]*)
      clickhouse.cluster              | my-cluster  | clickhouse.cluster: my-cluster (expected: an identifier matching [A-Za-z_][A-Za-z0-9_]*)
      clickhouse.url                  | ftp://ch:21 | clickhouse.url: ftp://ch:21 (expected: an http:// or https:// URL)
      clickhouse.url                  | localhost:8123 | clickhouse.url: localhost:8123 (expected: an http:// or https:// URL)
      clickhouse.url                  | 'http://'   | clickhouse.url: http:// (expected: an http:// or https:// URL)
      clickhouse.url                  | 'http://a:8123,ftp://b:21' | clickhouse.url: http://a:8123,ftp://b:21 (expected: an http:// or https:// URL)
      clickhouse.url                  | 'http://a:8123,,http://b:8123' | clickhouse.url: http://a:8123,,http://b:8123 (expected: one http:// or https:// URL, or several separated by commas)
      tracing.otlp-endpoint           | collector   | tracing.otlp-endpoint: collector (expected: an http:// or https:// URL)
      tracing.sample-ratio            | 1.5         | tracing.sample-ratio: 1.5 (expected: a number in [0, 1])
      tracing.sample-ratio            | -0.1        | tracing.sample-ratio: -0.1 (expected: a number in [0, 1])
      tracing.sample-ratio            | NaN         | tracing.sample-ratio: NaN (expected: a number in [0, 1])
      tracing.sample-ratio            | half        | tracing.sample-ratio: half (expected: a number in [0, 1])
      redaction.dead-letters          | yes         | redaction.dead-letters: yes (expected: true or false)
      kafka.bootstrap                 | broker      | kafka.bootstrap: broker (expected: host:port[,host:port...])
      kafka.bootstrap                 | 'b:9092,c:x' | kafka.bootstrap: b:9092,c:x (expected: host:port[,host:port...])
      kafka.bootstrap                 | 'b:0'       | kafka.bootstrap: b:0 (expected: host:port[,host:port...])
      data.dir                        | ''          | data.dir: "" (expected: a file system path)
      """)
  void rejectsMalformedValuesNamingTheKey(String key, String value, String message) {
    assertThatThrownBy(() -> load(List.of("--" + key + "=" + value), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message)
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo(key);
  }

  @Test
  void rejectsMalformedValuesFromTheEnvironmentAndTheFileToo() throws Exception {
    assertThatThrownBy(() -> load(List.of(), Map.of("LOGHAUL_BATCH_MAX_ROWS", "-1")))
        .hasMessage("batch.max-rows: -1 (expected: > 0)");
    Path file = file("p.properties", "admin.port=0\n");
    assertThatThrownBy(() -> load(List.of("--config=" + file), Map.of()))
        .hasMessage("admin.port: 0 (expected: 1..65535)");
  }

  @Test
  void trimsValuesButKeepsThePasswordAsGiven() throws Exception {
    LoghaulConfig config =
        load(List.of("--batch.max-rows= 7 ", "--clickhouse.password= p w "), Map.of());

    assertThat(config.batch().maxRows()).isEqualTo(7);
    assertThat(config.clickhouse().password()).isEqualTo(" p w ");
  }

  @Test
  void refusesEmbeddedServersWhenNotAllowed() {
    assertThatThrownBy(() -> load(List.of(), Map.of("LOGHAUL_EMBEDDED_ALLOWED", "false")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "kafka.bootstrap, clickhouse.url: (unset) (expected: set;"
                + " production mode needs both kafka.bootstrap and clickhouse.url")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("kafka.bootstrap");
    assertThatThrownBy(
            () -> load(List.of("--embedded.allowed=false", "--kafka.bootstrap=k:9092"), Map.of()))
        .hasMessageStartingWith("clickhouse.url: (unset) (expected: set;")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("clickhouse.url");
    assertThatThrownBy(
            () ->
                load(
                    List.of("--embedded.allowed=false", "--clickhouse.url=http://c:8123"),
                    Map.of()))
        .hasMessageStartingWith("kafka.bootstrap: (unset) (expected: set;");
  }

  @Test
  void refusesADataDirWithACommaOnlyWhileKafkaIsEmbedded() throws Exception {
    assertThatThrownBy(() -> load(List.of("--data.dir=/tmp/a,b"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "data.dir: /tmp/a,b (expected: a path without ',' while Kafka is embedded")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("data.dir");
    assertThat(load(List.of("--data.dir=/tmp/a,b", "--kafka.bootstrap=k:9092"), Map.of()).dataDir())
        .isEqualTo(Path.of("/tmp/a,b"));
  }

  @Test
  void acceptsExternalServersWhenEmbeddedIsNotAllowed() throws Exception {
    LoghaulConfig config =
        load(
            List.of("--kafka.bootstrap=k:9092", "--clickhouse.url=http://c:8123"),
            Map.of("LOGHAUL_EMBEDDED_ALLOWED", "false"));

    assertThat(config.embeddedAllowed()).isFalse();
    assertThat(ConfigLoader.effective(config)).containsEntry("embedded.allowed", "false");
  }

  @Test
  void rejectsTwoListenersOnOnePort() {
    assertThatThrownBy(() -> load(List.of("--otlp.http.port=4317"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "otlp.http.port: 4317 (expected: a port not already used by otlp.grpc.port,"
                + " whose default is 4317)");
  }

  @Test
  void aPortClashNamesTheKeyTheUserSetNotTheOneLeftAtItsDefault() {
    assertThatThrownBy(() -> load(List.of("--otlp.http.port=9464"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "otlp.http.port: 9464 (expected: a port not already used by admin.port,"
                + " whose default is 9464)");
    assertThatThrownBy(() -> load(List.of("--otlp.grpc.port=7000", "--admin.port=7000"), Map.of()))
        .hasMessage(
            "admin.port: 7000 (expected: a port not already used by otlp.grpc.port,"
                + " also set to 7000)");
  }

  @Test
  void theEmbeddedControllerPortIsTheClientPortPlusOneUnlessSetAndMustNotClash() throws Exception {
    assertThat(load(List.of(), Map.of()).kafka().embeddedControllerPort()).isEqualTo(9093);
    assertThat(
            load(List.of("--kafka.embedded.port=19092"), Map.of()).kafka().embeddedControllerPort())
        .isEqualTo(19093);
    assertThat(
            load(List.of("--kafka.embedded.controller-port=29000"), Map.of())
                .kafka()
                .embeddedControllerPort())
        .isEqualTo(29000);
    assertThatThrownBy(() -> load(List.of("--kafka.embedded.port=9463"), Map.of()))
        .hasMessage(
            "kafka.embedded.controller-port: 9464 (expected: a port not already used by"
                + " admin.port, whose default is 9464)");
    assertThatThrownBy(() -> load(List.of("--kafka.embedded.port=65535"), Map.of()))
        .hasMessageStartingWith(
            "kafka.embedded.controller-port: (unset: kafka.embedded.port + 1 = 65536)");
  }

  @Test
  void allowsAPortClashWithAServerThatIsNotStarted() throws Exception {
    LoghaulConfig config =
        load(
            List.of(
                "--kafka.bootstrap=k:9092",
                "--kafka.embedded.port=9464",
                "--otlp.grpc.port=0",
                "--otlp.http.port=0"),
            Map.of());

    assertThat(config.adminPort()).isEqualTo(9464);
    assertThat(config.otlp().grpcPort()).isZero();
  }

  @Test
  void acceptsAutoForTheListenerPortsAndShowsItAsAuto() throws Exception {
    LoghaulConfig config =
        load(
            List.of("--otlp.grpc.port=auto", "--otlp.http.port=auto", "--admin.port=auto"),
            Map.of());

    assertThat(config.otlp().grpcPort()).isEqualTo(LoghaulConfig.AUTO_PORT);
    assertThat(config.otlp().httpPort()).isEqualTo(LoghaulConfig.AUTO_PORT);
    assertThat(config.adminPort()).isEqualTo(LoghaulConfig.AUTO_PORT);
    assertThat(LoghaulConfig.bindPort(config.adminPort())).isZero();
    assertThat(LoghaulConfig.bindPort(9464)).isEqualTo(9464);
    assertThat(ConfigLoader.effective(config))
        .containsEntry("otlp.grpc.port", "auto")
        .containsEntry("otlp.http.port", "auto")
        .containsEntry("admin.port", "auto");
  }

  @Test
  void refusesAutoForTheServersLoghaulStarts() {
    assertThatThrownBy(() -> load(List.of("--kafka.embedded.port=auto"), Map.of()))
        .hasMessage("kafka.embedded.port: auto (expected: a port 1..65535)");
    assertThatThrownBy(() -> load(List.of("--clickhouse.managed.http-port=auto"), Map.of()))
        .hasMessage("clickhouse.managed.http-port: auto (expected: a port 1..65535)");
  }

  @Test
  void readsThePasswordFileStrippingTheTrailingNewline() throws Exception {
    Path secret = file("pw", "hunter2 \r\n");

    LoghaulConfig config =
        load(List.of(), Map.of("LOGHAUL_CLICKHOUSE_PASSWORD_FILE", secret.toString()));

    assertThat(config.clickhouse().password()).isEqualTo("hunter2 ");
    assertThat(ConfigLoader.effective(config))
        .containsEntry("clickhouse.password", "***")
        .doesNotContainKey("clickhouse.password-file");
  }

  @Test
  void rejectsAPasswordTogetherWithAPasswordFile() throws Exception {
    Path secret = file("pw", "hunter2\n");

    assertThatThrownBy(
            () ->
                load(
                    List.of(
                        "--clickhouse.password=topsecret", "--clickhouse.password-file=" + secret),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "clickhouse.password-file: "
                + secret
                + " (expected: not set together with clickhouse.password)")
        .hasMessageNotContaining("topsecret")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void rejectsAMissingPasswordFile() {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> load(List.of("--clickhouse.password-file=" + missing), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "clickhouse.password-file: "
                + missing
                + " (expected: a readable file; NoSuchFileException)");
  }

  @Test
  void neverEchoesSecrets() throws Exception {
    assertThatThrownBy(() -> load(List.of("clickhouse.password=hunter2"), Map.of()))
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> load(List.of("--clickhouse.url=http://u:hunter2@ch:8123"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("clickhouse.url: ")
        .hasMessageNotContaining("hunter2");

    LoghaulConfig config = load(List.of("--clickhouse.password=hunter2"), Map.of());
    assertThat(ConfigLoader.render(config))
        .doesNotContain("hunter2")
        .contains("clickhouse.password=***");
    assertThat(config.clickhouse().toString()).doesNotContain("hunter2");
  }

  @Test
  void rendersTheEffectiveConfigOnOneLine() throws Exception {
    String line = ConfigLoader.render(load(List.of("--kafka.topics=a,b"), Map.of()));

    assertThat(line)
        .doesNotContain("\n")
        .startsWith(
            "data.dir=./data, embedded.allowed=true, kafka.bootstrap=(unset), "
                + "kafka.embedded.port=9092, kafka.embedded.controller-port=(unset), "
                + "kafka.topics=a,b, ")
        .endsWith(
            "tracing.otlp-endpoint=(unset), tracing.sample-ratio=1.0, "
                + "redaction.rules-file=(unset), redaction.hash-key-file=(unset), redaction.dead-letters=false");
  }

  @Test
  void describesEveryKeyWithItsDefault() {
    String usage = ConfigLoader.describe();

    Map<String, String> expected = new HashMap<>(SPEC_DEFAULTS);
    expected.put("clickhouse.password", "(empty)");
    expected.put("clickhouse.password-file", "(unset)");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertThat(usage)
          .containsPattern(
              "(?m)^" + Pattern.quote(e.getKey()) + " +" + Pattern.quote(e.getValue()) + " ");
    }
    assertThat(usage).contains("LOGHAUL_<KEY>", "--config=FILE");
  }

  @Test
  void theInsertTimeoutDefaultsToFiveSecondsPlusOnePerMibOfBatchAndTheKeyWins() throws Exception {
    assertThat(insertTimeout("--batch.max-bytes=1048576")).isEqualTo(Duration.ofSeconds(6));
    assertThat(insertTimeout("--batch.max-bytes=1048577"))
        .as("rounded up to whole MiB")
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(insertTimeout("--batch.max-bytes=67108864")).isEqualTo(Duration.ofSeconds(69));
    assertThat(insertTimeout("--clickhouse.insert-timeout-ms=2500"))
        .isEqualTo(Duration.ofMillis(2500));
    assertThatThrownBy(
            () -> ConfigLoader.load(List.of("--clickhouse.insert-timeout-ms=0"), Map.of()))
        .hasMessageContaining("clickhouse.insert-timeout-ms");
  }

  private static Duration insertTimeout(String flag) throws Exception {
    LoghaulConfig config = ConfigLoader.load(List.of(flag), Map.of());
    return config.clickhouse().insertTimeout(config.batch().maxBytes());
  }
}
