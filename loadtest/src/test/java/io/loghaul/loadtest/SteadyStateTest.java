package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.loghaul.loadtest.SteadyState.Sample;
import io.loghaul.loadtest.SteadyState.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SteadyStateTest {
  /**
   * A trial whose JVM spends 3 CPU-s on JIT in its first seconds, then lands 10,000 rows every
   * second at 1 CPU-s per second (of which the JVM 0.5), and ends with a trickle.
   */
  private static List<Sample> trial() {
    List<Sample> s = new ArrayList<>();
    s.add(sample(0, 0, 0, 0, 0));
    s.add(sample(1, 0, 2, 2, 1.5)); // warm-up: nothing lands yet, the JIT is busy
    s.add(sample(2, 10_000, 4, 4, 3));
    for (int t = 3; t <= 12; t++) {
      s.add(sample(t, 10_000L * (t - 1), 4 + (t - 2), 4 + 0.5 * (t - 2), 3));
    }
    s.add(sample(13, 110_000, 14.2, 9.1, 3)); // nothing lands: the last batch waits for its delay
    s.add(sample(14, 112_000, 14.4, 9.2, 3)); // the trickle
    return s;
  }

  private static Sample sample(double t, long rows, double cpu, double jvm, double jit) {
    return new Sample(
        t, rows, cpu, jvm, Map.of(SteadyState.JIT_THREADS, jit, "loghaul-pipeline", jvm - jit));
  }

  @Test
  void measuresBetweenTheFirstLandingAfterTheWarmUpAndNinetyFivePercentOfTheRows() {
    Window w = SteadyState.of(trial(), 2.5).orElseThrow();
    // first landing at or after 2.5 s: t=3 (20,000 rows); 95 % of 112,000 = 106,400 → t=12
    assertThat(w.fromSeconds()).isEqualTo(3);
    assertThat(w.toSeconds()).isEqualTo(12);
    assertThat(w.rows()).isEqualTo(90_000);
    assertThat(w.rowsPerSecond()).isCloseTo(10_000, within(1e-6));
    assertThat(w.cpuUsPerRow()).isCloseTo(100, within(1e-6)); // 9 CPU-s / 90,000 rows
    assertThat(w.jvmCpuUsPerRow()).isCloseTo(50, within(1e-6));
    assertThat(w.jitCpuSeconds()).isZero();
    assertThat(w.threadCpuSeconds().get("loghaul-pipeline")).isCloseTo(4.5, within(1e-9));
  }

  @Test
  void theWholeRunWouldCountTheWarmUpAndTheTail() {
    List<Sample> s = trial();
    Window whole = SteadyState.between(s.get(0), s.get(s.size() - 1));
    assertThat(whole.jitCpuSeconds()).isEqualTo(3);
    assertThat(whole.rowsPerSecond())
        .isLessThan(SteadyState.of(s, 2.5).orElseThrow().rowsPerSecond());
    assertThat(whole.cpuUsPerRow()).isGreaterThan(100);
  }

  @Test
  void aRunTooShortForAWindowHasNone() {
    assertThat(SteadyState.of(trial(), 11)).isEmpty(); // from t=11 to t=12: 1 s
    assertThat(SteadyState.of(trial(), 20)).isEmpty(); // nothing lands after the warm-up
    assertThat(SteadyState.of(List.of(sample(0, 0, 0, 0, 0)), 0)).isEmpty();
  }

  @Test
  void theEnginesWindowHasNoJvmFigures() {
    List<Sample> s = new ArrayList<>();
    for (int t = 0; t <= 10; t++) {
      s.add(new Sample(t, 1_000L * t, 0.01 * t, Double.NaN, Map.of()));
    }
    Window w = SteadyState.of(s, 1).orElseThrow();
    assertThat(w.cpuUsPerRow()).isCloseTo(10, within(1e-9));
    assertThat(w.toMap())
        .containsKeys("records_per_s", "cpu_us_per_record")
        .doesNotContainKey("jvm_cpu_us_per_record");
  }
}
