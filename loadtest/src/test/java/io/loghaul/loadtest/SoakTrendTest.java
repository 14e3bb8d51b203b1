package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoakTrendTest {
  @Test
  void comparesTheLastThirdWithTheFirst() {
    SoakTrend up = SoakTrend.of("RSS", "MB", List.of(500.0, 510.0, 520.0, 560.0, 580.0, 600.0));
    assertThat(up.firstThird()).isEqualTo(505.0);
    assertThat(up.lastThird()).isEqualTo(590.0);
    assertThat(up.verdict()).isEqualTo("up");
    assertThat(up.line()).contains("RSS: 505.0 → 590.0 MB (+16.8 %").endsWith("up");
  }

  @Test
  void callsChangesWithinTenPercentFlat() {
    assertThat(SoakTrend.of("P99", "ms", List.of(10.0, 12.0, 9.0, 11.0, 10.5, 10.0)).verdict())
        .isEqualTo("flat");
    assertThat(SoakTrend.of("P99", "ms", List.of(20.0, 20.0, 15.0, 10.0, 10.0, 10.0)).verdict())
        .isEqualTo("down");
    assertThat(SoakTrend.of("GC", "ms", List.of(0.0, 0.0, 0.0)).verdict()).isEqualTo("flat");
  }

  @Test
  void leavesUnknownValuesOutAndNeedsThreeSamples() {
    SoakTrend t = SoakTrend.of("P99", "ms", List.of(Double.NaN, 10.0, Double.NaN, 30.0));
    assertThat(t.samples()).isEqualTo(2);
    assertThat(t.verdict()).isEqualTo("too short");
    assertThat(t.line()).contains("too short");
    assertThat(t.toJson())
        .containsEntry("verdict", "too short")
        .doesNotContainKey("change_percent");
  }
}
