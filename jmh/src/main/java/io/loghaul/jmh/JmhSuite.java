package io.loghaul.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.loghaul.loadtest.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The entry point of {@code benchmarks.jar} ({@code ./loghaul bench jmh}): runs every benchmark
 * with the GC profiler in one JVM fork each, saves JMH's JSON, and writes {@code results.md}: the
 * machine, then per benchmark records/s, ns/record, bytes allocated per record and the ratio to the
 * baseline measured in the same run.
 *
 * <p>Arguments: {@code --quick} (short warmup and measurement: a smoke run, numbers are rough),
 * {@code --out=DIR} (default {@code bench-results/jmh-<timestamp>}), and optional regular
 * expressions selecting benchmarks. Anything starting with {@code -} other than these is rejected;
 * use {@code java -cp benchmarks.jar org.openjdk.jmh.Main} for JMH's own options.
 */
public final class JmhSuite {
  /** Benchmark method → the baseline method of the same class it is compared with. */
  static final Map<String, String> BASELINES =
      Map.of(
          "strictParse", "jacksonDatabind",
          "decodeAndEncode", "jacksonBaseline",
          "decodeRedactEncodeNoRules", "decodeAndEncode",
          "decodeRedactEncodePresets", "decodeAndEncode",
          "decodeAndMap", "protobufJavaParse",
          "decodeAndMapOneRecordRequest", "protobufJavaParseOneRecordRequest",
          "transcode", "gsonJsonFormat",
          "lz4Native", "gzip1");

  private JmhSuite() {}

  public static void main(String[] args) throws RunnerException, IOException {
    boolean quick = false;
    Path out = null;
    List<String> includes = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--quick")) {
        quick = true;
      } else if (a.startsWith("--out=")) {
        out = Path.of(a.substring("--out=".length()));
      } else if (a.startsWith("-")) {
        System.err.println(
            "bench jmh: unknown option "
                + a
                + " (expected: --quick, --out=DIR, benchmark regexps)");
        System.exit(2);
      } else {
        includes.add(a);
      }
    }
    if (out == null) {
      out =
          Path.of(
              "bench-results",
              "jmh-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
    Files.createDirectories(out);
    Path json = out.resolve("jmh.json");

    ChainedOptionsBuilder opts =
        new OptionsBuilder()
            .forks(1)
            .threads(1)
            .addProfiler(GCProfiler.class)
            .shouldDoGC(true)
            .resultFormat(ResultFormatType.JSON)
            .result(json.toString())
            // replaces the benchmarks' own @Fork(jvmArgsAppend), so it repeats the Vector API
            .jvmArgsAppend("-Xms1g", "-Xmx1g", "--add-modules=jdk.incubator.vector");
    if (quick) {
      opts.warmupIterations(2)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(3)
          .measurementTime(TimeValue.seconds(1));
    } else {
      opts.warmupIterations(4)
          .warmupTime(TimeValue.seconds(2))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(3));
    }
    if (includes.isEmpty()) {
      opts.include("io\\.loghaul\\..*Benchmark.*");
    } else {
      includes.forEach(opts::include);
    }
    Collection<RunResult> results = new Runner(opts.build()).run();

    Map<String, Object> machine = Machine.describe();
    String table = table(rows(results), machine, quick);
    Files.writeString(out.resolve("results.md"), table);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(out.resolve("machine.json").toFile(), machine);
    System.out.println();
    System.out.println(table);
    System.out.println("JMH JSON: " + json + "; table: " + out.resolve("results.md"));
  }

  /**
   * One measured benchmark: name = Class.method, params as text, records/s, B/record (NaN if
   * unknown).
   */
  record Row(
      String benchmark, String params, double opsPerSecond, double opsError, double bytesPerOp) {
    String className() {
      return benchmark.substring(0, benchmark.lastIndexOf('.'));
    }

    String method() {
      return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }
  }

  static List<Row> rows(Collection<RunResult> results) {
    List<Row> rows = new ArrayList<>();
    for (RunResult rr : results) {
      BenchmarkResult any = rr.getBenchmarkResults().iterator().next();
      String name = any.getParams().getBenchmark();
      name = name.substring("io.loghaul.".length());
      List<String> params = new ArrayList<>();
      for (String key : any.getParams().getParamsKeys()) {
        params.add(key + "=" + any.getParams().getParam(key));
      }
      Result<?> primary = rr.getPrimaryResult();
      double ops = primary.getScore();
      if (!primary.getScoreUnit().startsWith("ops/s")) {
        throw new IllegalStateException("unexpected unit " + primary.getScoreUnit());
      }
      Result<?> alloc = rr.getSecondaryResults().get("·gc.alloc.rate.norm");
      if (alloc == null) {
        alloc = rr.getSecondaryResults().get("gc.alloc.rate.norm");
      }
      rows.add(
          new Row(
              name,
              String.join(" ", params),
              ops,
              primary.getScoreError(),
              alloc == null ? Double.NaN : alloc.getScore()));
    }
    return rows;
  }

  /** The Markdown report: machine line, then one table row per benchmark. */
  static String table(List<Row> rows, Map<String, Object> machine, boolean quick) {
    StringBuilder sb = new StringBuilder("# loghaul JMH results\n\n");
    sb.append("Machine: ").append(Machine.oneLine(machine)).append("  \n");
    sb.append("Mode: ")
        .append(
            quick
                ? "--quick (2×1 s warmup, 3×1 s measurement; rough)"
                : "full (4×2 s warmup, 5×3 s measurement)")
        .append(", 1 fork, 1 thread, -prof gc. One op = one record.\n\n");
    sb.append(
        "| benchmark | params | records/s (1 core) | ± | ns/record | B allocated/record | vs baseline |\n");
    sb.append("|---|---|---:|---:|---:|---:|---|\n");
    Map<String, Row> byKey = new LinkedHashMap<>();
    for (Row r : rows) {
      byKey.put(r.benchmark() + "|" + r.params(), r);
    }
    for (Row r : rows) {
      String ratio = "";
      String baseline = BASELINES.get(r.method());
      if (baseline != null) {
        Row b = byKey.get(r.className() + "." + baseline + "|" + r.params());
        if (b != null && b.opsPerSecond() > 0) {
          ratio =
              String.format(Locale.ROOT, "%.2f× %s", r.opsPerSecond() / b.opsPerSecond(), baseline);
        }
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.0f | %,.0f | %.1f | %s | %s |%n",
              r.benchmark(),
              r.params(),
              r.opsPerSecond(),
              r.opsError(),
              TimeUnit.SECONDS.toNanos(1) / r.opsPerSecond(),
              Double.isNaN(r.bytesPerOp())
                  ? "?"
                  : String.format(Locale.ROOT, "%.1f", r.bytesPerOp()),
              ratio));
    }
    return sb.toString();
  }
}
