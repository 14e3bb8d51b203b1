package io.loghaul.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OTLP TLS, token and tenant-rate keys (docs/configuration.md#otlp-tls). */
class OtlpSecurityConfigTest {
  private static final String CERT =
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final String KEY =
      "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

  @TempDir Path dir;

  private static ConfigException error(String... args) {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.load(List.of(args), Map.of()));
    assertThat(e).as("ConfigException for %s", List.of(args)).isNotNull();
    return e;
  }

  @Test
  void readsTlsTokensAndTheTenantRate() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), CERT, UTF_8);
    Path key = Files.writeString(dir.resolve("k.pem"), KEY, UTF_8);
    Path tokens = Files.writeString(dir.resolve("tokens"), "a 0123456789abcdef0\n", UTF_8);

    LoghaulConfig.Otlp otlp =
        ConfigLoader.load(
                List.of(
                    "--otlp.tls.cert-file=" + cert,
                    "--otlp.tls.key-file=" + key,
                    "--otlp.tls.client-ca-file=" + cert,
                    "--otlp.tls.min-version=TLSv1.3",
                    "--otlp.auth.tokens-file=" + tokens,
                    "--otlp.tenant.max-records-per-second=500"),
                Map.of())
            .otlp();

    assertThat(otlp.tls().certFile()).isEqualTo(cert);
    assertThat(otlp.tls().clientCaFile()).isEqualTo(cert);
    assertThat(otlp.tls().minVersion()).isEqualTo("TLSv1.3");
    assertThat(otlp.tokensFile()).isEqualTo(tokens);
    assertThat(otlp.tenantMaxRecordsPerSecond()).isEqualTo(500);
  }

  @Test
  void refusesIncompleteOrInconsistentSettingsNamingTheKey() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), CERT, UTF_8);
    Path rsa =
        Files.writeString(
            dir.resolve("rsa.pem"),
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n",
            UTF_8);

    assertThat(error("--otlp.tls.cert-file=" + cert).key()).isEqualTo("otlp.tls.key-file");
    assertThat(error("--otlp.tls.client-ca-file=" + cert).key())
        .isEqualTo("otlp.tls.client-ca-file");
    assertThat(error("--otlp.tls.min-version=TLSv1.3").key()).isEqualTo("otlp.tls.min-version");
    assertThat(error("--otlp.tls.cert-file=" + cert, "--otlp.tls.key-file=" + rsa).key())
        .isEqualTo("otlp.tls.key-file");
    assertThat(
            error(
                    "--otlp.tls.cert-file=" + cert,
                    "--otlp.tls.key-file=" + cert,
                    "--otlp.tls.min-version=TLSv1.1")
                .key())
        .isEqualTo("otlp.tls.min-version");
    assertThat(error("--otlp.tenant.max-records-per-second=10").key())
        .isEqualTo("otlp.tenant.max-records-per-second");
    assertThat(error("--otlp.tenant.max-records-per-second=-1").key())
        .isEqualTo("otlp.tenant.max-records-per-second");
  }
}
