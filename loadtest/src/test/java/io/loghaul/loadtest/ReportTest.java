package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  @Test
  void readsCpuTimeFromAProcStatLineWhoseNameHasSpaces() {
    String stat =
        "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 566 0 0 20 0 30 0 100 0 0";
    assertThat(ProcStat.parseCpuSeconds(stat)).isEqualTo(18.0);
  }

  @Test
  void readsTheMachinesBusyTimeWithoutIdleAndIoWait() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    assertThat(ProcStat.parseMachineBusySeconds("cpu  1000 20 300 90000 500 7 8 5 0 0"))
        .isEqualTo(13.4);
    assertThat(ProcStat.machineBusySeconds()).isPositive();
  }

  @Test
  void readsCpuByThreadNameWithDigitsFolded() {
    var threads = ProcStat.cpuSecondsByThread(ProcessHandle.current().pid());
    assertThat(threads)
        .isNotEmpty()
        .allSatisfy((name, cpu) -> assertThat(name).doesNotContainPattern("[0-9]"));
    assertThat(threads.values()).allSatisfy(cpu -> assertThat(cpu).isNotNegative());
  }

  @Test
  void readsItsOwnCpuAndMemory() {
    long pid = ProcessHandle.current().pid();
    assertThat(ProcStat.cpuSeconds(pid)).isPositive();
    assertThat(ProcStat.rssBytes(pid)).isGreaterThan(1 << 20);
    assertThat(ProcStat.cpuSeconds(Long.MAX_VALUE)).isEqualTo(-1);
  }

  @Test
  void computesGcPausePercentilesFromAUnifiedGcLog() {
    Map<String, Object> p =
        OtlpSuite.gcPauses(
            List.of(
                "[0.512s] Using G1",
                "[1.001s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 25M->4M(512M) 3.100ms",
                "[2.001s] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 29M->5M(512M) 1.000ms",
                "[3.001s] GC(2) Pause Remark 30M->30M(512M) 2.000ms"));
    assertThat(p)
        .containsEntry("count", 3)
        .containsEntry("p50", 2.0)
        .containsEntry("max", 3.1)
        .containsEntry("total", 6.1);
  }

  @Test
  void describesTheMachine() {
    Map<String, Object> m = Machine.describe();
    assertThat(m).containsKeys("cores", "jdk", "os");
    assertThat(Machine.oneLine(m)).contains(m.get("cores") + " cores");
  }

  @Test
  void writesSummaryJsonMarkdownAndAChart() throws Exception {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", Machine.describe());
    json.put("rows", List.of(Map.of("system", "loghaul", "records", 10)));
    Summary.write(dir, json, "# hello\n");
    JsonNode read = Summary.JSON.readTree(dir.resolve("summary.json").toFile());
    assertThat(read.get("rows").get(0).get("system").asText()).isEqualTo("loghaul");
    assertThat(read.get("machine").get("cores").asInt()).isPositive();
    assertThat(Files.readString(dir.resolve("summary.md"))).isEqualTo("# hello\n");

    Path png = dir.resolve("c.png");
    Charts.bars(
        "t",
        List.of(new Charts.Panel("throughput", "records/s", List.of("a", "b"), List.of(3.0, 1.0))),
        png);
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isPositive();

    Path plot = dir.resolve("p.png");
    Charts.percentiles(
        "lat",
        List.of(new Charts.Series("x", new double[] {50, 99, 100}, new double[] {1, 5, 9})),
        plot);
    assertThat(ImageIO.read(plot.toFile())).isNotNull();
  }

  @Test
  void rendersTheOtlpSummaryAsMarkdown() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", Machine.describe());
    json.put("config", Map.of("rate", 10));
    json.put(
        "ack_latency_ms",
        Map.of(
            "p50", 1.5, "p90", 2, "p95", 3, "p99", 4, "p99_9", 5, "max", 6, "mean", 1.7, "count",
            100));
    json.put(
        "throughput",
        Map.of(
            "offered_requests_per_s",
            10,
            "sent_requests_per_s",
            10,
            "achieved_requests_per_s",
            9.5,
            "achieved_records_per_s",
            9.5));
    json.put("status_codes", Map.of("OK", 100));
    json.put("connections", Map.of("connections", 2));
    assertThat(OtlpSuite.markdown(json))
        .contains("| 1.5 | 2 | 3 | 4 | 5 | 6 | 1.7 | 100 |")
        .contains("OK=100");
  }
}
