package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loghaul.loadtest.SoakKind.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakSampleTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @TempDir Path dir;

  static SoakSample sample(double t, boolean warmup, double p99, long rssBytes) {
    long[] statuses = new long[SoakRecorder.Status.values().length];
    return new SoakSample(
        t,
        10,
        warmup,
        1000,
        990,
        800,
        p99 / 4,
        p99,
        p99 * 2,
        p99 * 3,
        p99,
        p99,
        statuses,
        statuses.clone(),
        rssBytes,
        200L << 20,
        12.5,
        2,
        30,
        4,
        -1,
        700,
        200,
        0,
        0);
  }

  @Test
  void aggregatesOneIntervalOfEachSource() {
    SoakRecorder r = new SoakRecorder(0);
    for (int i = 1; i <= 100; i++) {
      r.sent(SoakKind.VALID_GRPC);
      r.completed(SoakKind.VALID_GRPC, SoakRecorder.Status.OK, "grpc OK", i * MS);
    }
    r.sent(SoakKind.TRUNCATED_JSON);
    r.completed(SoakKind.TRUNCATED_JSON, SoakRecorder.Status.BAD_REQUEST, "http 400", MS);
    r.sent(SoakKind.VALID_HTTP_JSON);
    r.completed(SoakKind.VALID_HTTP_JSON, SoakRecorder.Status.TIMEOUT, "http timeout", 10_000 * MS);
    ServerProbe.Reading server =
        new ServerProbe.Reading(600L << 20, 150L << 20, 42.0, 3, 250, 4, -1, 800);
    SoakSample s =
        SoakSample.of(
            20, false, r.interval(2_000 * MS), server, new SlowClients.Interval(200, 5, 5));

    assertThat(s.offeredPerSecond()).isEqualTo(51.0);
    assertThat(s.completedPerSecond()).isEqualTo(51.0);
    assertThat(s.validCount()).isEqualTo(101);
    assertThat(s.p50Ms()).isBetween(50.0, 52.0);
    assertThat(s.p99Ms()).isBetween(99.0, 101.0);
    assertThat(s.maxMs()).isBetween(9_990.0, 10_010.0);
    assertThat(s.grpcP99Ms()).isBetween(99.0, 101.0);
    assertThat(s.httpP99Ms()).isBetween(9_990.0, 10_010.0);
    assertThat(s.statuses(Transport.GRPC, SoakRecorder.Status.OK)).isEqualTo(100);
    assertThat(s.statuses(Transport.HTTP, SoakRecorder.Status.TIMEOUT)).isEqualTo(1);
    assertThat(s.errors(Transport.HTTP)).isEqualTo(1);
    assertThat(s.rssBytes()).isEqualTo(600L << 20);
    assertThat(s.gcPauseMs()).isEqualTo(42.0);
    assertThat(s.slowOpen()).isEqualTo(200);
    assertThat(s.slowClosedByServer()).isEqualTo(5);
  }

  @Test
  void anIntervalWithoutValidRequestsHasNoLatency() {
    SoakSample s =
        SoakSample.of(
            10,
            true,
            new SoakRecorder(0).interval(10_000 * MS),
            new ServerProbe.Reading(-1, -1, Double.NaN, -1, -1, -1, -1, -1),
            new SlowClients.Interval(0, 0, 0));
    assertThat(s.p99Ms()).isNaN();
    assertThat(s.csvRow()).startsWith("10,10,true,0,0,0,,,,,,,");
  }

  @Test
  void csvRowsHaveOneCellPerHeaderColumnAndUnknownsEmpty() {
    List<String> header = SoakSample.csvHeader();
    assertThat(header)
        .contains(
            "t_s",
            "p99_ms",
            "grpc_2xx",
            "grpc_conn_error",
            "http_415",
            "http_timeout",
            "rss_mb",
            "http_skipped",
            "heap_used_mb",
            "gc_pause_ms",
            "server_conns_http",
            "server_conns_metric",
            "slow_open",
            "slow_closed_by_server");
    assertThat(header).doesNotHaveDuplicates();
    String row = sample(30, false, 12.345678, 700L << 20).csvRow();
    String[] cells = row.split(",", -1);
    assertThat(cells).hasSize(header.size());
    Map<String, String> byName = new LinkedHashMap<>();
    for (int i = 0; i < cells.length; i++) {
      byName.put(header.get(i), cells[i]);
    }
    assertThat(byName)
        .containsEntry("t_s", "30")
        .containsEntry("warmup", "false")
        .containsEntry("p99_ms", "12.346")
        .containsEntry("rss_mb", "700")
        .containsEntry("heap_used_mb", "200")
        .containsEntry("gc_pause_ms", "12.5")
        .containsEntry("server_conns_metric", "")
        .containsEntry("server_open_files", "700");
  }

  @Test
  void summaryJsonAndMarkdownAreWrittenWithTheTrends() throws Exception {
    List<SoakSample> samples = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      samples.add(sample(i * 10, i <= 3, 10, (500L + i * 20) << 20));
    }
    List<SoakTrend> trends = SoakSuite.trends(samples);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", Machine.describe());
    json.put("config", Map.of("rate", 1000, "request_timeout_s", 0.01));
    json.put(
        "requests",
        Map.of("by_category", Map.of("valid", Map.of("sent", 5)), "raw_statuses", Map.of()));
    json.put(
        "server",
        Map.of(
            "rss_mb",
            SoakSuite.stats(samples, s -> SoakSample.mbOf(s.rssBytes())),
            "exit_message",
            "soak: loghaul exited during the run (found at t = 120 s)"));
    Map<String, Object> tr = new LinkedHashMap<>();
    trends.forEach(t -> tr.put(t.metric(), t.toJson()));
    json.put("trend", tr);
    Summary.write(dir, json, SoakSuite.markdown(json, SoakSuite.tableHeader(), trends));

    JsonNode read = Summary.JSON.readTree(dir.resolve("summary.json").toFile());
    assertThat(read.at("/server/rss_mb/first").asDouble()).isEqualTo(520.0);
    assertThat(read.at("/server/rss_mb/max").asDouble()).isEqualTo(740.0);
    assertThat(read.at("/trend/RSS/verdict").asText()).isEqualTo("up");
    assertThat(read.at("/trend/RSS/samples_after_warmup").asInt()).isEqualTo(9);
    assertThat(read.at("/trend/P99 of valid requests/verdict").asText()).isEqualTo("flat");
    assertThat(read.at("/trend/server open files/verdict").asText()).isEqualTo("flat");
    assertThat(read.at("/trend/server OTLP connections/last_third_mean").asDouble())
        .isEqualTo(34.0);
    assertThat(Files.readString(dir.resolve("summary.md")))
        .contains("bench soak")
        .contains("RSS: ")
        .contains("**soak: loghaul exited during the run (found at t = 120 s)**")
        .contains("): up")
        .contains("P99 of valid requests")
        .contains("at the request timeout: valid requests are timing out");
  }

  @Test
  void tableRowsLineUpWithTheHeader() {
    String row = SoakSuite.tableRow(sample(10, true, 5, 600L << 20));
    assertThat(row).endsWith("(warmup)");
    assertThat(row.indexOf(" 600 ")).isPositive();
    assertThat(SoakSuite.tableHeader()).contains("P99 ms", "RSS MB", "slowO");
  }
}
