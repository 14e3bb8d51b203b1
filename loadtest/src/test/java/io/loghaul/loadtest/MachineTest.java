package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineTest {
  @TempDir Path admin;

  @Test
  void aRunningDamonMonitorIsReportedWithItsSamplingInterval() throws IOException {
    kdamond(0, "on", "paddr", "500000");
    kdamond(1, "off", "vaddr", "5000");
    kdamond(2, "on", "vaddr", "5000");

    List<Map<String, Object>> damon = Machine.damon(admin);

    assertThat(damon)
        .containsExactly(
            Map.of("kdamond", 0, "operations", "paddr", "sample_interval_us", 500_000L),
            Map.of("kdamond", 2, "operations", "vaddr", "sample_interval_us", 5_000L));
  }

  @Test
  void noDamonNoEntry() throws IOException {
    assertThat(Machine.damon(admin.resolve("missing"))).isEmpty();
    Files.createDirectories(admin.resolve("kdamonds"));
    Files.writeString(admin.resolve("kdamonds/nr_kdamonds"), "0\n");
    assertThat(Machine.damon(admin)).isEmpty();
  }

  @Test
  void theOneLineNamesDamonWhenItRuns() throws IOException {
    kdamond(0, "on", "paddr", "500000");
    Map<String, Object> machine =
        new LinkedHashMap<>(
            Map.of("cores", 2, "jdk", "JDK 25", "os", "Linux", "damon", Machine.damon(admin)));

    assertThat(Machine.oneLine(machine))
        .isEqualTo("2 cores, JDK 25, Linux, DAMON on (paddr, sampling every 500 ms)");
    machine.remove("damon");
    assertThat(Machine.oneLine(machine)).isEqualTo("2 cores, JDK 25, Linux");
  }

  private void kdamond(int i, String state, String operations, String sampleUs) throws IOException {
    Path k = admin.resolve("kdamonds/" + i);
    Path context = k.resolve("contexts/0");
    Files.createDirectories(context.resolve("monitoring_attrs/intervals"));
    Files.writeString(k.resolve("state"), state + "\n");
    Files.writeString(context.resolve("operations"), operations + "\n");
    Files.writeString(context.resolve("monitoring_attrs/intervals/sample_us"), sampleUs + "\n");
  }
}
