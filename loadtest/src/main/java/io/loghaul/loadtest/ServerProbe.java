package io.loghaul.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads how a loghaul server is doing, for {@code bench soak}: its RSS ({@code /proc/<pid>/status}
 * when the pid is known, else {@code process_resident_memory_bytes}), heap used and GC pauses
 * ({@code jvm_memory_used_bytes{area="heap"}}, {@code jvm_gc_pause_seconds_sum/count}, as deltas
 * between readings), open files ({@code process_files_open_files}), an open-connections gauge if
 * the server exports one (any {@code otlp_*connections*} metric that is not a counter or histogram
 * part), and the server side of the TCP connections on its OTLP ports from {@code /proc/net/tcp}
 * and {@code /proc/net/tcp6} (the target is on loopback, so this machine's kernel sees them).
 *
 * <p>One sampling thread; a value that cannot be read is -1 (or NaN), never an exception.
 */
final class ServerProbe {
  /** TCP states in which the server still holds the socket: ESTABLISHED, SYN_RECV, CLOSE_WAIT. */
  private static final Set<String> OPEN_STATES = Set.of("01", "03", "08");

  private static final Pattern CONNECTION_GAUGE =
      Pattern.compile("otlp_[a-z0-9_]*connections?[a-z0-9_]*");
  private static final Pattern NOT_A_GAUGE =
      Pattern.compile(".*_(total|created|count|sum|bucket|max)");

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final URI metrics;
  private final long pid;
  private final int httpPort;
  private final int grpcPort;
  private double lastGcSeconds = Double.NaN;
  private double lastGcCount = Double.NaN;
  private final Set<String> connectionGauges = new TreeSet<>();

  /** {@code pid} -1 when the server is not a local process we know. */
  ServerProbe(String host, int adminPort, long pid, int httpPort, int grpcPort) {
    this.metrics =
        URI.create(
            "http://"
                + (host.contains(":") ? "[" + host + "]" : host)
                + ":"
                + adminPort
                + "/metrics");
    this.pid = pid;
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
  }

  /** One reading; values that cannot be read are -1 or NaN. */
  record Reading(
      long rssBytes,
      long heapUsedBytes,
      double gcPauseMs,
      long gcPauses,
      long httpConnections,
      long grpcConnections,
      long metricConnections,
      long openFiles) {}

  Reading read() {
    String text = scrape();
    long rss = pid > 0 ? ProcStat.rssBytes(pid) : -1;
    if (rss < 0) {
      rss = asLong(sum(text, "process_resident_memory_bytes", null));
    }
    double gcSeconds = sum(text, "jvm_gc_pause_seconds_sum", null);
    double gcCount = sum(text, "jvm_gc_pause_seconds_count", null);
    double pauseMs =
        Double.isNaN(lastGcSeconds) || Double.isNaN(gcSeconds)
            ? Double.NaN
            : Math.max(0, gcSeconds - lastGcSeconds) * 1000;
    long pauses =
        Double.isNaN(lastGcCount) || Double.isNaN(gcCount)
            ? -1
            : (long) Math.max(0, gcCount - lastGcCount);
    if (!Double.isNaN(gcSeconds)) {
      lastGcSeconds = gcSeconds;
      lastGcCount = gcCount;
    }
    List<String> tcp = tcpTable();
    double gauge = connectionGauge(text, connectionGauges);
    return new Reading(
        rss,
        asLong(sum(text, "jvm_memory_used_bytes", "area=\"heap\"")),
        pauseMs,
        pauses,
        tcp.isEmpty() ? -1 : openConnections(tcp, httpPort),
        tcp.isEmpty() ? -1 : openConnections(tcp, grpcPort),
        asLong(gauge),
        asLong(sum(text, "process_files_open_files", null)));
  }

  /** The names of the connection gauges found in the server's metrics so far. */
  Set<String> connectionGauges() {
    return connectionGauges;
  }

  private String scrape() {
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static List<String> tcpTable() {
    List<String> lines = new ArrayList<>();
    for (String f : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try {
        lines.addAll(Files.readAllLines(Path.of(f)));
      } catch (IOException | RuntimeException e) {
        // no IPv6, or not Linux
      }
    }
    return lines;
  }

  private static long asLong(double v) {
    return Double.isNaN(v) ? -1 : Math.round(v);
  }

  /**
   * The sum of every sample of {@code metric} in Prometheus text whose labels contain {@code
   * labelFilter} (null: all); NaN when there is none.
   */
  static double sum(String text, String metric, String labelFilter) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (!line.startsWith(metric) || line.length() <= metric.length()) {
        continue;
      }
      char next = line.charAt(metric.length());
      if (next != '{' && next != ' ') {
        continue;
      }
      if (labelFilter != null
          && (next != '{' || !line.substring(0, line.lastIndexOf('}') + 1).contains(labelFilter))) {
        continue;
      }
      Double v = value(line);
      if (v != null) {
        sum += v;
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }

  /**
   * The sum of every {@code otlp_*connections*} gauge sample (counters and histogram parts left
   * out), adding the names found to {@code names}; NaN when the server exports none.
   */
  static double connectionGauge(String text, Set<String> names) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      String name = line.substring(0, end);
      if (!CONNECTION_GAUGE.matcher(name).matches() || NOT_A_GAUGE.matcher(name).matches()) {
        continue;
      }
      Double v = value(line);
      if (v != null) {
        names.add(name);
        sum += v;
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }

  private static Double value(String line) {
    // name{labels} value [timestamp]; label values may hold spaces, so start after the labels
    int from = line.indexOf('}') >= 0 ? line.lastIndexOf('}') + 1 : line.indexOf(' ');
    String[] parts = line.substring(from).trim().split("\\s+");
    try {
      double v = Double.parseDouble(parts[0]);
      return Double.isNaN(v) ? null : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Server-side sockets on local {@code port} that are still open (ESTABLISHED, SYN_RECV or
   * CLOSE_WAIT), from the lines of {@code /proc/net/tcp} and {@code /proc/net/tcp6}.
   */
  static long openConnections(List<String> lines, int port) {
    String suffix = ":" + String.format("%04X", port);
    long n = 0;
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 3 && f[1].endsWith(suffix) && OPEN_STATES.contains(f[3])) {
        n++;
      }
    }
    return n;
  }
}
