package io.loghaul.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.config.ConfigException;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import io.loghaul.testkit.FreePorts;
import io.loghaul.testkit.TestPki;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * loghaul against a real broker with secured listeners (docs/configuration.md#securing-kafka):
 * SASL_SSL with SCRAM-SHA-512 users created through the Admin API, SSL requiring client
 * certificates, and SASL_PLAINTEXT with PLAIN, all signed by a CA this test makes. Through each,
 * records sent over OTLP and straight into Kafka land in ClickHouse, a bad one in the DLQ, and the
 * offsets are committed; a wrong password, an unknown CA or a missing client certificate stops
 * startup naming the key. The test's own clients use the broker's plaintext listener.
 */
class KafkaSecurityIT {
  private static final String SCRAM_USER = "loghaul";
  private static final String SCRAM_PASSWORD = "scram \"secret\" \\ pass";
  private static final String PLAIN_USER = "alice";
  private static final String PLAIN_PASSWORD = "alice-plain-secret";

  private static final Path PKI_DIR;
  private static final TestPki CA;
  private static final int SASL_SSL_PORT = FreePorts.freePort();
  private static final int MTLS_PORT = FreePorts.freePort();
  private static final int SASL_PLAIN_PORT = FreePorts.freePort();
  private static final Map<String, String> BROKER = new HashMap<>();

  static {
    try {
      PKI_DIR = Files.createTempDirectory("loghaul-pki-");
      CA = TestPki.newCa("loghaul test CA");
      TestPki.Issued server = CA.issueServer("kafka");
      String listeners =
          "SASLSSL://127.0.0.1:"
              + SASL_SSL_PORT
              + ",MTLS://127.0.0.1:"
              + MTLS_PORT
              + ",SASLPLAIN://127.0.0.1:"
              + SASL_PLAIN_PORT;
      BROKER.put("listeners", listeners);
      BROKER.put("advertised.listeners", listeners);
      BROKER.put(
          "listener.security.protocol.map", "SASLSSL:SASL_SSL,MTLS:SSL,SASLPLAIN:SASL_PLAINTEXT");
      BROKER.put("ssl.keystore.type", "PEM");
      BROKER.put("ssl.keystore.certificate.chain", server.chainPem());
      BROKER.put("ssl.keystore.key", server.keyPem());
      BROKER.put("ssl.truststore.type", "PEM");
      BROKER.put("ssl.truststore.certificates", CA.caPem());
      BROKER.put("listener.name.mtls.ssl.client.auth", "required");
      BROKER.put("listener.name.saslssl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
      BROKER.put(
          "listener.name.saslssl.scram-sha-512.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      BROKER.put("listener.name.saslplain.sasl.enabled.mechanisms", "PLAIN");
      BROKER.put(
          "listener.name.saslplain.plain.sasl.jaas.config",
          "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
              + PLAIN_USER
              + "=\""
              + PLAIN_PASSWORD
              + "\";");
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @RegisterExtension static final RealServers servers = new RealServers(BROKER);

  private static Path caFile;
  private static Path otherCaFile;
  private static TestPki.Files2 clientCert;
  private static Path passwordFile;

  @BeforeAll
  static void createUsersAndFiles() throws Exception {
    caFile = CA.writeCa(PKI_DIR.resolve("ca.pem"));
    otherCaFile = TestPki.newCa("some other CA").writeCa(PKI_DIR.resolve("other-ca.pem"));
    clientCert = CA.issueClient("loghaul").write(PKI_DIR, "client");
    passwordFile = Files.writeString(PKI_DIR.resolve("scram-password"), SCRAM_PASSWORD + "\n");
    servers
        .kafkaClient()
        .admin()
        .alterUserScramCredentials(
            List.of(
                new UserScramCredentialUpsertion(
                    SCRAM_USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                    SCRAM_PASSWORD)))
        .all()
        .get(30, TimeUnit.SECONDS);
    // the credential reaches the listener through the metadata log: wait until it authenticates
    Map<String, Object> scram =
        Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            "127.0.0.1:" + SASL_SSL_PORT,
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
            "SASL_SSL",
            "sasl.mechanism",
            "SCRAM-SHA-512",
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\""
                + SCRAM_USER
                + "\" password=\""
                + SCRAM_PASSWORD.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\";",
            "ssl.truststore.type",
            "PEM",
            "ssl.truststore.location",
            caFile.toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              try (Admin admin = Admin.create(scram)) {
                return !admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty();
              }
            });
  }

  @AfterAll
  static void deletePki() throws IOException {
    try (var files = Files.walk(PKI_DIR)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void deliversThroughASaslSslScramListener() throws Exception {
    deliverThrough(
        SASL_SSL_PORT,
        "--kafka.security.protocol=SASL_SSL",
        "--kafka.sasl.mechanism=SCRAM-SHA-512",
        "--kafka.sasl.username=" + SCRAM_USER,
        "--kafka.sasl.password-file=" + passwordFile,
        "--kafka.tls.ca-file=" + caFile);
  }

  @Test
  void deliversThroughAnSslListenerRequiringClientCertificates() throws Exception {
    deliverThrough(
        MTLS_PORT,
        "--kafka.security.protocol=SSL",
        "--kafka.tls.ca-file=" + caFile,
        "--kafka.tls.cert-file=" + clientCert.cert(),
        "--kafka.tls.key-file=" + clientCert.key());
  }

  @Test
  void deliversThroughASaslPlaintextPlainListener() throws Exception {
    deliverThrough(
        SASL_PLAIN_PORT,
        "--kafka.security.protocol=SASL_PLAINTEXT",
        "--kafka.sasl.mechanism=PLAIN",
        "--kafka.sasl.username=" + PLAIN_USER,
        "--kafka.sasl.password=" + PLAIN_PASSWORD);
  }

  @Test
  void aWrongPasswordStopsStartupNamingThePasswordKey() throws Exception {
    ConfigException e =
        startupError(
            SASL_SSL_PORT,
            "--kafka.security.protocol=SASL_SSL",
            "--kafka.sasl.mechanism=SCRAM-SHA-512",
            "--kafka.sasl.username=" + SCRAM_USER,
            "--kafka.sasl.password=not-the-password",
            "--kafka.tls.ca-file=" + caFile);
    assertThat(e.key()).isEqualTo("kafka.sasl.password");
    assertThat(e.getMessage()).doesNotContain("not-the-password").doesNotContain(SCRAM_PASSWORD);
  }

  @Test
  void anUnknownCaStopsStartupNamingTheCaFileKey() throws Exception {
    ConfigException e =
        startupError(
            SASL_SSL_PORT,
            "--kafka.security.protocol=SASL_SSL",
            "--kafka.sasl.mechanism=SCRAM-SHA-512",
            "--kafka.sasl.username=" + SCRAM_USER,
            "--kafka.sasl.password=" + SCRAM_PASSWORD,
            "--kafka.tls.ca-file=" + otherCaFile);
    assertThat(e.key()).isEqualTo("kafka.tls.ca-file");
    assertThat(e.getMessage()).doesNotContain(SCRAM_PASSWORD);
  }

  @Test
  void aMissingClientCertificateStopsStartupNamingTheCertFileKey() throws Exception {
    ConfigException e =
        startupError(MTLS_PORT, "--kafka.security.protocol=SSL", "--kafka.tls.ca-file=" + caFile);
    assertThat(e.key()).isEqualTo("kafka.tls.cert-file");
  }

  @Test
  void tlsAgainstAPlaintextListenerStopsStartupNamingTheProtocolKey() throws Exception {
    ConfigException e =
        startupError(
            SASL_PLAIN_PORT,
            "--kafka.security.protocol=SASL_SSL",
            "--kafka.sasl.mechanism=PLAIN",
            "--kafka.sasl.username=" + PLAIN_USER,
            "--kafka.sasl.password=" + PLAIN_PASSWORD,
            "--kafka.tls.ca-file=" + caFile);
    assertThat(e.key()).isEqualTo("kafka.security.protocol");
  }

  private static ConfigException startupError(int port, String... security) {
    List<String> flags = new ArrayList<>(List.of(security));
    flags.add("--kafka.bootstrap=127.0.0.1:" + port);
    flags.add("--kafka.topics=" + KafkaTestClient.uniqueName("logs"));
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> TestLoghaul.start(servers, flags.toArray(String[]::new)).close());
    assertThat(e).as("startup error").isNotNull();
    return e;
  }

  /**
   * Starts loghaul on the listener at {@code port} with {@code security}, then sends good and bad
   * records over OTLP and straight into Kafka and checks where each landed.
   */
  private static void deliverThrough(int port, String... security) throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String dlq = KafkaTestClient.uniqueName("dlq");
    String group = KafkaTestClient.uniqueName("g");
    List<String> flags = new ArrayList<>(List.of(security));
    flags.addAll(
        List.of(
            "--kafka.bootstrap=127.0.0.1:" + port,
            "--kafka.topics=" + topic,
            "--kafka.ingest-topic=" + topic,
            "--kafka.dlq-topic=" + dlq,
            "--kafka.group=" + group,
            "--clickhouse.table=" + table,
            "--otlp.http.port=auto",
            "--otlp.http.host=127.0.0.1"));
    int direct = 20;
    int otlp = 5;
    try (LoghaulServer loghaul = TestLoghaul.start(servers, flags.toArray(String[]::new))) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < direct; i++) {
        servers
            .kafkaClient()
            .sendAsync(topic, null, LogRecords.valid(now, "direct", i).getBytes(UTF_8));
      }
      servers.kafkaClient().sendAsync(topic, null, "{not json".getBytes(UTF_8));
      servers.kafkaClient().flush();

      HttpResponse<String> reply =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + loghaul.otlpHttpPort() + "/v1/logs"))
                      .header("Content-Type", "application/x-protobuf")
                      .POST(
                          HttpRequest.BodyPublishers.ofByteArray(
                              otlpRequest(otlp, now).toByteArray()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> servers.count(table) == direct + otlp);
      assertThat(servers.query("SELECT count() FROM " + table + " WHERE service_name = 'otlp-svc'"))
          .isEqualTo(Integer.toString(otlp));
      assertThat(servers.kafkaClient().readAll(dlq, 1, Duration.ofSeconds(30))).hasSize(1);
      long end = sum(servers.kafkaClient().endOffsets(topic, 4));
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> sum(servers.kafkaClient().committed(group)) == end);
      assertThat(end).isEqualTo(direct + 1 + otlp);
    }
  }

  private static long sum(Map<TopicPartition, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  private static ExportLogsServiceRequest otlpRequest(int n, long nowMillis) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < n; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(nowMillis * 1_000_000L)
              .setBody(AnyValue.newBuilder().setStringValue("over OTLP " + i)));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("otlp-svc"))))
                .addScopeLogs(scope))
        .build();
  }
}
