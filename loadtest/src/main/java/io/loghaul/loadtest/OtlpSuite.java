package io.loghaul.loadtest;

import static io.loghaul.loadtest.BenchFiles.deleteTree;
import static io.loghaul.loadtest.BenchFiles.round;

import io.loghaul.testkit.FreePorts;
import io.loghaul.testkit.LoghaulProcess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * {@code bench otlp}: drives {@link OtlpLoadGenerator} against {@code --target}, or against a
 * loghaul it starts as a child process on embedded defaults (fresh data directory, free ports, GC
 * logging on) when no target is given. Reports acknowledgement latency percentiles, achieved vs
 * offered rate, errors by status code, time to first response per connection, connection reuse, and
 * for a local server its RSS, CPU and GC pauses. Writes summary.json, summary.md and latency.png
 * into --out.
 */
final class OtlpSuite {
  static final Set<String> OPTIONS =
      Set.of(
          "target",
          "concurrency",
          "payload-bytes",
          "records-per-request",
          "rate",
          "duration",
          "warmup",
          "out",
          "channels",
          "server-jar",
          "loghaul-jvm-opts",
          "server-pid");
  static final double[] PERCENTILES = {50, 90, 95, 99, 99.9, 99.99, 100};

  final String target;
  final int concurrency;
  final int payloadBytes;
  final int recordsPerRequest;
  final double rate;
  final Duration duration;
  final Duration warmup;
  final Path out;
  final int channels;
  final Path serverJar;
  final String jvmOpts;
  final long serverPid;

  OtlpSuite(Options o) {
    this.target = o.string("target", null);
    this.concurrency = o.positiveInt("concurrency", 1000);
    this.payloadBytes = o.positiveInt("payload-bytes", 1200);
    this.recordsPerRequest = o.positiveInt("records-per-request", 1);
    this.rate = o.positiveDouble("rate", 10_000);
    this.duration = o.duration("duration", Duration.ofSeconds(60));
    // JIT compilation of the server (and of the embedded broker in the same JVM) takes about a core
    // for 30-40 s on a 2-core machine; measuring earlier measures the compiler, not the server
    this.warmup = o.duration("warmup", Duration.ofSeconds(60));
    this.out = Path.of(o.string("out", Summary.defaultOut("otlp").toString()));
    this.channels = o.positiveInt("channels", 16);
    this.serverJar = Path.of(o.string("server-jar", "server/target/loghaul-server.jar"));
    this.jvmOpts = o.string("loghaul-jvm-opts", "-Xms512m -Xmx512m");
    this.serverPid = o.positiveLong("server-pid", -1);
    if (target != null && !target.matches("[^:]+:\\d+")) {
      throw new IllegalArgumentException("otlp: --target: " + target + " (expected: host:port)");
    }
  }

  void run() throws Exception {
    Files.createDirectories(out);
    Map<String, Object> machine = Machine.describe();
    LoghaulProcess server = null;
    Path work = out.resolve("work");
    String host;
    int port;
    long pid = serverPid;
    Path gcLog = null;
    try {
      if (target == null) {
        host = "127.0.0.1";
        gcLog = out.resolve("loghaul-gc.log");
        server = startLoghaul(work, gcLog);
        port = server.port("otlp.grpc.port");
        pid = server.pid();
      } else {
        host = target.substring(0, target.lastIndexOf(':'));
        port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
      }
      ExportLogsServiceRequest request =
          OtlpRequests.build(
              3, recordsPerRequest, payloadBytes, System.currentTimeMillis() * 1_000_000L);
      System.out.printf(
          Locale.ROOT,
          "otlp: %s:%d, %.0f req/s offered, %d streams over %d connections,"
              + " %d records/request, %d bytes/request; warmup %s, duration %s%n",
          host,
          port,
          rate,
          concurrency,
          channels,
          recordsPerRequest,
          request.getSerializedSize(),
          warmup,
          duration);
      Sampler sampler = pid > 0 ? new Sampler(pid) : null;
      OtlpLoadGenerator.Outcome outcome;
      double[] ttfr;
      try (OtlpLoadGenerator gen = new OtlpLoadGenerator(host, port, channels)) {
        ttfr = gen.timeToFirstResponse(request);
        if (sampler != null) {
          sampler.startAfter(warmup);
        }
        outcome = gen.run(request, rate, concurrency, warmup.toNanos(), duration.toNanos());
      }
      if (sampler != null) {
        sampler.stop();
      }
      Map<String, Object> json = summarize(machine, request, outcome, ttfr, sampler, gcLog);
      Histogram h = outcome.latencyNanos();
      double[] ms = new double[PERCENTILES.length];
      for (int i = 0; i < PERCENTILES.length; i++) {
        ms[i] = h.getValueAtPercentile(PERCENTILES[i]) / 1e6;
      }
      Summary.write(out, json, markdown(json));
      Charts.percentiles(
          String.format(
              Locale.ROOT,
              "OTLP/gRPC ack latency, %.0f req/s, %d streams, %d B (%s cores)",
              rate,
              concurrency,
              request.getSerializedSize(),
              machine.get("cores")),
          List.of(new Charts.Series("loghaul", PERCENTILES, ms)),
          out.resolve("latency.png"));
      try (var ps = new PrintStream(Files.newOutputStream(out.resolve("latency.hgrm")))) {
        h.outputPercentileDistribution(ps, 1e6);
      }
      System.out.println(Files.readString(out.resolve("summary.md")));
      System.out.println("results in " + out);
    } finally {
      if (server != null) {
        try {
          server.terminate(Duration.ofSeconds(60));
        } catch (IllegalStateException e) {
          System.err.println("otlp: " + e.getMessage()); // killed; the results stand
        } finally {
          server.close();
        }
      }
      deleteTree(work);
    }
  }

  /** loghaul on embedded defaults, OTLP/gRPC on a port of its choosing, ready for requests. */
  private LoghaulProcess startLoghaul(Path work, Path gcLog) throws Exception {
    if (!Files.isRegularFile(serverJar)) {
      throw new IllegalStateException(
          "loghaul server jar not found at " + serverJar + " (build it, or pass --server-jar)");
    }
    List<String> jvm =
        new ArrayList<>(
            Arrays.stream(jvmOpts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
    jvm.add("-Xlog:gc:file=" + gcLog + ":uptime");
    // the embedded broker and the managed clickhouse-server need their ports before they start
    LoghaulProcess p =
        LoghaulProcess.jar(serverJar)
            .jvmOptions(jvm)
            .log(out.resolve("loghaul.log"))
            .flags(
                List.of(
                    "--data.dir=" + work,
                    "--kafka.embedded.port=" + FreePorts.freePort(),
                    "--clickhouse.managed.http-port=" + FreePorts.freePort(),
                    "--otlp.grpc.port=auto",
                    "--otlp.http.port=0"))
            .start();
    try {
      return p.awaitReady(Duration.ofSeconds(120));
    } catch (RuntimeException | InterruptedException e) {
      p.close();
      throw e;
    }
  }

  /**
   * Samples a local server's RSS every 250 ms and, over the measured phase, its CPU, its child
   * processes' CPU (the managed clickhouse-server) and this load generator's own CPU: on a small
   * machine they share the cores.
   */
  static final class Sampler {
    private final long pid;
    private final long self = ProcessHandle.current().pid();
    private volatile List<Long> children = List.of();
    private volatile double childCpu0;
    private volatile double selfCpu0;
    private volatile double machineCpu0;
    private double machineCpuSeconds;
    private double childCpuSeconds;
    private double selfCpuSeconds;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong maxRss = new AtomicLong();
    private volatile double cpu0 = -1;
    private volatile long t0;
    private double cpuSeconds;
    private double wallSeconds;

    Sampler(long pid) {
      this.pid = pid;
    }

    void startAfter(Duration warmup) {
      timer.schedule(
          () -> {
            children =
                ProcessHandle.of(pid).stream()
                    .flatMap(ProcessHandle::descendants)
                    .map(ProcessHandle::pid)
                    .toList();
            childCpu0 = childCpu();
            selfCpu0 = ProcStat.cpuSeconds(self);
            machineCpu0 = ProcStat.machineBusySeconds();
            cpu0 = ProcStat.cpuSeconds(pid);
            t0 = System.nanoTime();
          },
          warmup.toMillis(),
          TimeUnit.MILLISECONDS);
      timer.scheduleAtFixedRate(
          () -> maxRss.accumulateAndGet(ProcStat.rssBytes(pid), Math::max),
          0,
          250,
          TimeUnit.MILLISECONDS);
    }

    void stop() throws InterruptedException {
      timer.shutdown();
      timer.awaitTermination(5, TimeUnit.SECONDS);
      if (cpu0 >= 0) {
        cpuSeconds = ProcStat.cpuSeconds(pid) - cpu0;
        childCpuSeconds = childCpu() - childCpu0;
        selfCpuSeconds = ProcStat.cpuSeconds(self) - selfCpu0;
        machineCpuSeconds = ProcStat.machineBusySeconds() - machineCpu0;
        wallSeconds = (System.nanoTime() - t0) / 1e9;
      }
    }

    private double childCpu() {
      double sum = 0;
      for (long child : children) {
        sum += Math.max(0, ProcStat.cpuSeconds(child));
      }
      return sum;
    }

    double cores(double seconds) {
      return round(seconds / Math.max(1e-9, wallSeconds));
    }
  }

  private Map<String, Object> summarize(
      Map<String, Object> machine,
      ExportLogsServiceRequest request,
      OtlpLoadGenerator.Outcome o,
      double[] ttfr,
      Sampler sampler,
      Path gcLog)
      throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", machine);
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("target", target == null ? "loghaul child process (embedded defaults)" : target);
    cfg.put("offered_requests_per_s", rate);
    cfg.put("concurrency", concurrency);
    cfg.put("channels", channels);
    cfg.put("records_per_request", recordsPerRequest);
    cfg.put("request_bytes", request.getSerializedSize());
    cfg.put("warmup_s", warmup.toMillis() / 1000.0);
    cfg.put("duration_s", duration.toMillis() / 1000.0);
    if (target == null) {
      cfg.put("loghaul_jvm_opts", jvmOpts);
    }
    json.put("config", cfg);
    Histogram h = o.latencyNanos();
    Map<String, Object> lat = new LinkedHashMap<>();
    String[] names = {"p50", "p90", "p95", "p99", "p99_9", "p99_99", "max"};
    for (int i = 0; i < PERCENTILES.length; i++) {
      lat.put(names[i], round(h.getValueAtPercentile(PERCENTILES[i]) / 1e6));
    }
    lat.put("mean", round(h.getMean() / 1e6));
    lat.put("count", h.getTotalCount());
    json.put("ack_latency_ms", lat);
    Map<String, Object> thr = new LinkedHashMap<>();
    thr.put("offered_requests_per_s", rate);
    thr.put("sent_requests_per_s", round(o.measuredSent() / o.measuredSeconds()));
    thr.put("achieved_requests_per_s", round(h.getTotalCount() / o.measuredSeconds()));
    thr.put(
        "achieved_records_per_s",
        round(h.getTotalCount() * (double) recordsPerRequest / o.measuredSeconds()));
    json.put("throughput", thr);
    json.put("status_codes", o.statuses());
    double[] sorted = ttfr.clone();
    Arrays.sort(sorted);
    Map<String, Object> conn = new LinkedHashMap<>();
    conn.put("connections", channels);
    conn.put("connections_opened", o.connectionsOpened());
    conn.put(
        "requests_per_connection", round((double) o.sent() / Math.max(1, o.connectionsOpened())));
    conn.put("time_to_first_response_ms_p50", round(sorted[sorted.length / 2]));
    conn.put("time_to_first_response_ms_max", round(sorted[sorted.length - 1]));
    json.put("connections", conn);
    if (sampler != null) {
      Map<String, Object> srv = new LinkedHashMap<>();
      srv.put("pid", sampler.pid);
      srv.put("rss_max_bytes", sampler.maxRss.get());
      srv.put("cpu_seconds", round(sampler.cpuSeconds));
      srv.put("cpu_cores_used", sampler.cores(sampler.cpuSeconds));
      srv.put("child_processes_cpu_cores_used", sampler.cores(sampler.childCpuSeconds));
      srv.put("load_generator_cpu_cores_used", sampler.cores(sampler.selfCpuSeconds));
      // anything else that ran meanwhile (a build, another benchmark) makes the numbers unreliable
      srv.put(
          "other_processes_cpu_cores_used",
          sampler.cores(
              Math.max(
                  0,
                  sampler.machineCpuSeconds
                      - sampler.cpuSeconds
                      - sampler.childCpuSeconds
                      - sampler.selfCpuSeconds)));
      if (gcLog != null && Files.exists(gcLog)) {
        srv.put("gc_pause_ms", gcPauses(Files.readAllLines(gcLog)));
      }
      json.put("server", srv);
    }
    return json;
  }

  private static final Pattern PAUSE = Pattern.compile("Pause.*?([0-9.]+)ms$");

  /** Percentiles of the pause times in a {@code -Xlog:gc} log ("... Pause Young ... 3.456ms"). */
  static Map<String, Object> gcPauses(List<String> lines) {
    List<Double> pauses = new ArrayList<>();
    for (String l : lines) {
      Matcher m = PAUSE.matcher(l.trim());
      if (m.find()) {
        pauses.add(Double.parseDouble(m.group(1)));
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("count", pauses.size());
    if (pauses.isEmpty()) {
      return r;
    }
    pauses.sort(null);
    r.put("p50", pauses.get((int) Math.min(pauses.size() - 1, Math.floor(pauses.size() * 0.5))));
    r.put("p99", pauses.get((int) Math.min(pauses.size() - 1, Math.floor(pauses.size() * 0.99))));
    r.put("max", pauses.get(pauses.size() - 1));
    r.put("total", round(pauses.stream().mapToDouble(Double::doubleValue).sum()));
    return r;
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> json) {
    Map<String, Object> cfg = (Map<String, Object>) json.get("config");
    Map<String, Object> lat = (Map<String, Object>) json.get("ack_latency_ms");
    Map<String, Object> thr = (Map<String, Object>) json.get("throughput");
    Map<String, Object> conn = (Map<String, Object>) json.get("connections");
    StringBuilder sb = new StringBuilder("# bench otlp: OTLP/gRPC acknowledgement latency\n\n");
    sb.append("Machine: ")
        .append(Machine.oneLine((Map<String, Object>) json.get("machine")))
        .append("  \n");
    sb.append("Config: ").append(cfg).append("\n\n");
    sb.append("Latency from intended send time to reply (coordinated omission corrected), ms:\n\n");
    sb.append(
        "| P50 | P90 | P95 | P99 | P99.9 | max | mean | requests |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %s | %s | %s | %s | %s |%n%n",
            lat.get("p50"),
            lat.get("p90"),
            lat.get("p95"),
            lat.get("p99"),
            lat.get("p99_9"),
            lat.get("max"),
            lat.get("mean"),
            lat.get("count")));
    sb.append(
        String.format(
            Locale.ROOT,
            "Requests/s: offered %s, sent %s, acknowledged %s (%s records/s).  %n",
            thr.get("offered_requests_per_s"),
            thr.get("sent_requests_per_s"),
            thr.get("achieved_requests_per_s"),
            thr.get("achieved_records_per_s")));
    sb.append("Status codes (all requests, warmup included): ")
        .append(json.get("status_codes"))
        .append("  \n");
    sb.append("Connections: ").append(conn).append("  \n");
    if (json.get("server") != null) {
      Map<String, Object> srv = (Map<String, Object>) json.get("server");
      sb.append(
          String.format(
              Locale.ROOT,
              "Server: max RSS %,d MB, %s CPU cores used during measurement (its child"
                  + " processes, e.g. a managed clickhouse-server: %s more; this load generator: %s; everything else on the"
                  + " machine: %s), GC pauses %s%n",
              ((Number) srv.get("rss_max_bytes")).longValue() >> 20,
              srv.get("cpu_cores_used"),
              srv.get("child_processes_cpu_cores_used"),
              srv.get("load_generator_cpu_cores_used"),
              srv.get("other_processes_cpu_cores_used"),
              srv.get("gc_pause_ms")));
    }
    return sb.toString();
  }
}
