package io.loghaul.loadtest;

import static io.loghaul.loadtest.BenchFiles.deleteTree;
import static io.loghaul.loadtest.BenchFiles.round;

import io.loghaul.loadtest.SoakKind.Transport;
import io.loghaul.loadtest.SoakRecorder.Status;
import io.loghaul.testkit.FreePorts;
import io.loghaul.testkit.LoghaulProcess;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * {@code bench soak}: a long run at a steady rate of mixed OTLP requests — valid, partially valid
 * and malformed ({@link SoakMix}, {@link SoakRequests}) over gRPC and HTTP — plus slow HTTP clients
 * ({@link SlowClients}), against one loghaul: {@code --target} on loopback, or a child process on
 * embedded defaults ({@link LoghaulProcess}). Every {@code --sample-interval} it records a {@link
 * SoakSample} (latency of valid requests, rates, answers by status class, the server's RSS, heap,
 * GC pauses and open connections, the slow clients) to {@code samples.csv} and a table row on
 * stdout; at the end it writes {@code summary.json}, {@code summary.md} and {@code soak.svg} and
 * says whether RSS, heap and P99 trended up after warmup. Flat lines are the goal; nothing here
 * fails on what it measures.
 */
final class SoakSuite {
  static final Set<String> OPTIONS =
      Set.of(
          "target",
          "http-port",
          "admin-port",
          "server-pid",
          "rate",
          "duration",
          "warmup",
          "sample-interval",
          "valid",
          "partial",
          "malformed",
          "grpc-share",
          "json-share",
          "malformed-kinds",
          "slow-clients",
          "slow-body-share",
          "slow-interval",
          "request-timeout",
          "max-in-flight",
          "grpc-channels",
          "records-per-request",
          "payload-bytes",
          "out",
          "server-jar",
          "loghaul-jvm-opts",
          "seed");
  static final double MAX_RATE = 50_000;
  static final Duration MAX_DURATION = Duration.ofHours(24);
  static final int MAX_SLOW_CLIENTS = 10_000;
  static final int SPEC_GRPC_PORT = 4317;
  static final int SPEC_HTTP_PORT = 4318;
  static final int SPEC_ADMIN_PORT = 9464;

  /**
   * Seconds the JDK HTTP client keeps an idle connection (its default is 1200) and how many idle
   * connections it keeps (default: unbounded). Like an OTLP exporter's pool (OkHttp keeps 5, Go's
   * transport 2 per host by default), connections opened during a stall are closed once it is over,
   * so the open-connection count shows what the server holds, not what one client hoards.
   */
  static final String HTTP_CLIENT_KEEPALIVE_SECONDS = "60";

  static final String HTTP_CLIENT_IDLE_CONNECTIONS = "64";

  final String targetHost;
  final int targetGrpcPort;
  final int targetHttpPort;
  final int targetAdminPort;
  final long serverPid;
  final double rate;
  final Duration duration;
  final Duration warmup;
  final Duration sampleInterval;
  final SoakMix mix;
  final Set<SoakKind> malformedKinds;
  final int slowClients;
  final double slowBodyShare;
  final Duration slowInterval;
  final Duration requestTimeout;
  final int maxInFlight;
  final int grpcChannels;
  final int recordsPerRequest;
  final int payloadBytes;
  final Path out;
  final Path serverJar;
  final String jvmOpts;
  final long seed;

  SoakSuite(Options o) {
    String target = o.string("target", null);
    if (target == null) {
      targetHost = null;
      targetGrpcPort = -1;
    } else {
      int colon = target.lastIndexOf(':');
      boolean hasPort =
          colon > 0
              && target.indexOf(':') == colon
              && target.substring(colon + 1).matches("\\d{1,5}");
      targetHost = hasPort ? target.substring(0, colon) : target;
      targetGrpcPort = hasPort ? Integer.parseInt(target.substring(colon + 1)) : SPEC_GRPC_PORT;
      requireLoopback(targetHost);
    }
    this.targetHttpPort = o.positiveInt("http-port", SPEC_HTTP_PORT);
    this.targetAdminPort = o.positiveInt("admin-port", SPEC_ADMIN_PORT);
    this.serverPid = o.positiveLong("server-pid", -1);
    this.rate = o.positiveDouble("rate", 1000);
    this.duration = o.duration("duration", Duration.ofMinutes(30));
    // the server's JIT (and the embedded broker's) takes about a core for 30-40 s after start on 2
    // cores
    this.warmup = o.duration("warmup", Duration.ofSeconds(60));
    this.sampleInterval = o.duration("sample-interval", Duration.ofSeconds(10));
    this.malformedKinds = SoakMix.parseMalformedKinds(o.string("malformed-kinds", "all"));
    this.mix =
        new SoakMix(
            o.share("valid", SoakMix.DEFAULT_VALID),
            o.share("partial", SoakMix.DEFAULT_PARTIAL),
            o.share("malformed", SoakMix.DEFAULT_MALFORMED),
            o.share("grpc-share", SoakMix.DEFAULT_GRPC_SHARE),
            o.share("json-share", SoakMix.DEFAULT_JSON_SHARE),
            malformedKinds);
    this.slowClients = o.nonNegativeInt("slow-clients", 200);
    this.slowBodyShare = o.share("slow-body-share", 0.25);
    this.slowInterval = o.duration("slow-interval", Duration.ofSeconds(5));
    this.requestTimeout = o.duration("request-timeout", Duration.ofSeconds(10));
    this.maxInFlight = o.positiveInt("max-in-flight", 1000);
    this.grpcChannels = o.positiveInt("grpc-channels", 4);
    this.recordsPerRequest = o.positiveInt("records-per-request", 1);
    this.payloadBytes = o.positiveInt("payload-bytes", 1200);
    this.out = Path.of(o.string("out", Summary.defaultOut("soak").toString()));
    this.serverJar = Path.of(o.string("server-jar", "server/target/loghaul-server.jar"));
    this.jvmOpts = o.string("loghaul-jvm-opts", "-Xms512m -Xmx512m");
    this.seed = o.positiveLong("seed", 16);
    if (rate > MAX_RATE) {
      throw new IllegalArgumentException(
          "soak: --rate: " + rate + " (expected: <= " + (long) MAX_RATE + ")");
    }
    if (duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(
          "soak: --duration: " + duration + " (expected: > 0 and <= 24h)");
    }
    if (warmup.compareTo(duration) >= 0) {
      throw new IllegalArgumentException(
          "soak: --warmup: " + warmup + " (expected: < --duration " + duration + ")");
    }
    if (sampleInterval.toMillis() < 100 || sampleInterval.compareTo(duration) > 0) {
      throw new IllegalArgumentException(
          "soak: --sample-interval: " + sampleInterval + " (expected: >= 100ms and <= --duration)");
    }
    if (slowClients > MAX_SLOW_CLIENTS) {
      throw new IllegalArgumentException(
          "soak: --slow-clients: " + slowClients + " (expected: <= " + MAX_SLOW_CLIENTS + ")");
    }
    if (requestTimeout.isZero() || slowInterval.isZero()) {
      throw new IllegalArgumentException("soak: --request-timeout and --slow-interval must be > 0");
    }
  }

  /** The benchmark sends hostile traffic: only to this machine. */
  static void requireLoopback(String host) {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalArgumentException(
          "soak: --target: "
              + host
              + " (expected: a loopback address such as 127.0.0.1 or localhost, with an optional :GRPC_PORT)");
    }
  }

  void run() throws Exception {
    // read once, when the JDK HTTP client's connection pool class loads
    System.setProperty("jdk.httpclient.keepalive.timeout", HTTP_CLIENT_KEEPALIVE_SECONDS);
    System.setProperty("jdk.httpclient.connectionPoolSize", HTTP_CLIENT_IDLE_CONNECTIONS);
    Files.createDirectories(out);
    Map<String, Object> machine = Machine.describe();
    LoghaulProcess server = null;
    Path work = out.resolve("work");
    try {
      String host;
      int grpcPort;
      int httpPort;
      int adminPort;
      long pid = serverPid;
      if (targetHost == null) {
        host = "127.0.0.1";
        server = startLoghaul(work);
        grpcPort = server.port("otlp.grpc.port");
        httpPort = server.port("otlp.http.port");
        adminPort = server.adminPort();
        pid = server.pid();
      } else {
        host = targetHost;
        grpcPort = targetGrpcPort;
        httpPort = targetHttpPort;
        adminPort = targetAdminPort;
      }
      Run r = new Run(host, grpcPort, httpPort, adminPort, pid, server);
      r.execute(machine);
    } finally {
      if (server != null) {
        try {
          server.terminate(Duration.ofSeconds(60));
        } catch (IllegalStateException e) {
          System.err.println("soak: " + e.getMessage()); // killed; the results stand
        } finally {
          server.close();
        }
      }
      deleteTree(work);
    }
  }

  /**
   * loghaul on embedded defaults, both OTLP listeners on ports of its choosing, ready for requests.
   */
  private LoghaulProcess startLoghaul(Path work) throws Exception {
    if (!Files.isRegularFile(serverJar)) {
      throw new IllegalStateException(
          "loghaul server jar not found at " + serverJar + " (build it, or pass --server-jar)");
    }
    List<String> jvm =
        LauncherJdkOptions.with(
            Arrays.stream(jvmOpts.trim().split("\\s+")).filter(x -> !x.isEmpty()).toList());
    jvm.add("-Xlog:gc:file=" + out.resolve("loghaul-gc.log") + ":uptime");
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
                    "--otlp.http.port=auto"))
            .start();
    try {
      return p.awaitReady(Duration.ofSeconds(120));
    } catch (RuntimeException | InterruptedException e) {
      p.close();
      throw e;
    }
  }

  /** One run against one server. */
  private final class Run {
    private final String host;
    private final int grpcPort;
    private final int httpPort;
    private final int adminPort;
    private final long pid;
    private final LoghaulProcess child;
    private final List<SoakSample> samples = new ArrayList<>();
    private final Histogram validAfterWarmup =
        new Histogram(SoakRecorder.HIGHEST_TRACKABLE_NANOS, 3);

    /** Seconds into the run when the server was found gone, or NaN. */
    private double serverExitedAt = Double.NaN;

    Run(String host, int grpcPort, int httpPort, int adminPort, long pid, LoghaulProcess child) {
      this.host = host;
      this.grpcPort = grpcPort;
      this.httpPort = httpPort;
      this.adminPort = adminPort;
      this.pid = pid;
      this.child = child;
    }

    /** False once the server process we know of has exited; true when we cannot tell. */
    private boolean serverAlive() {
      if (child != null) {
        return child.isAlive();
      }
      return pid <= 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private String serverExitMessage() {
      String code = child != null && !child.isAlive() ? " with exit code " + child.exitValue() : "";
      return String.format(
          Locale.ROOT,
          "soak: loghaul exited during the run (found at t = %.0f s%s)%s; stopping here",
          serverExitedAt,
          code,
          child != null ? "; see " + out.resolve("loghaul.log") : "");
    }

    void execute(Map<String, Object> machine) throws Exception {
      SoakRequests requests =
          new SoakRequests(
              seed, recordsPerRequest, payloadBytes, System.currentTimeMillis() * 1_000_000L);
      System.out.printf(
          Locale.ROOT,
          "soak: %s gRPC :%d, HTTP :%d, admin :%d%s; %.0f req/s for %s (warmup %s),"
              + " sample every %s; mix %s; %d slow clients (%.0f %% slow bodies, a line or %d bytes every %s)%n",
          host,
          grpcPort,
          httpPort,
          adminPort,
          pid > 0 ? ", pid " + pid : "",
          rate,
          human(duration),
          human(warmup),
          human(sampleInterval),
          mix.describe(),
          slowClients,
          slowBodyShare * 100,
          SlowClients.BODY_CHUNK,
          human(slowInterval));
      ServerProbe probe = new ServerProbe(host, adminPort, pid, httpPort, grpcPort);
      probe.read(); // the GC counters' starting point
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
      long end = start + duration.toNanos();
      SoakRecorder recorder = new SoakRecorder(start);
      Path csv = out.resolve("samples.csv");
      try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
          SlowClients slow =
              new SlowClients(
                  host,
                  httpPort,
                  slowClients,
                  slowBodyShare,
                  slowInterval,
                  requests.validProtobuf());
          SoakLoad load =
              new SoakLoad(
                  host,
                  grpcPort,
                  httpPort,
                  grpcChannels,
                  mix,
                  requests,
                  recorder,
                  requestTimeout,
                  maxInFlight,
                  seed)) {
        w.write(String.join(",", SoakSample.csvHeader()));
        w.newLine();
        w.flush();
        slow.start();
        load.start(rate, start, end);
        System.out.println(tableHeader());
        long intervalNanos = sampleInterval.toNanos();
        for (long at = Math.min(start + intervalNanos, end);
            ;
            at = Math.min(at + intervalNanos, end)) {
          long wait = at - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          double t = (at - start) / 1e9;
          SoakRecorder.Interval interval = recorder.interval(System.nanoTime());
          SoakSample s =
              SoakSample.of(
                  t,
                  t <= warmup.toMillis() / 1000.0 + 1e-6,
                  interval,
                  probe.read(),
                  slow.interval());
          if (!s.warmup()) {
            validAfterWarmup.add(interval.valid());
          }
          samples.add(s);
          w.write(s.csvRow());
          w.newLine();
          w.flush();
          System.out.println(tableRow(s));
          if (!serverAlive()) {
            serverExitedAt = t;
            System.out.println(serverExitMessage());
            load.stop();
            break;
          }
          if (at >= end) {
            break;
          }
        }
        load.awaitEnd();
        Map<String, Object> slowSummary = slow.summary();
        slow.close();
        writeResults(machine, recorder, probe, slowSummary);
      }
    }

    private void writeResults(
        Map<String, Object> machine,
        SoakRecorder recorder,
        ServerProbe probe,
        Map<String, Object> slowSummary)
        throws IOException {
      List<SoakTrend> trends = trends(samples);
      Map<String, Object> json = summarize(machine, recorder, probe, slowSummary, trends);
      String table =
          tableHeader()
              + "\n"
              + String.join("\n", samples.stream().map(SoakSuite::tableRow).toList());
      Summary.write(out, json, markdown(json, table, trends));
      SoakSvg.write(
          out.resolve("soak.svg"),
          "bench soak: "
              + String.format(
                  Locale.ROOT,
                  "%.0f req/s of mixed OTLP + %d slow clients for %s",
                  rate,
                  slowClients,
                  human(duration)),
          Machine.oneLine(machine),
          samples.stream().mapToDouble(SoakSample::tSeconds).toArray(),
          warmup.toMillis() / 1000.0,
          panels(samples));
      System.out.println();
      System.out.println(markdown(json, null, trends));
      System.out.println("results in " + out);
    }

    private Map<String, Object> summarize(
        Map<String, Object> machine,
        SoakRecorder recorder,
        ServerProbe probe,
        Map<String, Object> slowSummary,
        List<SoakTrend> trends) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("machine", machine);
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("target", targetHost == null ? "loghaul child process (embedded defaults)" : host);
      cfg.put("grpc_port", grpcPort);
      cfg.put("http_port", httpPort);
      cfg.put("admin_port", adminPort);
      cfg.put("offered_requests_per_s", rate);
      cfg.put("duration_s", duration.toMillis() / 1000.0);
      cfg.put("warmup_s", warmup.toMillis() / 1000.0);
      cfg.put("sample_interval_s", sampleInterval.toMillis() / 1000.0);
      cfg.put("mix", mix.describe());
      cfg.put("malformed_kinds", SoakMix.labels(malformedKinds));
      cfg.put("records_per_request", recordsPerRequest);
      cfg.put("payload_bytes", payloadBytes);
      cfg.put("request_timeout_s", requestTimeout.toMillis() / 1000.0);
      cfg.put("max_in_flight_per_transport", maxInFlight);
      cfg.put("grpc_channels", grpcChannels);
      cfg.put("slow_clients", slowClients);
      cfg.put("slow_body_share", slowBodyShare);
      cfg.put("slow_interval_s", slowInterval.toMillis() / 1000.0);
      cfg.put("seed", seed);
      if (child != null) {
        cfg.put("loghaul_jvm_opts", jvmOpts);
      }
      json.put("config", cfg);

      Map<String, Object> req = new LinkedHashMap<>();
      long sent = 0;
      Map<String, Object> byKind = new LinkedHashMap<>();
      Map<String, Map<String, Long>> byCategory = new LinkedHashMap<>();
      for (SoakKind k : SoakKind.values()) {
        long n = recorder.sentTotal(k);
        if (n == 0) {
          continue;
        }
        sent += n;
        Map<String, Object> kind = new LinkedHashMap<>();
        kind.put("offered", n);
        Map<String, Long> cat =
            byCategory.computeIfAbsent(k.category.label(), c -> new LinkedHashMap<>());
        cat.merge("offered", n, Long::sum);
        for (Status s : Status.values()) {
          long c = recorder.completedTotal(k, s);
          if (c > 0) {
            kind.put(s.label, c);
            cat.merge(s.label, c, Long::sum);
          }
        }
        byKind.put(k.label(), kind);
      }
      req.put("offered", sent);
      req.put("by_category", byCategory);
      req.put("by_kind", byKind);
      req.put("raw_statuses", recorder.rawStatuses());
      json.put("requests", req);

      Map<String, Object> lat = new LinkedHashMap<>();
      Histogram h = validAfterWarmup;
      lat.put("count", h.getTotalCount());
      if (h.getTotalCount() > 0) {
        lat.put("p50", round(h.getValueAtPercentile(50) / 1e6));
        lat.put("p90", round(h.getValueAtPercentile(90) / 1e6));
        lat.put("p99", round(h.getValueAtPercentile(99) / 1e6));
        lat.put("p99_9", round(h.getValueAtPercentile(99.9) / 1e6));
        lat.put("max", round(h.getMaxValue() / 1e6));
        lat.put("mean", round(h.getMean() / 1e6));
      }
      json.put("valid_latency_ms_after_warmup", lat);

      Map<String, Object> srv = new LinkedHashMap<>();
      if (pid > 0) {
        srv.put("pid", pid);
      }
      srv.put("rss_source", pid > 0 ? "/proc/" + pid + "/status" : "process_resident_memory_bytes");
      srv.put("rss_mb", stats(samples, s -> SoakSample.mbOf(s.rssBytes())));
      srv.put("heap_used_mb", stats(samples, s -> SoakSample.mbOf(s.heapUsedBytes())));
      double gcMs =
          samples.stream().mapToDouble(SoakSample::gcPauseMs).filter(d -> !Double.isNaN(d)).sum();
      srv.put("gc_pause_ms_total", round(gcMs));
      srv.put(
          "gc_pauses", samples.stream().mapToLong(SoakSample::gcPauses).filter(n -> n >= 0).sum());
      srv.put("gc_pause_ms_per_interval", stats(samples, SoakSample::gcPauseMs));
      srv.put(
          "connections_http",
          stats(
              samples,
              s -> s.serverHttpConnections() < 0 ? Double.NaN : s.serverHttpConnections()));
      srv.put(
          "connections_grpc",
          stats(
              samples,
              s -> s.serverGrpcConnections() < 0 ? Double.NaN : s.serverGrpcConnections()));
      srv.put(
          "connections_source", "/proc/net/tcp and /proc/net/tcp6 (server side of the OTLP ports)");
      srv.put("connection_gauges_in_metrics", new ArrayList<>(probe.connectionGauges()));
      srv.put(
          "open_files",
          stats(samples, s -> s.serverOpenFiles() < 0 ? Double.NaN : s.serverOpenFiles()));
      srv.put("exited_during_run", !Double.isNaN(serverExitedAt));
      if (!Double.isNaN(serverExitedAt)) {
        srv.put("exited_found_at_s", serverExitedAt);
        srv.put("exit_message", serverExitMessage());
      }
      json.put("server", srv);
      json.put("slow_clients", slowSummary);
      Map<String, Object> tr = new LinkedHashMap<>();
      for (SoakTrend t : trends) {
        tr.put(t.metric(), t.toJson());
      }
      json.put("trend", tr);
      json.put("files", Map.of("samples", "samples.csv", "plot", "soak.svg"));
      return json;
    }
  }

  /** {@code 30m}, {@code 1m30s}, {@code 10s}, {@code 500ms}. */
  static String human(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
  }

  /**
   * Trends over the samples after warmup: RSS, heap, P99, and what leaks show first when a server
   * holds connections it should have closed: its open files and its OTLP connections.
   */
  static List<SoakTrend> trends(List<SoakSample> samples) {
    List<SoakSample> after = samples.stream().filter(s -> !s.warmup()).toList();
    return List.of(
        SoakTrend.of("RSS", "MB", after.stream().map(s -> SoakSample.mbOf(s.rssBytes())).toList()),
        SoakTrend.of(
            "heap used",
            "MB",
            after.stream().map(s -> SoakSample.mbOf(s.heapUsedBytes())).toList()),
        SoakTrend.of("P99 of valid requests", "ms", after.stream().map(SoakSample::p99Ms).toList()),
        SoakTrend.of(
            "server open files",
            "files",
            after.stream().map(s -> known(s.serverOpenFiles())).toList()),
        SoakTrend.of(
            "server OTLP connections",
            "connections",
            after.stream()
                .map(
                    s ->
                        s.serverHttpConnections() < 0
                            ? Double.NaN
                            : (double) s.serverHttpConnections()
                                + Math.max(0, s.serverGrpcConnections()))
                .toList()));
  }

  private static double known(long n) {
    return n < 0 ? Double.NaN : n;
  }

  /** The plot's four panels: latency, memory, GC, connections. */
  static List<SoakSvg.Panel> panels(List<SoakSample> samples) {
    return List.of(
        new SoakSvg.Panel(
            "Latency of valid requests",
            "ms",
            true,
            List.of(
                series("P50", samples, SoakSample::p50Ms),
                series("P99", samples, SoakSample::p99Ms),
                series("P99.9", samples, SoakSample::p999Ms))),
        new SoakSvg.Panel(
            "Server memory",
            "MB",
            false,
            List.of(
                series("RSS", samples, s -> SoakSample.mbOf(s.rssBytes())),
                series("heap used", samples, s -> SoakSample.mbOf(s.heapUsedBytes())))),
        new SoakSvg.Panel(
            "GC pause time per interval",
            "ms",
            false,
            List.of(series("GC pauses", samples, SoakSample::gcPauseMs))),
        new SoakSvg.Panel(
            "Open connections (and the server's open files)",
            "count",
            false,
            connectionSeries(samples)));
  }

  private static List<SoakSvg.Series> connectionSeries(List<SoakSample> samples) {
    List<SoakSvg.Series> s =
        new ArrayList<>(
            List.of(
                series(
                    "server HTTP",
                    samples,
                    x -> x.serverHttpConnections() < 0 ? Double.NaN : x.serverHttpConnections()),
                series(
                    "server gRPC",
                    samples,
                    x -> x.serverGrpcConnections() < 0 ? Double.NaN : x.serverGrpcConnections()),
                series("slow clients open", samples, x -> (double) x.slowOpen()),
                series("server open files", samples, x -> known(x.serverOpenFiles()))));
    if (samples.stream().anyMatch(x -> x.serverConnectionsMetric() >= 0)) {
      s.add(
          series(
              "server's own gauge",
              samples,
              x -> x.serverConnectionsMetric() < 0 ? Double.NaN : x.serverConnectionsMetric()));
    }
    return s;
  }

  private static SoakSvg.Series series(
      String name, List<SoakSample> samples, ToDoubleFunction<SoakSample> f) {
    return new SoakSvg.Series(name, samples.stream().mapToDouble(f).toArray());
  }

  /** First, last, min and max of a column (NaN left out). */
  static Map<String, Object> stats(List<SoakSample> samples, ToDoubleFunction<SoakSample> f) {
    double[] v = samples.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).toArray();
    Map<String, Object> m = new LinkedHashMap<>();
    if (v.length == 0) {
      return m;
    }
    double min = v[0];
    double max = v[0];
    for (double d : v) {
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    m.put("first", round(v[0]));
    m.put("last", round(v[v.length - 1]));
    m.put("min", round(min));
    m.put("max", round(max));
    return m;
  }

  static String tableHeader() {
    return String.format(
        Locale.ROOT,
        "%7s %6s %6s %7s %7s %7s %7s  %-26s %-26s %6s %6s %6s %5s %5s %5s %5s %5s",
        "t s",
        "offr/s",
        "done/s",
        "P50 ms",
        "P99 ms",
        "P99.9",
        "max ms",
        "gRPC 2xx/4-5xx/to/err/skip",
        "HTTP 2xx/4-5xx/to/err/skip",
        "RSS MB",
        "heapMB",
        "GC ms",
        "httpC",
        "grpcC",
        "files",
        "slowO",
        "slowX");
  }

  static String tableRow(SoakSample s) {
    return String.format(
            Locale.ROOT,
            "%7.0f %6.0f %6.0f %7s %7s %7s %7s  %-26s %-26s %6s %6s %6s %5s %5s %5s %5d %5d",
            s.tSeconds(),
            s.offeredPerSecond(),
            s.completedPerSecond(),
            ms(s.p50Ms()),
            ms(s.p99Ms()),
            ms(s.p999Ms()),
            ms(s.maxMs()),
            statuses(s, Transport.GRPC),
            statuses(s, Transport.HTTP),
            whole(SoakSample.mbOf(s.rssBytes())),
            whole(SoakSample.mbOf(s.heapUsedBytes())),
            whole(s.gcPauseMs()),
            count(s.serverHttpConnections()),
            count(s.serverGrpcConnections()),
            count(s.serverOpenFiles()),
            s.slowOpen(),
            s.slowClosedByServer())
        + (s.warmup() ? "  (warmup)" : "");
  }

  private static String statuses(SoakSample s, Transport t) {
    return s.statuses(t, Status.OK)
        + "/"
        + s.errors(t)
        + "/"
        + s.statuses(t, Status.TIMEOUT)
        + "/"
        + s.statuses(t, Status.CONNECTION_ERROR)
        + "/"
        + s.statuses(t, Status.SKIPPED);
  }

  private static String ms(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String whole(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static String count(long n) {
    return n < 0 ? "-" : Long.toString(n);
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> json, String table, List<SoakTrend> trends) {
    Map<String, Object> cfg = (Map<String, Object>) json.get("config");
    Map<String, Object> req = (Map<String, Object>) json.get("requests");
    StringBuilder sb =
        new StringBuilder("# bench soak: mixed OTLP requests and slow clients over time\n\n");
    sb.append("Machine: ")
        .append(Machine.oneLine((Map<String, Object>) json.get("machine")))
        .append("  \n");
    if (json.get("server") instanceof Map<?, ?> srv && srv.get("exit_message") != null) {
      sb.append("**").append(srv.get("exit_message")).append("**  \n");
    }
    sb.append("Config: ").append(cfg).append("\n\n");
    if (table != null) {
      sb.append(
          "Per interval (latency of valid requests from the intended send time; answers per transport as"
              + " 2xx / 4xx+5xx / timeouts / connection errors / skipped (not sent: max-in-flight outstanding);"
              + " server connections are the server side of the OTLP"
              + " ports from /proc/net/tcp; slowO = slow clients open, slowX = closed by the server in the interval):\n\n");
      sb.append("```\n").append(table).append("\n```\n\n");
    }
    sb.append("Valid-request latency after warmup, ms: ")
        .append(json.get("valid_latency_ms_after_warmup"))
        .append("  \n");
    sb.append("Requests by category (answer classes): ")
        .append(req.get("by_category"))
        .append("  \n");
    sb.append("Raw statuses: ").append(req.get("raw_statuses")).append("  \n");
    sb.append("Server: ").append(json.get("server")).append("  \n");
    sb.append("Slow clients: ").append(json.get("slow_clients")).append("\n\n");
    sb.append("Trends (reported, never a failure; flat lines are the goal):\n\n");
    double timeoutMs =
        cfg.get("request_timeout_s") instanceof Number n ? n.doubleValue() * 1000 : Double.NaN;
    for (SoakTrend t : trends) {
      sb.append("- ").append(t.line());
      if (t.metric().startsWith("P99") && t.lastThird() >= 0.9 * timeoutMs) {
        sb.append(" — at the request timeout: valid requests are timing out");
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
