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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
          "loghaul-args",
          "server-pid",
          "tls",
          "token",
          "ca-file",
          "token-file",
          "security-compare",
          "broker",
          "broker-jvm-opts",
          "broker-pid",
          "server-gc-log");
  static final double[] PERCENTILES = {50, 90, 95, 99, 99.9, 99.99, 100};

  final String target;
  final int concurrency;
  final int payloadBytes;

  /** The request shapes measured one after another: records per request, and each one's rate. */
  final List<Integer> recordsPerRequest;

  final List<Double> rates;
  final Duration duration;
  final Duration warmup;
  final Path out;
  final int channels;
  final Path serverJar;
  final String jvmOpts;

  /** Flags added to the started loghaul's command line ({@code --loghaul-args}). */
  final List<String> loghaulArgs;

  final long serverPid;
  final boolean tls;
  final boolean token;
  final Path caFile;
  final Path tokenFile;
  final boolean securityCompare;
  final boolean brokerProcess;
  final String brokerJvmOpts;
  final long brokerPid;
  final Path serverGcLog;

  OtlpSuite(Options o) {
    this.target = o.string("target", null);
    this.concurrency = o.positiveInt("concurrency", 1000);
    this.payloadBytes = o.positiveInt("payload-bytes", 1200);
    this.recordsPerRequest =
        positiveList("records-per-request", o.string("records-per-request", "1")).stream()
            .map(d -> (int) (double) d)
            .toList();
    if (recordsPerRequest.stream().anyMatch(n -> n > 100_000)) {
      throw new IllegalArgumentException(
          "otlp: --records-per-request: " + recordsPerRequest + " (expected: at most 100000)");
    }
    List<Double> rate = positiveList("rate", o.string("rate", "10000"));
    if (rate.size() != 1 && rate.size() != recordsPerRequest.size()) {
      throw new IllegalArgumentException(
          "otlp: --rate: "
              + o.string("rate", "")
              + " (expected: one rate, or one per --records-per-request shape: "
              + recordsPerRequest.size()
              + ")");
    }
    this.rates =
        rate.size() == 1 ? Collections.nCopies(recordsPerRequest.size(), rate.get(0)) : rate;
    this.duration = o.duration("duration", Duration.ofSeconds(60));
    // JIT compilation of the server (and of the embedded broker in the same JVM) takes about a core
    // for 30-40 s on a 2-core machine; measuring earlier measures the compiler, not the server
    this.warmup = o.duration("warmup", Duration.ofSeconds(60));
    this.out = Path.of(o.string("out", Summary.defaultOut("otlp").toString()));
    this.channels = o.positiveInt("channels", 16);
    this.serverJar = Path.of(o.string("server-jar", "server/target/loghaul-server.jar"));
    this.jvmOpts = o.string("loghaul-jvm-opts", "-Xms512m -Xmx512m");
    this.loghaulArgs = words(o.string("loghaul-args", ""));
    this.serverPid = o.positiveLong("server-pid", -1);
    if (target != null && !target.matches("[^:]+:\\d+")) {
      throw new IllegalArgumentException("otlp: --target: " + target + " (expected: host:port)");
    }
    this.tls = o.flag("tls");
    this.token = o.flag("token");
    this.caFile = o.has("ca-file") ? Path.of(o.string("ca-file", "")) : null;
    this.tokenFile = o.has("token-file") ? Path.of(o.string("token-file", "")) : null;
    this.securityCompare = o.flag("security-compare");
    String broker = o.string("broker", "embedded");
    if (!broker.equals("embedded") && !broker.equals("process")) {
      throw new IllegalArgumentException(
          "otlp: --broker: " + broker + " (expected: embedded or process)");
    }
    this.brokerProcess = broker.equals("process");
    this.brokerJvmOpts = o.string("broker-jvm-opts", BrokerProcess.DEFAULT_JVM_OPTS);
    this.brokerPid = o.positiveLong("broker-pid", -1);
    this.serverGcLog = o.has("server-gc-log") ? Path.of(o.string("server-gc-log", "")) : null;
    if (target != null && !loghaulArgs.isEmpty()) {
      throw new IllegalArgumentException(
          "otlp: --loghaul-args is for the loghaul this bench starts (expected: without --target)");
    }
    if (target != null && brokerProcess) {
      throw new IllegalArgumentException(
          "otlp: --broker=process starts the broker of the loghaul this bench starts (expected:"
              + " without --target; against a running loghaul name its broker with --broker-pid)");
    }
    if (target == null && (brokerPid > 0 || serverGcLog != null)) {
      throw new IllegalArgumentException(
          "otlp: --"
              + (brokerPid > 0 ? "broker-pid" : "server-gc-log")
              + " is for a running loghaul (expected: with --target)");
    }
    if (target == null && (caFile != null || tokenFile != null)) {
      throw new IllegalArgumentException(
          "otlp: --"
              + (caFile != null ? "ca-file" : "token-file")
              + " is for a running loghaul (expected: with --target; a started one gets generated"
              + " files)");
    }
    if (target != null && tls != (caFile != null)) {
      throw new IllegalArgumentException(
          "otlp: --tls with --target needs --ca-file=PEM, the CA the target's certificate chains"
              + " to (expected: both or neither)");
    }
    if (target != null && token != (tokenFile != null)) {
      throw new IllegalArgumentException(
          "otlp: --token with --target needs --token-file=FILE holding the token (expected: both"
              + " or neither)");
    }
    if (securityCompare && (target != null || tls || token)) {
      throw new IllegalArgumentException(
          "otlp: --security-compare starts loghaul twice, plaintext then with --tls --token"
              + " (expected: without --target, --tls and --token)");
    }
  }

  void run() throws Exception {
    if (!securityCompare) {
      measure(tls, token, out);
      return;
    }
    // one after the other with the same options, each against a fresh loghaul: the same warmup,
    // the same machine a few minutes apart
    Map<String, Object> plain = measure(false, false, out.resolve("plaintext"));
    Map<String, Object> secured = measure(true, true, out.resolve("tls-token"));
    Map<String, Object> json = comparison(plain, secured);
    Summary.write(out, json, comparisonMarkdown(json));
    System.out.println(Files.readString(out.resolve("summary.md")));
    System.out.println("results in " + out);
  }

  /** "1,100" → [1.0, 100.0]; every value positive. */
  static List<Double> positiveList(String option, String s) {
    List<Double> list = new ArrayList<>();
    for (String part : s.split(",", -1)) {
      double d;
      try {
        d = Double.parseDouble(part.trim());
      } catch (NumberFormatException e) {
        d = -1;
      }
      if (!(d > 0) || !Double.isFinite(d)) {
        throw new IllegalArgumentException(
            "otlp: --" + option + ": " + s + " (expected: positive numbers, comma-separated)");
      }
      list.add(d);
    }
    return list;
  }

  /**
   * One run into {@code dir}; returns its summary. With {@code tls} and/or {@code withToken}, a
   * started loghaul gets generated files and the generator trusts/sends them; against {@code
   * --target}, {@code --ca-file} and {@code --token-file}. With several request shapes, each is
   * measured after the other against the same servers (each after its own warmup) into {@code
   * dir/records-N}, and {@code dir}'s summary has one row per shape.
   */
  private Map<String, Object> measure(boolean tls, boolean withToken, Path dir) throws Exception {
    Files.createDirectories(dir);
    LoghaulProcess server = null;
    BrokerProcess broker = null;
    Path work = dir.resolve("work");
    String host;
    int port;
    long pid = serverPid;
    long kafkaPid = brokerPid;
    Path gcLog = serverGcLog;
    Path brokerGcLog = null;
    try {
      OtlpSecurity security;
      if (target == null) {
        security = OtlpSecurity.generate(work.resolve("pki"), tls, withToken);
        host = "127.0.0.1";
        gcLog = dir.resolve("loghaul-gc.log");
        String bootstrap = null;
        if (brokerProcess) {
          brokerGcLog = dir.resolve("broker-gc.log");
          List<String> jvm = new ArrayList<>(LauncherJdkOptions.of(Runtime.version().feature()));
          jvm.addAll(words(brokerJvmOpts));
          jvm.add("-Xlog:gc:file=" + brokerGcLog + ":uptime");
          broker =
              BrokerProcess.start(
                  work.resolve("broker"), FreePorts.freePort(), jvm, dir.resolve("broker.log"));
          bootstrap = broker.bootstrap();
          kafkaPid = broker.pid();
        }
        server = startLoghaul(work, gcLog, dir, security, bootstrap);
        port = server.port("otlp.grpc.port");
        pid = server.pid();
      } else {
        host = target.substring(0, target.lastIndexOf(':'));
        port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
        security = OtlpSecurity.forTarget(caFile, tokenFile);
      }
      if (recordsPerRequest.size() == 1) {
        return measureShape(
            0, security, host, port, pid, kafkaPid, gcLog, brokerGcLog, dir, broker != null);
      }
      List<Map<String, Object>> shapes = new ArrayList<>();
      for (int i = 0; i < recordsPerRequest.size(); i++) {
        shapes.add(
            measureShape(
                i,
                security,
                host,
                port,
                pid,
                kafkaPid,
                gcLog,
                brokerGcLog,
                dir.resolve("records-" + recordsPerRequest.get(i)),
                broker != null));
      }
      Map<String, Object> json = shapes(shapes);
      Summary.write(dir, json, shapesMarkdown(json));
      System.out.println(Files.readString(dir.resolve("summary.md")));
      System.out.println("results in " + dir);
      return json;
    } finally {
      try {
        if (server != null) {
          try {
            server.terminate(Duration.ofSeconds(60));
          } catch (IllegalStateException e) {
            System.err.println("otlp: " + e.getMessage()); // killed; the results stand
          } finally {
            server.close();
          }
        }
      } finally {
        if (broker != null) {
          broker.close();
        }
      }
      deleteTree(work);
    }
  }

  /** Shape {@code i} of {@code --records-per-request}/{@code --rate}, measured into {@code dir}. */
  private Map<String, Object> measureShape(
      int i,
      OtlpSecurity security,
      String host,
      int port,
      long pid,
      long kafkaPid,
      Path gcLog,
      Path brokerGcLog,
      Path dir,
      boolean startedBroker)
      throws Exception {
    Files.createDirectories(dir);
    Map<String, Object> machine = Machine.describe();
    if (machine.containsKey("damon")) {
      System.out.println(
          "note: the kernel's DAMON is monitoring memory ("
              + machine.get("damon")
              + "); each sampling round stalls the machine and shows in the tail"
              + " (BENCHMARKS.md, \"What stalls the request path\")");
    }
    int records = recordsPerRequest.get(i);
    double rate = rates.get(i);
    ExportLogsServiceRequest request =
        OtlpRequests.build(3, records, payloadBytes, System.currentTimeMillis() * 1_000_000L);
    System.out.printf(
        Locale.ROOT,
        "otlp (%s): %s:%d, %.0f req/s offered, %d streams over %d connections,"
            + " %d records/request, %d bytes/request; warmup %s, duration %s%n",
        security.label(),
        host,
        port,
        rate,
        concurrency,
        channels,
        records,
        request.getSerializedSize(),
        warmup,
        duration);
    Sampler sampler = pid > 0 ? new Sampler(pid, kafkaPid) : null;
    OtlpLoadGenerator.Outcome outcome;
    double[] ttfr;
    try (OtlpLoadGenerator gen = new OtlpLoadGenerator(host, port, channels, security)) {
      ttfr = gen.timeToFirstResponse(request);
      if (sampler != null) {
        sampler.startAfter(warmup);
      }
      outcome = gen.run(request, rate, concurrency, warmup.toNanos(), duration.toNanos());
    }
    if (sampler != null) {
      sampler.stop();
    }
    Map<String, Object> json =
        summarize(
            machine,
            request,
            records,
            rate,
            outcome,
            ttfr,
            sampler,
            gcLog,
            brokerGcLog,
            security.label(),
            startedBroker);
    Histogram h = outcome.latencyNanos();
    double[] ms = new double[PERCENTILES.length];
    for (int p = 0; p < PERCENTILES.length; p++) {
      ms[p] = h.getValueAtPercentile(PERCENTILES[p]) / 1e6;
    }
    Summary.write(dir, json, markdown(json));
    Charts.percentiles(
        String.format(
            Locale.ROOT,
            "OTLP/gRPC ack latency, %s, %.0f req/s, %d streams, %d B (%s cores)",
            security.label(),
            rate,
            concurrency,
            request.getSerializedSize(),
            machine.get("cores")),
        List.of(new Charts.Series("loghaul", PERCENTILES, ms)),
        dir.resolve("latency.png"));
    try (var ps = new PrintStream(Files.newOutputStream(dir.resolve("latency.hgrm")))) {
      h.outputPercentileDistribution(ps, 1e6);
    }
    outcome.timeline().writeCsv(dir.resolve("latency-timeline.csv"));
    System.out.println(Files.readString(dir.resolve("summary.md")));
    System.out.println("results in " + dir);
    return json;
  }

  private static List<String> words(String s) {
    return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }

  /**
   * loghaul on embedded defaults (or on the broker at {@code bootstrap}), OTLP/gRPC on a port of
   * its choosing, ready for requests.
   */
  private LoghaulProcess startLoghaul(
      Path work, Path gcLog, Path dir, OtlpSecurity security, String bootstrap) throws Exception {
    if (!Files.isRegularFile(serverJar)) {
      throw new IllegalStateException(
          "loghaul server jar not found at " + serverJar + " (build it, or pass --server-jar)");
    }
    List<String> jvm = LauncherJdkOptions.with(words(jvmOpts));
    jvm.add("-Xlog:gc:file=" + gcLog + ":uptime");
    // the embedded broker and the managed clickhouse-server need their ports before they start
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--data.dir=" + work,
                bootstrap == null
                    ? "--kafka.embedded.port=" + FreePorts.freePort()
                    : "--kafka.bootstrap=" + bootstrap,
                "--clickhouse.managed.http-port=" + FreePorts.freePort(),
                "--otlp.grpc.port=auto",
                "--otlp.http.port=0"));
    flags.addAll(security.serverFlags());
    flags.addAll(loghaulArgs);
    LoghaulProcess p =
        LoghaulProcess.jar(serverJar)
            .jvmOptions(jvm)
            .log(dir.resolve("loghaul.log"))
            .flags(flags)
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
    private final long brokerPid;
    private volatile double brokerCpu0;
    private double brokerCpuSeconds;
    private volatile Map<String, Double> threads0 = Map.of();
    private Map<String, Double> threadCpuSeconds = Map.of();
    private volatile double uptime0 = -1;
    private volatile double brokerUptime0 = -1;
    private double uptime1 = -1;
    private double brokerUptime1 = -1;
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

    Sampler(long pid, long brokerPid) {
      this.pid = pid;
      this.brokerPid = brokerPid;
    }

    /** Seconds since process {@code pid} started (what {@code -Xlog:...:uptime} prints), or -1. */
    static double uptimeSeconds(long pid) {
      return ProcessHandle.of(pid)
          .flatMap(h -> h.info().startInstant())
          .map(t -> Duration.between(t, Instant.now()).toNanos() / 1e9)
          .orElse(-1.0);
    }

    void startAfter(Duration warmup) {
      // once right away and thrown away: the first run loads classes and runs interpreted, which
      // on a small machine would take CPU from the load just as the measured window starts (that
      // and the generator's own JIT made the window's first 100-200 ms slow)
      timer.execute(
          () -> {
            markStart();
            cpu0 = -1;
          });
      timer.schedule(this::markStart, warmup.toMillis(), TimeUnit.MILLISECONDS);
      timer.scheduleAtFixedRate(
          () -> maxRss.accumulateAndGet(ProcStat.rssBytes(pid), Math::max),
          0,
          250,
          TimeUnit.MILLISECONDS);
    }

    private void markStart() {
      children =
          ProcessHandle.of(pid).stream()
              .flatMap(ProcessHandle::descendants)
              .map(ProcessHandle::pid)
              .toList();
      childCpu0 = childCpu();
      selfCpu0 = ProcStat.cpuSeconds(self);
      machineCpu0 = ProcStat.machineBusySeconds();
      cpu0 = ProcStat.cpuSeconds(pid);
      threads0 = ProcStat.cpuSecondsByThread(pid);
      uptime0 = uptimeSeconds(pid);
      if (brokerPid > 0) {
        brokerCpu0 = ProcStat.cpuSeconds(brokerPid);
        brokerUptime0 = uptimeSeconds(brokerPid);
      }
      t0 = System.nanoTime();
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
        uptime1 = uptimeSeconds(pid);
        threadCpuSeconds = delta(threads0, ProcStat.cpuSecondsByThread(pid));
        if (brokerPid > 0) {
          brokerCpuSeconds = ProcStat.cpuSeconds(brokerPid) - brokerCpu0;
          brokerUptime1 = uptimeSeconds(brokerPid);
        }
      }
    }

    private double childCpu() {
      double sum = 0;
      for (long child : children) {
        sum += Math.max(0, ProcStat.cpuSeconds(child));
      }
      return sum;
    }

    /** CPU seconds per thread name over the window, largest first (the first 12). */
    static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
      Map<String, Double> d = new LinkedHashMap<>();
      after.entrySet().stream()
          .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .limit(12)
          .forEach(e -> d.put(e.getKey(), round(e.getValue())));
      return d;
    }

    double cores(double seconds) {
      return round(seconds / Math.max(1e-9, wallSeconds));
    }
  }

  private Map<String, Object> summarize(
      Map<String, Object> machine,
      ExportLogsServiceRequest request,
      int recordsPerRequest,
      double rate,
      OtlpLoadGenerator.Outcome o,
      double[] ttfr,
      Sampler sampler,
      Path gcLog,
      Path brokerGcLog,
      String security,
      boolean startedBroker)
      throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", machine);
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put(
        "target",
        target != null
            ? target
            : startedBroker
                ? "loghaul child process, Kafka broker in its own JVM (--kafka.bootstrap)"
                : "loghaul child process (embedded defaults)");
    cfg.put("security", security);
    cfg.put("offered_requests_per_s", rate);
    cfg.put("concurrency", concurrency);
    cfg.put("channels", channels);
    cfg.put("records_per_request", recordsPerRequest);
    cfg.put("request_bytes", request.getSerializedSize());
    cfg.put("warmup_s", warmup.toMillis() / 1000.0);
    cfg.put("duration_s", duration.toMillis() / 1000.0);
    if (target == null) {
      cfg.put("loghaul_jvm_opts", jvmOpts);
      cfg.put("loghaul_args", String.join(" ", loghaulArgs));
    }
    if (startedBroker) {
      cfg.put("broker_jvm_opts", brokerJvmOpts);
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
    // a tail in every slot is queueing; one in a few slots is stalls (latency-timeline.csv: when)
    lat.put("slots_of_100ms_with_a_request_over_20ms", o.timeline().slowSlots());
    lat.put("slots_of_100ms", o.timeline().slots());
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
      long acknowledged = Math.max(1, h.getTotalCount());
      srv.put("cpu_us_per_request", round(sampler.cpuSeconds * 1e6 / acknowledged));
      if (sampler.brokerPid > 0) {
        srv.put("broker_cpu_cores_used", sampler.cores(sampler.brokerCpuSeconds));
        srv.put("broker_cpu_us_per_request", round(sampler.brokerCpuSeconds * 1e6 / acknowledged));
      }
      srv.put(
          "child_processes_cpu_us_per_request",
          round(sampler.childCpuSeconds * 1e6 / acknowledged));
      srv.put("cpu_seconds_by_thread", sampler.threadCpuSeconds);
      // anything else that ran meanwhile (a build, another benchmark) makes the numbers unreliable
      srv.put(
          "other_processes_cpu_cores_used",
          sampler.cores(
              Math.max(
                  0,
                  sampler.machineCpuSeconds
                      - sampler.cpuSeconds
                      - sampler.brokerCpuSeconds
                      - sampler.childCpuSeconds
                      - sampler.selfCpuSeconds)));
      if (gcLog != null && Files.exists(gcLog)) {
        // the measured window only: with several shapes the log also holds the others' pauses
        srv.put(
            "gc_pause_ms", gcPauses(Files.readAllLines(gcLog), sampler.uptime0, sampler.uptime1));
      }
      if (brokerGcLog != null && Files.exists(brokerGcLog)) {
        srv.put(
            "broker_gc_pause_ms",
            gcPauses(
                Files.readAllLines(brokerGcLog), sampler.brokerUptime0, sampler.brokerUptime1));
      }
      json.put("server", srv);
    }
    return json;
  }

  private static final List<String> COMPARED =
      List.of("p50", "p90", "p99", "p99_9", "max", "cpu_cores_used");

  /**
   * The rows of {@code --security-compare} and the ratios secured / plaintext of the latency
   * percentiles and the server's CPU.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> comparison(Map<String, Object> plain, Map<String, Object> secured) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", plain.get("machine"));
    Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) plain.get("config"));
    config.remove("security"); // per row
    json.put("config", config);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> run : List.of(plain, secured)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("security", ((Map<String, Object>) run.get("config")).get("security"));
      row.putAll((Map<String, Object>) run.get("ack_latency_ms"));
      Map<String, Object> thr = (Map<String, Object>) run.get("throughput");
      row.put("achieved_requests_per_s", thr.get("achieved_requests_per_s"));
      row.put("status_codes", run.get("status_codes"));
      Map<String, Object> srv = (Map<String, Object>) run.get("server");
      if (srv != null) {
        row.put("cpu_cores_used", srv.get("cpu_cores_used"));
        row.put("other_processes_cpu_cores_used", srv.get("other_processes_cpu_cores_used"));
      }
      rows.add(row);
    }
    json.put("rows", rows);
    Map<String, Object> ratio = new LinkedHashMap<>();
    for (String k : COMPARED) {
      Object a = rows.get(0).get(k);
      Object b = rows.get(1).get(k);
      if (a instanceof Number x && b instanceof Number y && x.doubleValue() > 0) {
        ratio.put(k, round(y.doubleValue() / x.doubleValue()));
      }
    }
    json.put("ratio_tls_token_to_plaintext", ratio);
    return json;
  }

  /** A summary's title, then its machine and configuration lines. */
  @SuppressWarnings("unchecked")
  private static StringBuilder markdownHead(String title, Map<String, Object> json) {
    StringBuilder sb = new StringBuilder(title).append("\n\n");
    sb.append("Machine: ")
        .append(Machine.oneLine((Map<String, Object>) json.get("machine")))
        .append("  \n");
    sb.append("Config: ").append(json.get("config")).append("\n\n");
    return sb;
  }

  @SuppressWarnings("unchecked")
  static String comparisonMarkdown(Map<String, Object> json) {
    StringBuilder sb =
        markdownHead("# bench otlp --security-compare: plaintext vs TLS + token", json);
    sb.append(
        "Acknowledgement latency from intended send time (coordinated omission corrected), ms;"
            + " the two runs back to back, each against a fresh loghaul:\n\n");
    sb.append(
        "| security | P50 | P90 | P99 | P99.9 | max | req/s acknowledged | server CPU cores |"
            + " other processes' CPU cores | status codes |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Map<String, Object> r : (List<Map<String, Object>>) json.get("rows")) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              r.get("security"),
              r.get("p50"),
              r.get("p90"),
              r.get("p99"),
              r.get("p99_9"),
              r.get("max"),
              r.get("achieved_requests_per_s"),
              r.getOrDefault("cpu_cores_used", "-"),
              r.getOrDefault("other_processes_cpu_cores_used", "-"),
              r.get("status_codes")));
    }
    Map<String, Object> ratio = (Map<String, Object>) json.get("ratio_tls_token_to_plaintext");
    sb.append(
        String.format(
            Locale.ROOT,
            "| ratio | %s | %s | %s | %s | %s | | %s | | |%n",
            ratio.getOrDefault("p50", "-"),
            ratio.getOrDefault("p90", "-"),
            ratio.getOrDefault("p99", "-"),
            ratio.getOrDefault("p99_9", "-"),
            ratio.getOrDefault("max", "-"),
            ratio.getOrDefault("cpu_cores_used", "-")));
    return sb.toString();
  }

  /** The summary of several request shapes: one row each. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> shapes(List<Map<String, Object>> runs) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", runs.get(0).get("machine"));
    Map<String, Object> config =
        new LinkedHashMap<>((Map<String, Object>) runs.get(0).get("config"));
    config.remove("records_per_request"); // per row
    config.remove("request_bytes");
    config.remove("offered_requests_per_s");
    json.put("config", config);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> run : runs) {
      Map<String, Object> cfg = (Map<String, Object>) run.get("config");
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("records_per_request", cfg.get("records_per_request"));
      row.put("request_bytes", cfg.get("request_bytes"));
      row.put("offered_requests_per_s", cfg.get("offered_requests_per_s"));
      Map<String, Object> thr = (Map<String, Object>) run.get("throughput");
      row.put("achieved_requests_per_s", thr.get("achieved_requests_per_s"));
      row.put("achieved_records_per_s", thr.get("achieved_records_per_s"));
      row.put("ack_latency_ms", run.get("ack_latency_ms"));
      row.put("status_codes", run.get("status_codes"));
      if (run.get("server") != null) {
        row.put("server", run.get("server"));
      }
      rows.add(row);
    }
    json.put("shapes", rows);
    return json;
  }

  @SuppressWarnings("unchecked")
  static String shapesMarkdown(Map<String, Object> json) {
    StringBuilder sb = markdownHead("# bench otlp: one row per request shape", json);
    sb.append(
        "Latency from intended send time to reply (coordinated omission corrected), ms; the"
            + " shapes one after another against the same servers. CPU in µs per acknowledged"
            + " request; GC pauses: count, p99, total ms in the measured window:\n\n");
    sb.append(
        "| records/request | req/s offered | req/s acknowledged | P50 | P99 | P99.9 | max |"
            + " server CPU µs/req | broker CPU µs/req | ClickHouse CPU µs/req | server cores |"
            + " server GC pauses | broker GC pauses | other cores | status codes |\n");
    sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|\n");
    for (Map<String, Object> r : (List<Map<String, Object>>) json.get("shapes")) {
      Map<String, Object> lat = (Map<String, Object>) r.get("ack_latency_ms");
      Map<String, Object> srv =
          (Map<String, Object>) r.getOrDefault("server", new LinkedHashMap<String, Object>());
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              r.get("records_per_request"),
              r.get("offered_requests_per_s"),
              r.get("achieved_requests_per_s"),
              lat.get("p50"),
              lat.get("p99"),
              lat.get("p99_9"),
              lat.get("max"),
              srv.getOrDefault("cpu_us_per_request", "-"),
              srv.getOrDefault("broker_cpu_us_per_request", "-"),
              srv.getOrDefault("child_processes_cpu_us_per_request", "-"),
              srv.getOrDefault("cpu_cores_used", "-"),
              pauses(srv.get("gc_pause_ms")),
              pauses(srv.get("broker_gc_pause_ms")),
              srv.getOrDefault("other_processes_cpu_cores_used", "-"),
              r.get("status_codes")));
    }
    return sb.toString();
  }

  /** "count, p99, total" of a {@link #gcPauses} result, or "-". */
  @SuppressWarnings("unchecked")
  static String pauses(Object gc) {
    if (!(gc instanceof Map<?, ?> m)) {
      return "-";
    }
    Map<String, Object> p = (Map<String, Object>) m;
    return p.get("count") + ", " + p.getOrDefault("p99", "-") + ", " + p.getOrDefault("total", "-");
  }

  private static final Pattern PAUSE = Pattern.compile("Pause.*?([0-9.]+)ms$");
  private static final Pattern UPTIME = Pattern.compile("^\\[([0-9.]+)s\\]");

  /** Percentiles of the pause times in a {@code -Xlog:gc} log ("... Pause Young ... 3.456ms"). */
  static Map<String, Object> gcPauses(List<String> lines) {
    return gcPauses(lines, -1, -1);
  }

  /**
   * Like {@link #gcPauses(List)}, counting only the pauses logged between JVM uptimes {@code
   * fromSeconds} and {@code toSeconds} (the {@code [12.345s]} decoration of {@code
   * -Xlog:gc:...:uptime}); a negative bound is no bound.
   */
  static Map<String, Object> gcPauses(List<String> lines, double fromSeconds, double toSeconds) {
    List<Double> pauses = new ArrayList<>();
    for (String l : lines) {
      Matcher m = PAUSE.matcher(l.trim());
      if (m.find()) {
        Matcher u = UPTIME.matcher(l.trim());
        double t = u.find() ? Double.parseDouble(u.group(1)) : -1;
        if ((fromSeconds >= 0 && t < fromSeconds) || (toSeconds >= 0 && t > toSeconds)) {
          continue;
        }
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
    Map<String, Object> lat = (Map<String, Object>) json.get("ack_latency_ms");
    Map<String, Object> thr = (Map<String, Object>) json.get("throughput");
    Map<String, Object> conn = (Map<String, Object>) json.get("connections");
    StringBuilder sb = markdownHead("# bench otlp: OTLP/gRPC acknowledgement latency", json);
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
      sb.append(
          String.format(
              Locale.ROOT,
              "  %nCPU per acknowledged request: server %s µs, its child processes %s µs%s.  %n",
              srv.get("cpu_us_per_request"),
              srv.get("child_processes_cpu_us_per_request"),
              srv.containsKey("broker_cpu_us_per_request")
                  ? String.format(
                      Locale.ROOT,
                      ", Kafka broker process %s µs (%s cores; GC pauses %s)",
                      srv.get("broker_cpu_us_per_request"),
                      srv.get("broker_cpu_cores_used"),
                      srv.getOrDefault("broker_gc_pause_ms", "-"))
                  : ""));
      sb.append("Server CPU seconds by thread (measured window): ")
          .append(srv.get("cpu_seconds_by_thread"))
          .append("\n");
    }
    return sb.toString();
  }
}
