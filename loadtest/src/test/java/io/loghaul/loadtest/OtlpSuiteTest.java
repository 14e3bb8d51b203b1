package io.loghaul.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS and token options of {@code bench otlp} and what they generate. */
class OtlpSuiteTest {
  @TempDir Path dir;

  private static OtlpSuite suite(String... args) {
    return new OtlpSuite(Options.parse("otlp", List.of(args), OtlpSuite.OPTIONS));
  }

  @Test
  void isPlaintextUnlessAsked() {
    OtlpSuite s = suite();
    assertThat(s.tls).isFalse();
    assertThat(s.token).isFalse();
    assertThat(s.securityCompare).isFalse();
    assertThat(s.caFile).isNull();
    assertThat(s.tokenFile).isNull();
  }

  @Test
  void takesTlsAndTokenForAStartedLoghaulAndFilesForATarget() {
    OtlpSuite started = suite("--tls", "--token", "--rate=3000");
    assertThat(started.tls).isTrue();
    assertThat(started.token).isTrue();
    OtlpSuite target =
        suite("--target=host:4317", "--tls", "--ca-file=ca.pem", "--token", "--token-file=t");
    assertThat(target.caFile).isEqualTo(Path.of("ca.pem"));
    assertThat(target.tokenFile).isEqualTo(Path.of("t"));
    assertThat(suite("--security-compare").securityCompare).isTrue();
  }

  @Test
  void rejectsInconsistentSecurityOptionsNamingTheOption() {
    assertThatThrownBy(() -> suite("--ca-file=ca.pem"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("otlp: --ca-file is for a running loghaul");
    assertThatThrownBy(() -> suite("--token-file=t"))
        .hasMessageStartingWith("otlp: --token-file is for a running loghaul");
    assertThatThrownBy(() -> suite("--target=h:1", "--tls"))
        .hasMessageStartingWith("otlp: --tls with --target needs --ca-file");
    assertThatThrownBy(() -> suite("--target=h:1", "--ca-file=ca.pem"))
        .hasMessageStartingWith("otlp: --tls with --target needs --ca-file");
    assertThatThrownBy(() -> suite("--target=h:1", "--token"))
        .hasMessageStartingWith("otlp: --token with --target needs --token-file");
    assertThatThrownBy(() -> suite("--security-compare", "--tls"))
        .hasMessageStartingWith("otlp: --security-compare starts loghaul twice");
    assertThatThrownBy(() -> suite("--security-compare", "--target=h:1"))
        .hasMessageStartingWith("otlp: --security-compare");
    assertThatThrownBy(() -> suite("--tls=yes"))
        .hasMessage("otlp: --tls: yes (expected: true or false)");
  }

  @Test
  void generatesACaAServerCertificateAndATokensFileForTheStartedLoghaul() throws Exception {
    OtlpSecurity s = OtlpSecurity.generate(dir, true, true);
    assertThat(s.label()).isEqualTo("tls+token");
    assertThat(Files.readString(s.caFile())).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(s.certFile())).contains("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(s.keyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readAllLines(s.tokensFile())).contains("bench " + s.token());
    assertThat(s.token()).hasSizeGreaterThanOrEqualTo(16);
    assertThat(s.serverFlags())
        .containsExactly(
            "--otlp.tls.cert-file=" + s.certFile(),
            "--otlp.tls.key-file=" + s.keyFile(),
            "--otlp.auth.tokens-file=" + s.tokensFile());
    assertThat(s.toString()).doesNotContain(s.token());
    assertThat(OtlpSecurity.generate(dir.resolve("t"), false, true).label()).isEqualTo("token");
    assertThat(OtlpSecurity.generate(dir.resolve("c"), true, false).serverFlags()).hasSize(2);
    assertThat(OtlpSecurity.generate(dir, false, false)).isSameAs(OtlpSecurity.PLAINTEXT);
  }

  @Test
  void readsTheTokenForATargetFromTheFirstLineOfItsFile() throws Exception {
    Path t = Files.writeString(dir.resolve("token"), "s3cret-token-0123456789\n", UTF_8);
    OtlpSecurity s = OtlpSecurity.forTarget(Path.of("ca.pem"), t);
    assertThat(s.token()).isEqualTo("s3cret-token-0123456789");
    assertThat(s.serverFlags()).isEmpty();
    assertThat(s.label()).isEqualTo("tls+token");
    Path empty = Files.writeString(dir.resolve("empty"), "\n", UTF_8);
    assertThatThrownBy(() -> OtlpSecurity.forTarget(null, empty))
        .hasMessageContaining("--token-file")
        .hasMessageContaining("expected: the token on its first line");
  }

  @Test
  void comparesTheTwoRunsRowByRowWithRatios() {
    Map<String, Object> json =
        OtlpSuite.comparison(run("plaintext", 2.0, 10.0, 0.5), run("tls+token", 3.0, 12.5, 0.6));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) json.get("rows");
    assertThat(rows).extracting(r -> r.get("security")).containsExactly("plaintext", "tls+token");
    assertThat(rows.get(1)).containsEntry("p99", 12.5).containsEntry("cpu_cores_used", 0.6);
    assertThat(json.get("ratio_tls_token_to_plaintext"))
        .isEqualTo(
            Map.of(
                "p50",
                1.5,
                "p90",
                1.5,
                "p99",
                1.25,
                "p99_9",
                1.25,
                "max",
                1.25,
                "cpu_cores_used",
                1.2));
    assertThat(json.get("config")).isEqualTo(Map.of("rate", 3000.0));
    String md = OtlpSuite.comparisonMarkdown(json);
    assertThat(md)
        .contains("| plaintext | 2.0 | 2.0 | 10.0 | 10.0 | 10.0 | 3000.0 | 0.5 |")
        .contains("| ratio | 1.5 | 1.5 | 1.25 | 1.25 | 1.25 | | 1.2 | | |");
  }

  private static Map<String, Object> run(String security, double p50, double p99, double cpu) {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("security", security);
    cfg.put("rate", 3000.0);
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("p50", p50);
    lat.put("p90", p50);
    lat.put("p99", p99);
    lat.put("p99_9", p99);
    lat.put("max", p99);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", Map.of("cores", 2));
    json.put("config", cfg);
    json.put("ack_latency_ms", lat);
    json.put("throughput", Map.of("achieved_requests_per_s", 3000.0));
    json.put("status_codes", Map.of("OK", 100L));
    json.put("server", Map.of("cpu_cores_used", cpu, "other_processes_cpu_cores_used", 0.1));
    return json;
  }
}
