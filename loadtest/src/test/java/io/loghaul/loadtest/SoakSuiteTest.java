package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakSuiteTest {
  private static SoakSuite suite(String... args) {
    return new SoakSuite(Options.parse("soak", List.of(args), SoakSuite.OPTIONS));
  }

  @Test
  void defaultsToThirtyMinutesAtAThousandRequestsWithTwoHundredSlowClients() {
    SoakSuite s = suite();
    assertThat(s.duration).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.rate).isEqualTo(1000.0);
    assertThat(s.slowClients).isEqualTo(200);
    assertThat(s.sampleInterval).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.targetHost).isNull();
    assertThat(s.mix.share(SoakKind.VALID_GRPC)).isEqualTo(0.4);
    assertThat(s.malformedKinds).hasSize(10);
    assertThat(s.out.toString()).startsWith(Path.of("bench-results", "soak-").toString());
  }

  @Test
  void acceptsDurationsLikeTheOtherSuites() {
    assertThat(suite("--duration=30s", "--warmup=10s").duration).isEqualTo(Duration.ofSeconds(30));
    assertThat(suite("--duration=5m").duration).isEqualTo(Duration.ofMinutes(5));
    assertThat(suite("--duration=30m").duration).isEqualTo(Duration.ofMinutes(30));
    assertThat(SoakSuite.human(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(SoakSuite.human(Duration.ofMinutes(30))).isEqualTo("30m");
    assertThat(SoakSuite.human(Duration.ofMillis(500))).isEqualTo("500ms");
  }

  @Test
  void parsesTheMixAndTheSlowClients() {
    SoakSuite s =
        suite(
            "--valid=0.6",
            "--partial=0.2",
            "--malformed=0.2",
            "--grpc-share=0",
            "--json-share=1",
            "--malformed-kinds=huge-exponent,deep-nesting",
            "--slow-clients=0",
            "--slow-body-share=1",
            "--slow-interval=2s");
    assertThat(s.mix.share(SoakKind.VALID_HTTP_JSON)).isEqualTo(0.6);
    assertThat(s.mix.share(SoakKind.VALID_GRPC)).isZero();
    assertThat(s.mix.share(SoakKind.HUGE_EXPONENT)).isEqualTo(0.1);
    assertThat(s.slowClients).isZero();
    assertThat(s.slowBodyShare).isEqualTo(1.0);
    assertThat(s.slowInterval).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void takesALoopbackTargetWithOrWithoutItsGrpcPort() {
    SoakSuite s = suite("--target=127.0.0.1:14317", "--http-port=14318", "--admin-port=19464");
    assertThat(s.targetHost).isEqualTo("127.0.0.1");
    assertThat(s.targetGrpcPort).isEqualTo(14317);
    assertThat(s.targetHttpPort).isEqualTo(14318);
    assertThat(s.targetAdminPort).isEqualTo(19464);
    SoakSuite d = suite("--target=localhost");
    assertThat(d.targetGrpcPort).isEqualTo(4317);
    assertThat(d.targetHttpPort).isEqualTo(4318);
    assertThat(d.targetAdminPort).isEqualTo(9464);
    assertThat(suite("--target=::1").targetHost).isEqualTo("::1");
  }

  @Test
  void sendsOnlyToThisMachine() {
    assertThatThrownBy(() -> suite("--target=192.0.2.10:4317"))
        .hasMessageContaining("--target: 192.0.2.10 (expected: a loopback address");
    assertThatThrownBy(() -> suite("--target=example.invalid"))
        .hasMessageContaining("expected: a loopback address");
  }

  @Test
  void rejectsUnboundedOrInconsistentRuns() {
    assertThatThrownBy(() -> suite("--duration=25h")).hasMessageContaining("--duration");
    assertThatThrownBy(() -> suite("--rate=1000000")).hasMessageContaining("--rate: 1000000");
    assertThatThrownBy(() -> suite("--duration=30s"))
        .hasMessageContaining("--warmup: PT1M (expected: < --duration");
    assertThatThrownBy(() -> suite("--slow-clients=20000"))
        .hasMessageContaining("--slow-clients: 20000");
    assertThatThrownBy(() -> suite("--slow-clients=-1"))
        .hasMessage("soak: --slow-clients: -1 (expected: an integer >= 0)");
    assertThatThrownBy(() -> suite("--valid=0.5"))
        .hasMessageContaining("--valid + --partial + --malformed");
    assertThatThrownBy(() -> suite("--valid=1.5"))
        .hasMessage("soak: --valid: 1.5 (expected: a number in [0, 1])");
    assertThatThrownBy(() -> suite("--sample-interval=10ms"))
        .hasMessageContaining("--sample-interval");
  }
}
