package io.loghaul.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka security keys (docs/configuration.md#securing-kafka): combinations, conflicts with
 * kafka.client.*, secrets.
 */
class KafkaSecurityConfigTest {
  private static final String CERT =
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final String KEY =
      "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, UTF_8);
  }

  private static LoghaulConfig load(String... args) throws ConfigException {
    List<String> all = new ArrayList<>(List.of("--kafka.bootstrap=k1:9093"));
    all.addAll(List.of(args));
    return ConfigLoader.load(all, Map.of());
  }

  private static ConfigException error(String... args) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(args));
    assertThat(e).as("ConfigException for %s", List.of(args)).isNotNull();
    return e;
  }

  @Test
  void readsASaslSslScramSetupWithThePasswordFromAFile() throws Exception {
    Path ca = file("ca.pem", CERT);
    Path password = file("password", "p4ss word\n");

    LoghaulConfig.KafkaSecurity s =
        load(
                "--kafka.security.protocol=SASL_SSL",
                "--kafka.sasl.mechanism=SCRAM-SHA-512",
                "--kafka.sasl.username=loghaul",
                "--kafka.sasl.password-file=" + password,
                "--kafka.tls.ca-file=" + ca)
            .kafka()
            .security();

    assertThat(s.protocol()).isEqualTo("SASL_SSL");
    assertThat(s.saslMechanism()).isEqualTo("SCRAM-SHA-512");
    assertThat(s.saslUsername()).isEqualTo("loghaul");
    assertThat(s.saslPassword()).isEqualTo("p4ss word");
    assertThat(s.passwordKey()).isEqualTo("kafka.sasl.password-file");
    assertThat(s.caFile()).isEqualTo(ca);
    assertThat(s.toString()).doesNotContain("p4ss");
  }

  @Test
  void showsThePasswordAndSecretClientPropertiesAsStars() throws Exception {
    LoghaulConfig config =
        load(
            "--kafka.security.protocol=SASL_PLAINTEXT",
            "--kafka.sasl.mechanism=PLAIN",
            "--kafka.sasl.username=u",
            "--kafka.sasl.password=hunter2",
            "--kafka.client.ssl.key.password=kp",
            "--kafka.client.linger.ms=20",
            "--kafka.client.sasl.login.callback.handler.class=com.example.Handler");

    Map<String, String> effective = ConfigLoader.effective(config);
    assertThat(effective)
        .containsEntry("kafka.sasl.password", "***")
        .containsEntry("kafka.client.ssl.key.password", "***")
        .containsEntry("kafka.client.linger.ms", "20")
        .containsEntry("kafka.client.sasl.login.callback.handler.class", "com.example.Handler");
    assertThat(ConfigLoader.render(config)).doesNotContain("hunter2").doesNotContain("=kp");
    assertThat(ConfigLoader.describe()).contains("kafka.client.<name>");
  }

  @Test
  void refusesAClientPropertyThatATypedKeySetsNamingBoth() throws Exception {
    ConfigException e = error("--kafka.client.security.protocol=SSL");
    assertThat(e.key()).isEqualTo("kafka.client.security.protocol");
    assertThat(e.getMessage()).contains("kafka.security.protocol");

    Path ca = file("ca.pem", CERT);
    e =
        error(
            "--kafka.security.protocol=SSL",
            "--kafka.tls.ca-file=" + ca,
            "--kafka.client.ssl.truststore.location=/x.jks");
    assertThat(e.key()).isEqualTo("kafka.client.ssl.truststore.location");
    assertThat(e.getMessage()).contains("kafka.tls.ca-file");

    e =
        error(
            "--kafka.security.protocol=SASL_SSL",
            "--kafka.sasl.mechanism=PLAIN",
            "--kafka.sasl.username=u",
            "--kafka.sasl.password=p",
            "--kafka.client.sasl.jaas.config=x required;");
    assertThat(e.key()).isEqualTo("kafka.client.sasl.jaas.config");
    assertThat(e.getMessage()).contains("kafka.sasl.username").doesNotContain("x required");
  }

  @Test
  void takesMechanismsAndTruststoresWithoutTypedKeysThroughClientProperties() throws Exception {
    LoghaulConfig.KafkaSecurity s =
        load(
                "--kafka.security.protocol=SASL_SSL",
                "--kafka.client.sasl.mechanism=OAUTHBEARER",
                "--kafka.client.sasl.jaas.config=org.example.OAuth required;")
            .kafka()
            .security();

    assertThat(s.clientProperties()).containsEntry("sasl.mechanism", "OAUTHBEARER");
  }

  @Test
  void refusesPropertiesLoghaulDependsOn() {
    assertThat(error("--kafka.client.enable.auto.commit=true").key())
        .isEqualTo("kafka.client.enable.auto.commit");
    assertThat(error("--kafka.client.acks=1").key()).isEqualTo("kafka.client.acks");
  }

  @Test
  void refusesInconsistentCombinationsNamingTheKeyToFix() throws Exception {
    assertThat(error("--kafka.security.protocol=SASL_SSL").key()).isEqualTo("kafka.sasl.mechanism");
    assertThat(error("--kafka.security.protocol=SASL_SSL", "--kafka.sasl.mechanism=PLAIN").key())
        .isEqualTo("kafka.sasl.username");
    assertThat(
            error(
                    "--kafka.security.protocol=SASL_SSL",
                    "--kafka.sasl.mechanism=PLAIN",
                    "--kafka.sasl.username=u")
                .key())
        .isEqualTo("kafka.sasl.password");
    assertThat(error("--kafka.sasl.username=u").key()).isEqualTo("kafka.sasl.username");
    Path ca = file("ca.pem", CERT);
    assertThat(error("--kafka.tls.ca-file=" + ca).key()).isEqualTo("kafka.tls.ca-file");
    Path cert = file("c.pem", CERT);
    assertThat(error("--kafka.security.protocol=SSL", "--kafka.tls.cert-file=" + cert).key())
        .isEqualTo("kafka.tls.key-file");
    Path password = file("pw", "x");
    assertThat(
            error(
                    "--kafka.security.protocol=SASL_SSL",
                    "--kafka.sasl.mechanism=PLAIN",
                    "--kafka.sasl.username=u",
                    "--kafka.sasl.password=y",
                    "--kafka.sasl.password-file=" + password)
                .key())
        .isEqualTo("kafka.sasl.password-file");
    assertThat(error("--kafka.security.protocol=TLS").key()).isEqualTo("kafka.security.protocol");
    assertThat(error("--kafka.security.protocol=SASL_SSL", "--kafka.sasl.mechanism=GSSAPI").key())
        .isEqualTo("kafka.sasl.mechanism");
  }

  @Test
  void refusesSecurityForTheEmbeddedBroker() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> ConfigLoader.load(List.of("--kafka.security.protocol=SSL"), Map.of()));
    assertThat(e.key()).isEqualTo("kafka.security.protocol");
  }

  @Test
  void refusesFilesThatAreNotPemOfTheRightKind() throws Exception {
    Path rsaKey =
        file("rsa.key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n");
    Path cert = file("c.pem", CERT);
    ConfigException e =
        error(
            "--kafka.security.protocol=SSL",
            "--kafka.tls.cert-file=" + cert,
            "--kafka.tls.key-file=" + rsaKey);
    assertThat(e.key()).isEqualTo("kafka.tls.key-file");
    assertThat(e.getMessage()).contains("PKCS#8").doesNotContain("MIIE");

    e = error("--kafka.security.protocol=SSL", "--kafka.tls.ca-file=" + dir.resolve("missing.pem"));
    assertThat(e.key()).isEqualTo("kafka.tls.ca-file");

    Path key = file("k.pem", KEY);
    assertThat(
            load(
                    "--kafka.security.protocol=SSL",
                    "--kafka.tls.cert-file=" + cert,
                    "--kafka.tls.key-file=" + key)
                .kafka()
                .security()
                .keyFile())
        .isEqualTo(key);
  }
}
