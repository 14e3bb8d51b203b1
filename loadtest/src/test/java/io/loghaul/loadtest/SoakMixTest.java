package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.loghaul.loadtest.SoakKind.Category;
import io.loghaul.loadtest.SoakKind.Transport;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SoakMixTest {
  private final SoakMix mix =
      new SoakMix(0.8, 0.1, 0.1, 0.5, 0.5, SoakMix.parseMalformedKinds("all"));

  @Test
  void sharesAddUpToOneAndFollowTheOptions() {
    double sum = 0;
    double malformed = 0;
    for (SoakKind k : SoakKind.values()) {
      sum += mix.share(k);
      malformed += k.category == Category.MALFORMED ? mix.share(k) : 0;
    }
    assertThat(sum).isCloseTo(1, within(1e-9));
    assertThat(malformed).isCloseTo(0.1, within(1e-9));
    assertThat(mix.share(SoakKind.VALID_GRPC)).isCloseTo(0.4, within(1e-9));
    assertThat(mix.share(SoakKind.VALID_HTTP_JSON)).isCloseTo(0.2, within(1e-9));
    assertThat(mix.share(SoakKind.HUGE_EXPONENT)).isCloseTo(0.01, within(1e-9));
    assertThat(mix.share(Transport.GRPC) + mix.share(Transport.HTTP)).isCloseTo(1, within(1e-9));
  }

  @Test
  void picksEachTransportsKindsInProportion() {
    SplittableRandom random = new SplittableRandom(1);
    Map<SoakKind, Integer> counts = new EnumMap<>(SoakKind.class);
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      SoakKind k = mix.pick(Transport.HTTP, random);
      assertThat(k.transport).isEqualTo(Transport.HTTP);
      counts.merge(k, 1, Integer::sum);
    }
    for (SoakKind k : counts.keySet()) {
      assertThat(counts.get(k) / (double) n)
          .as(k.label())
          .isCloseTo(mix.share(k) / mix.share(Transport.HTTP), within(0.01));
    }
    assertThat(counts)
        .containsKeys(
            SoakKind.HUGE_EXPONENT,
            SoakKind.DEEP_NESTING,
            SoakKind.BAD_GZIP,
            SoakKind.VALID_HTTP_JSON,
            SoakKind.PARTIAL_HTTP_PROTOBUF);
  }

  @Test
  void aTransportWithoutShareGetsNothing() {
    SoakMix httpOnly = new SoakMix(0.9, 0.1, 0, 0, 1, Set.of());
    assertThat(httpOnly.share(Transport.GRPC)).isZero();
    assertThat(httpOnly.pick(Transport.GRPC, new SplittableRandom(1))).isNull();
    assertThat(httpOnly.pick(Transport.HTTP, new SplittableRandom(1)))
        .isIn(SoakKind.VALID_HTTP_JSON, SoakKind.PARTIAL_HTTP_JSON);
  }

  @Test
  void rejectsSharesThatDoNotAddUpAndUnknownKinds() {
    assertThatThrownBy(
            () -> new SoakMix(0.8, 0.1, 0.2, 0.5, 0.5, SoakMix.parseMalformedKinds("all")))
        .hasMessageContaining("--valid + --partial + --malformed");
    assertThatThrownBy(() -> new SoakMix(0.8, 0.1, 0.1, 0.5, 0.5, Set.of()))
        .hasMessageContaining("--malformed-kinds is empty");
    assertThatThrownBy(() -> SoakMix.parseMalformedKinds("huge-exponent,nonsense"))
        .hasMessageContaining("--malformed-kinds: huge-exponent,nonsense")
        .hasMessageContaining("bad-gzip");
    assertThatThrownBy(() -> SoakMix.parseMalformedKinds("valid-grpc"))
        .hasMessageContaining("expected");
  }

  @Test
  void parsesMalformedKindLists() {
    assertThat(SoakMix.parseMalformedKinds("huge-exponent, bad-gzip"))
        .containsExactlyInAnyOrder(SoakKind.HUGE_EXPONENT, SoakKind.BAD_GZIP);
    assertThat(SoakMix.parseMalformedKinds("none")).isEmpty();
    assertThat(SoakMix.parseMalformedKinds("all"))
        .hasSize(10)
        .allSatisfy(k -> assertThat(k.category).isEqualTo(Category.MALFORMED));
  }
}
