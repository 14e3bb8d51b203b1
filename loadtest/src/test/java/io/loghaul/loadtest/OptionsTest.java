package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {
  private static final Set<String> KNOWN =
      Set.of("rate", "duration", "bad-ratio", "quick", "records");

  @Test
  void parsesValuesAndDefaults() {
    Options o =
        Options.parse(
            "otlp",
            List.of("--rate=2500", "--duration=2m", "--quick", "--records=1_000_000"),
            KNOWN);
    assertThat(o.positiveDouble("rate", 1)).isEqualTo(2500.0);
    assertThat(o.duration("duration", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.flag("quick")).isTrue();
    assertThat(o.positiveLong("records", 0)).isEqualTo(1_000_000L);
    assertThat(o.ratio("bad-ratio", 0.25)).isEqualTo(0.25);
  }

  @Test
  void acceptsDurationsInSecondsMillisecondsAndPlainNumbers() {
    assertThat(Options.parse("s", List.of("--duration=30s"), KNOWN).duration("duration", null))
        .hasSeconds(30);
    assertThat(Options.parse("s", List.of("--duration=500ms"), KNOWN).duration("duration", null))
        .hasMillis(500);
    assertThat(Options.parse("s", List.of("--duration=1.5"), KNOWN).duration("duration", null))
        .hasMillis(1500);
  }

  @Test
  void rejectsUnknownKeysNamingTheKnownOnes() {
    assertThatThrownBy(() -> Options.parse("otlp", List.of("--rat=5"), KNOWN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option --rat")
        .hasMessageContaining("--rate");
  }

  @Test
  void rejectsBadValuesNamingKeyAndExpectation() {
    Options o =
        Options.parse(
            "compare",
            List.of("--records=0", "--bad-ratio=1.5", "--rate=x", "--duration=soon"),
            KNOWN);
    assertThatThrownBy(() -> o.positiveLong("records", 1))
        .hasMessage("compare: --records: 0 (expected: an integer > 0)");
    assertThatThrownBy(() -> o.ratio("bad-ratio", 0))
        .hasMessage("compare: --bad-ratio: 1.5 (expected: a number in [0, 1))");
    assertThatThrownBy(() -> o.positiveDouble("rate", 1))
        .hasMessage("compare: --rate: x (expected: a number > 0)");
    assertThatThrownBy(() -> o.duration("duration", null)).hasMessageContaining("--duration: soon");
  }

  @Test
  void rejectsPositionalArguments() {
    assertThatThrownBy(() -> Options.parse("otlp", List.of("fast"), KNOWN))
        .hasMessageContaining("unexpected argument 'fast'");
  }

  @Test
  void parsesEngineConfigurations() {
    List<int[]> configs = CompareSuite.parseEngineConfigs("1x65536, 2x1048576");
    assertThat(configs).hasSize(2);
    assertThat(configs.get(1)).containsExactly(2, 1_048_576);
    assertThatThrownBy(() -> CompareSuite.parseEngineConfigs("2"))
        .hasMessageContaining("--engine-configs: 2");
    assertThat(CompareSuite.parseEngineConfigs("none")).isEmpty();
  }

  @Test
  void parsesTheKafkaListenersOfLoghaulsTrials() {
    assertThat(CompareSuite.parseKafkaSecurity("plaintext"))
        .containsExactly(CompareSuite.KafkaSecurity.PLAINTEXT);
    assertThat(CompareSuite.parseKafkaSecurity("sasl_ssl"))
        .containsExactly(CompareSuite.KafkaSecurity.SASL_SSL);
    assertThat(CompareSuite.parseKafkaSecurity("both"))
        .containsExactly(CompareSuite.KafkaSecurity.PLAINTEXT, CompareSuite.KafkaSecurity.SASL_SSL);
    assertThatThrownBy(() -> CompareSuite.parseKafkaSecurity("ssl"))
        .hasMessage("compare: --kafka-security: ssl (expected: plaintext, sasl_ssl or both)");
  }

  @Test
  void givesLoghaulTheSaslSslListenersSettingsWithThePasswordInAFile(@TempDir Path dir)
      throws Exception {
    SecureListener l = SecureListener.create(dir);
    assertThat(l.loghaulFlags())
        .containsExactly(
            "--kafka.bootstrap=127.0.0.1:" + l.port(),
            "--kafka.security.protocol=SASL_SSL",
            "--kafka.sasl.mechanism=SCRAM-SHA-512",
            "--kafka.sasl.username=" + SecureListener.USER,
            "--kafka.sasl.password-file=" + l.passwordFile(),
            "--kafka.tls.ca-file=" + l.caFile());
    assertThat(Files.readString(l.passwordFile()).strip()).isEqualTo(l.password());
    assertThat(String.join(" ", l.loghaulFlags())).doesNotContain(l.password());
    assertThat(l.toString()).doesNotContain(l.password());
    assertThat(l.brokerOverrides())
        .containsEntry("listener.security.protocol.map", "SASLSSL:SASL_SSL")
        .containsEntry("listener.name.saslssl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
  }

  @Test
  void parsesLoghaulConfigurations() {
    assertThat(CompareSuite.parseLoghaulConfigs("default; --batch.max-rows=5 --batch.max-bytes=9"))
        .containsExactly("", "--batch.max-rows=5 --batch.max-bytes=9");
    assertThat(CompareSuite.parseLoghaulConfigs(CompareSuite.DEFAULT_LOGHAUL_CONFIGS))
        .containsExactly("");
    assertThatThrownBy(() -> CompareSuite.parseLoghaulConfigs("default;batch.max-rows=5"))
        .hasMessageContaining("--loghaul-configs: default;batch.max-rows=5");
  }

  @Test
  void parsesOneJvmOptionSetPerTrial() {
    assertThat(
            CompareSuite.parseJvmOpts(
                "-Xmx1g -XX:AOTCacheOutput=a.aot ; -Xmx1g;-Xmx1g   -XX:AOTCache=a.aot"))
        .containsExactly("-Xmx1g -XX:AOTCacheOutput=a.aot", "-Xmx1g", "-Xmx1g -XX:AOTCache=a.aot");
    assertThat(CompareSuite.parseJvmOpts("-Xms1g -Xmx1g")).containsExactly("-Xms1g -Xmx1g");
  }
}
