package io.loghaul.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.testkit.FreePorts;
import io.loghaul.testkit.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * {@code bench compare --kafka-security=sasl_ssl|both}: a SASL_SSL listener with SCRAM-SHA-512 on
 * the bench's embedded broker (next to its plaintext one, which the loader and the harness keep
 * using), a broker certificate from a throwaway CA (testkit's TestPki), and a SCRAM user created
 * through the Admin API, as in production (docs/configuration.md#securing-kafka).
 *
 * @param port the SASL_SSL listener's port
 * @param caFile the CA loghaul trusts ({@code kafka.tls.ca-file})
 * @param passwordFile the user's password ({@code kafka.sasl.password-file})
 */
record SecureListener(
    int port,
    Path caFile,
    Path passwordFile,
    String password,
    String brokerChainPem,
    String brokerKeyPem,
    String caPem) {
  static final String USER = "loghaul-bench";

  /** Generates the CA, the broker certificate and a random password into {@code dir}. */
  static SecureListener create(Path dir) throws Exception {
    Files.createDirectories(dir);
    TestPki ca = TestPki.newCa("loghaul bench CA");
    TestPki.Issued broker = ca.issueServer("kafka");
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    return new SecureListener(
        FreePorts.freePort(),
        ca.writeCa(dir.resolve("ca.pem")),
        Files.writeString(dir.resolve("scram-password"), password + "\n", UTF_8),
        password,
        broker.chainPem(),
        broker.keyPem(),
        ca.caPem());
  }

  /** What EmbeddedKafka.start adds to the broker: the listener, its certificate and SCRAM. */
  Map<String, String> brokerOverrides() {
    String listener = "SASLSSL://127.0.0.1:" + port;
    return Map.ofEntries(
        Map.entry("listeners", listener),
        Map.entry("advertised.listeners", listener),
        Map.entry("listener.security.protocol.map", "SASLSSL:SASL_SSL"),
        Map.entry("ssl.keystore.type", "PEM"),
        Map.entry("ssl.keystore.certificate.chain", brokerChainPem),
        Map.entry("ssl.keystore.key", brokerKeyPem),
        Map.entry("ssl.truststore.type", "PEM"),
        Map.entry("ssl.truststore.certificates", caPem),
        Map.entry("listener.name.saslssl.sasl.enabled.mechanisms", "SCRAM-SHA-512"),
        Map.entry(
            "listener.name.saslssl.scram-sha-512.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"));
  }

  /**
   * Creates the SCRAM user through {@code admin} (on the plaintext listener) and waits until it
   * authenticates on the SASL_SSL one: the credential reaches the listener through the metadata
   * log.
   */
  void createUser(Admin admin) throws Exception {
    admin
        .alterUserScramCredentials(
            List.of(
                new UserScramCredentialUpsertion(
                    USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
        .all()
        .get(30, TimeUnit.SECONDS);
    Map<String, Object> scram =
        Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            "127.0.0.1:" + port,
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
            "SASL_SSL",
            SaslConfigs.SASL_MECHANISM,
            "SCRAM-SHA-512",
            SaslConfigs.SASL_JAAS_CONFIG,
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + USER
                + "\" password=\""
                + password
                + "\";",
            SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
            "PEM",
            SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
            caFile.toString());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (Admin secured = Admin.create(scram)) {
        if (!secured.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
          return;
        }
      } catch (Exception e) {
        last = e; // not authenticated yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "the SCRAM user does not authenticate on the SASL_SSL listener after 60 s", last);
  }

  /** loghaul's settings for this listener (the password from a file, as in production). */
  List<String> loghaulFlags() {
    return List.of(
        "--kafka.bootstrap=127.0.0.1:" + port,
        "--kafka.security.protocol=SASL_SSL",
        "--kafka.sasl.mechanism=SCRAM-SHA-512",
        "--kafka.sasl.username=" + USER,
        "--kafka.sasl.password-file=" + passwordFile,
        "--kafka.tls.ca-file=" + caFile);
  }

  @Override
  public String toString() {
    return "SecureListener[SASL_SSL 127.0.0.1:" + port + ", user " + USER + "]";
  }
}
