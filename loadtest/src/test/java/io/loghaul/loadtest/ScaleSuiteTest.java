package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleSuiteTest {
  private static ScaleSuite suite(String... args) {
    return new ScaleSuite(Options.parse("scale", List.of(args), ScaleSuite.OPTIONS));
  }

  @Test
  void parsesInstanceCountsAndPids() {
    assertThat(ScaleSuite.parseInstances("1,2, 4")).containsExactly(1, 2, 4);
    assertThat(ScaleSuite.parsePids("")).isEmpty();
    assertThat(ScaleSuite.parsePids("12,34")).containsExactly(12L, 34L);
  }

  @Test
  void rejectsBadInstanceCountsAndPidsNamingTheOption() {
    assertThatThrownBy(() -> ScaleSuite.parseInstances("1,0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--instances");
    assertThatThrownBy(() -> ScaleSuite.parsePids("12,x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--clickhouse-pids");
    assertThatThrownBy(() -> suite("--instances=1,4", "--partitions=2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most --partitions=2");
    assertThatThrownBy(() -> suite("--clickhouse-pids=12"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only with --clickhouse-url");
  }

  @Test
  void markdownHasOneRowPerTrial() {
    Map<String, Object> machine = Machine.describe();
    machine.put("load_average_at_start", "1.00 1.00 1.00");
    machine.put("load_average_at_end", "2.00 1.00 1.00");
    String md =
        ScaleSuite.markdown(
            machine,
            List.of(
                Map.of(
                    "instances", 1,
                    "completed", true,
                    "window_rows", 1000L,
                    "window_seconds", 1.0,
                    "records_per_s", 1000.0,
                    "loghaul_cpu_us_per_record", 7.0,
                    "clickhouse_cpu_us_per_record", 6.0,
                    "loghaul_cpu_seconds", 0.007,
                    "clickhouse_cpu_seconds", 0.006,
                    "load_average", "1.5 1.0 1.0"),
                Map.of("instances", 2, "completed", false)),
            true);
    assertThat(md)
        .contains("| 1 | 1000 | 1.0 | 1000.0 | 7.0 | 6.0 |")
        .contains("| 2 | did not complete |");
  }
}
