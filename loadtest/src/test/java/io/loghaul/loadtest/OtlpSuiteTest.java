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
  void passesLoghaulArgsToTheLoghaulItStartsOnly() {
    assertThat(
            suite("--loghaul-args= --kafka.client.linger.ms=1  --batch.max-rows=5000 ").loghaulArgs)
        .containsExactly("--kafka.client.linger.ms=1", "--batch.max-rows=5000");
    assertThat(suite().loghaulArgs).isEmpty();
    assertThatThrownBy(() -> suite("--target=host:4317", "--loghaul-args=--batch.max-rows=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--loghaul-args");
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

  @Test
  void takesSeveralRequestShapesWithOneRateForAllOrOneRateEach() {
    OtlpSuite one = suite();
    assertThat(one.recordsPerRequest).containsExactly(1);
    assertThat(one.rates).containsExactly(10_000.0);
    OtlpSuite same = suite("--records-per-request=1,100", "--rate=5000");
    assertThat(same.recordsPerRequest).containsExactly(1, 100);
    assertThat(same.rates).containsExactly(5000.0, 5000.0);
    OtlpSuite each = suite("--records-per-request=1,100", "--rate=10000,100");
    assertThat(each.rates).containsExactly(10_000.0, 100.0);
    assertThatThrownBy(() -> suite("--records-per-request=1,100", "--rate=1,2,3"))
        .hasMessage(
            "otlp: --rate: 1,2,3 (expected: one rate, or one per --records-per-request shape: 2)");
    assertThatThrownBy(() -> suite("--records-per-request=1,0"))
        .hasMessage(
            "otlp: --records-per-request: 1,0 (expected: positive numbers, comma-separated)");
    assertThatThrownBy(() -> suite("--rate=fast"))
        .hasMessage("otlp: --rate: fast (expected: positive numbers, comma-separated)");
  }

  @Test
  void startsTheBrokerInItsOwnProcessOnlyForALoghaulItStarts() {
    assertThat(suite().brokerProcess).isFalse();
    OtlpSuite p = suite("--broker=process");
    assertThat(p.brokerProcess).isTrue();
    assertThat(p.brokerJvmOpts)
        .isEqualTo(
            "-Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20"
                + " -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent");
    assertThatThrownBy(() -> suite("--broker=docker"))
        .hasMessage("otlp: --broker: docker (expected: embedded or process)");
    assertThatThrownBy(() -> suite("--broker=process", "--target=h:1"))
        .hasMessageStartingWith("otlp: --broker=process starts the broker of the loghaul");
    OtlpSuite t =
        suite("--target=h:1", "--server-pid=7", "--broker-pid=8", "--server-gc-log=gc.log");
    assertThat(t.brokerPid).isEqualTo(8);
    assertThat(t.serverGcLog).isEqualTo(Path.of("gc.log"));
    assertThatThrownBy(() -> suite("--broker-pid=8"))
        .hasMessage("otlp: --broker-pid is for a running loghaul (expected: with --target)");
    assertThatThrownBy(() -> suite("--server-gc-log=gc.log"))
        .hasMessage("otlp: --server-gc-log is for a running loghaul (expected: with --target)");
    assertThat(BrokerProcess.command(Path.of("d"), 9))
        .containsExactly("broker", "--port=9", "--data=d", "--stdin");
  }

  @Test
  void startsTheServerAndBrokerJvmsWithTheJdkOptionsOfTheLauncher() {
    assertThat(LauncherJdkOptions.of(25))
        .containsExactly(
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    assertThat(LauncherJdkOptions.of(21)).containsExactly("--enable-native-access=ALL-UNNAMED");
  }

  @Test
  void startsServersWithHugePagesWhereTheKernelOffersThem() {
    assertThat(LauncherJdkOptions.forServer(21, true))
        .containsExactly("--enable-native-access=ALL-UNNAMED", "-XX:+UseTransparentHugePages");
    assertThat(LauncherJdkOptions.forServer(21, false))
        .containsExactly("--enable-native-access=ALL-UNNAMED");
  }

  @Test
  void countsOnlyTheGcPausesOfTheMeasuredWindow() {
    List<String> log =
        List.of(
            "[0.512s] Using G1",
            "[1.001s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 25M->4M(512M) 9.000ms",
            "[2.001s] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 29M->5M(512M) 1.000ms",
            "[3.001s] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 29M->5M(512M) 2.000ms",
            "[4.001s] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 29M->5M(512M) 7.000ms");
    assertThat(OtlpSuite.gcPauses(log, 1.5, 3.5))
        .containsEntry("count", 2)
        .containsEntry("max", 2.0)
        .containsEntry("total", 3.0);
    assertThat(OtlpSuite.gcPauses(log, -1, -1)).containsEntry("count", 4);
    assertThat(OtlpSuite.gcPauses(log, 3.5, -1)).containsEntry("count", 1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void summarisesSeveralShapesOneRowEach() {
    Map<String, Object> a = run("plaintext", 2, 10, 0.5);
    Map<String, Object> b = run("plaintext", 3, 12, 0.4);
    ((Map<String, Object>) a.get("config")).put("records_per_request", 1);
    ((Map<String, Object>) b.get("config")).put("records_per_request", 100);
    Map<String, Object> srv = new LinkedHashMap<>();
    srv.put("cpu_cores_used", 0.9);
    srv.put("cpu_us_per_request", 90.0);
    srv.put("broker_cpu_us_per_request", 30.0);
    srv.put("child_processes_cpu_us_per_request", 5.0);
    srv.put("gc_pause_ms", Map.of("count", 3, "p99", 12.5, "total", 20.0));
    srv.put("broker_gc_pause_ms", Map.of("count", 0));
    srv.put("other_processes_cpu_cores_used", 0.1);
    a.put("server", srv);
    Map<String, Object> json = OtlpSuite.shapes(List.of(a, b));
    assertThat((List<?>) json.get("shapes")).hasSize(2);
    assertThat((Map<String, Object>) json.get("config")).doesNotContainKey("records_per_request");
    assertThat(OtlpSuite.shapesMarkdown(json))
        .contains(
            "| 1 | null | 3000.0 | 2.0 | 10.0 | 10.0 | 10.0 | 90.0 | 30.0 | 5.0 | 0.9 |"
                + " 3, 12.5, 20.0 | 0, -, - | 0.1 | {OK=100} |")
        .contains("| 100 | null | 3000.0 | 3.0 | 12.0 |");
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
