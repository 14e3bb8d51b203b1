package io.loghaul.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.config.ConfigException;
import io.loghaul.embedded.ManagedClickHouse;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import io.loghaul.testkit.FreePorts;
import io.loghaul.testkit.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * loghaul against a real clickhouse-server serving HTTPS with a certificate this test made (its
 * {@code openSSL} config section), and with {@code clickhouse.settings.*} sent on every INSERT
 * (docs/configuration.md#securing-clickhouse).
 */
class ClickHouseSecurityIT {
  @RegisterExtension static final RealServers servers = new RealServers();

  private static ManagedClickHouse https;
  private static ClickHouseHttpClient plain; // the same server over its plain HTTP port
  private static int httpsPort;
  private static Path caFile;
  private static Path otherCaFile;
  private static TestPki.Files2 client;
  private static TestPki.Files2 stranger;

  @BeforeAll
  static void startHttpsClickHouse() throws Exception {
    Path dir = servers.dir().resolve("ch-tls");
    Files.createDirectories(dir);
    TestPki ca = TestPki.newCa("clickhouse CA");
    TestPki.Files2 server = ca.issueServer("clickhouse").write(dir, "server");
    caFile = ca.writeCa(dir.resolve("ca.pem"));
    TestPki other = TestPki.newCa("other CA");
    otherCaFile = other.writeCa(dir.resolve("other-ca.pem"));
    client = ca.issueClient("loghaul").write(dir, "client");
    stranger = other.issueClient("stranger").write(dir, "stranger");
    httpsPort = FreePorts.freePort();
    https =
        ManagedClickHouse.start(
            dir.resolve("server"),
            FreePorts.freePort(),
            "  <https_port>"
                + httpsPort
                + "</https_port>\n"
                + "  <openSSL><server>\n"
                + "    <certificateFile>"
                + server.cert()
                + "</certificateFile>\n"
                + "    <privateKeyFile>"
                + server.key()
                + "</privateKeyFile>\n"
                // relaxed: a client certificate is checked against the CA when one is presented
                + "    <verificationMode>relaxed</verificationMode>\n"
                + "    <caConfig>"
                + caFile
                + "</caConfig>\n"
                + "    <loadDefaultCAFile>false</loadDefaultCAFile>\n"
                + "    <cacheSessions>true</cacheSessions>\n"
                + "    <disableProtocols>sslv2,sslv3</disableProtocols>\n"
                + "    <preferServerCiphers>true</preferServerCiphers>\n"
                + "  </server></openSSL>\n");
    plain = new ClickHouseHttpClient(https.url(), "default", "", Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopHttpsClickHouse() {
    if (plain != null) plain.close();
    if (https != null) https.close();
  }

  private static String httpsUrl() {
    return "https://localhost:" + httpsPort;
  }

  @Test
  void insertsOverHttpsWithTheGivenCaAndSettings() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--clickhouse.url=" + httpsUrl(),
            "--clickhouse.tls.ca-file=" + caFile,
            "--clickhouse.table=" + table,
            "--clickhouse.settings.max_insert_block_size=65536",
            "--clickhouse.settings.insert_quorum=0")) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < 25; i++) {
        servers
            .kafkaClient()
            .sendAsync(topic, null, LogRecords.valid(now, "tls", i).getBytes(UTF_8));
      }
      servers.kafkaClient().flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> Long.parseLong(plain.query("SELECT count() FROM " + table).trim()) == 25);
    }
  }

  @Test
  void presentsTheClientCertificateAndNamesItsKeyWhenTheServerRefusesIt() throws Exception {
    String table = KafkaTestClient.uniqueName("t");
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + KafkaTestClient.uniqueName("logs"),
            "--clickhouse.url=" + httpsUrl(),
            "--clickhouse.tls.ca-file=" + caFile,
            "--clickhouse.tls.cert-file=" + client.cert(),
            "--clickhouse.tls.key-file=" + client.key(),
            "--clickhouse.table=" + table)) {
      assertThat(plain.query("EXISTS TABLE " + table).trim()).isEqualTo("1");
    }

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                TestLoghaul.start(
                        servers,
                        "--kafka.topics=" + KafkaTestClient.uniqueName("logs"),
                        "--clickhouse.url=" + httpsUrl(),
                        "--clickhouse.tls.ca-file=" + caFile,
                        "--clickhouse.tls.cert-file=" + stranger.cert(),
                        "--clickhouse.tls.key-file=" + stranger.key())
                    .close());
    assertThat(e).isNotNull();
    assertThat(e.key()).isEqualTo("clickhouse.tls.cert-file");
  }

  @Test
  void anUnknownSettingStopsStartupWithTheServersMessageAndTheKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                TestLoghaul.start(
                        servers,
                        "--kafka.topics=" + KafkaTestClient.uniqueName("logs"),
                        "--clickhouse.settings.async_insert=1")
                    .close());
    assertThat(e).isNotNull();
    assertThat(e.key()).isEqualTo("clickhouse.settings.async_insert");
    assertThat(e.getMessage()).contains("async_insert").containsIgnoringCase("unknown setting");
  }

  @Test
  void anUntrustedServerCertificateStopsStartupNamingTheCaFileKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                TestLoghaul.start(
                        servers,
                        "--kafka.topics=" + KafkaTestClient.uniqueName("logs"),
                        "--clickhouse.url=" + httpsUrl(),
                        "--clickhouse.tls.ca-file=" + otherCaFile)
                    .close());
    assertThat(e).isNotNull();
    assertThat(e.key()).isEqualTo("clickhouse.tls.ca-file");
  }
}
