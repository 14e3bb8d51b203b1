package io.loghaul.loadtest;

import io.loghaul.loadtest.SoakKind.Transport;
import io.loghaul.loadtest.SoakRecorder.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * One row of {@code bench soak}'s {@code samples.csv}: what happened in one sampling interval.
 * Requests offered per second are those due (sent or skipped), completed those sent that ended.
 * Latencies are of valid requests only, in ms from their intended send time; statuses are outcomes
 * per transport and {@link Status} class; memory, GC and connections are the server's as read at
 * the interval's end ({@link ServerProbe}); the slow clients' counts are theirs. Unknown values are
 * -1 or NaN and written as empty CSV cells. Immutable.
 *
 * @param tSeconds seconds since the load started, at the interval's end
 * @param warmup whether the interval ended inside the warmup (left out of trends)
 * @param gcPauseMs GC pause time within the interval
 * @param serverConnectionsMetric the server's own open-connections gauge(s), -1 when it has none
 */
record SoakSample(
    double tSeconds,
    double intervalSeconds,
    boolean warmup,
    double offeredPerSecond,
    double completedPerSecond,
    long validCount,
    double p50Ms,
    double p99Ms,
    double p999Ms,
    double maxMs,
    double grpcP99Ms,
    double httpP99Ms,
    long[] grpcStatuses,
    long[] httpStatuses,
    long rssBytes,
    long heapUsedBytes,
    double gcPauseMs,
    long gcPauses,
    long serverHttpConnections,
    long serverGrpcConnections,
    long serverConnectionsMetric,
    long serverOpenFiles,
    long slowOpen,
    long slowClosedByServer,
    long slowConnects) {

  /** Builds a sample from one interval of each source. */
  static SoakSample of(
      double tSeconds,
      boolean warmup,
      SoakRecorder.Interval load,
      ServerProbe.Reading server,
      SlowClients.Interval slow) {
    double s = Math.max(1e-9, load.seconds());
    Histogram v = load.valid();
    return new SoakSample(
        tSeconds,
        load.seconds(),
        warmup,
        load.sentTotal() / s,
        load.completedTotal() / s,
        v.getTotalCount(),
        ms(v, 50),
        ms(v, 99),
        ms(v, 99.9),
        ms(v, 100),
        ms(load.validGrpc(), 99),
        ms(load.validHttp(), 99),
        load.statuses(Transport.GRPC),
        load.statuses(Transport.HTTP),
        server.rssBytes(),
        server.heapUsedBytes(),
        server.gcPauseMs(),
        server.gcPauses(),
        server.httpConnections(),
        server.grpcConnections(),
        server.metricConnections(),
        server.openFiles(),
        slow.open(),
        slow.closedByServer(),
        slow.connects());
  }

  /** A percentile in ms, NaN for an empty histogram. */
  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
  }

  /** Answers over {@code transport} with {@code status} in this interval. */
  long statuses(Transport transport, Status status) {
    return (transport == Transport.GRPC ? grpcStatuses : httpStatuses)[status.ordinal()];
  }

  /** Answers with status classes 4xx/5xx (and other), in this interval, per transport. */
  long errors(Transport transport) {
    long n = 0;
    for (Status s : Status.values()) {
      if (s != Status.OK
          && s != Status.TIMEOUT
          && s != Status.CONNECTION_ERROR
          && s != Status.SKIPPED) {
        n += statuses(transport, s);
      }
    }
    return n;
  }

  /** The CSV header: one name per column of {@link #csvRow()}. */
  static List<String> csvHeader() {
    List<String> h =
        new ArrayList<>(
            List.of(
                "t_s",
                "interval_s",
                "warmup",
                "offered_per_s",
                "completed_per_s",
                "valid_count",
                "p50_ms",
                "p99_ms",
                "p99_9_ms",
                "max_ms",
                "grpc_p99_ms",
                "http_p99_ms"));
    for (Transport t : Transport.values()) {
      for (Status s : Status.values()) {
        h.add(t.label() + "_" + s.label);
      }
    }
    h.addAll(
        List.of(
            "rss_mb",
            "heap_used_mb",
            "gc_pause_ms",
            "gc_pauses",
            "server_conns_http",
            "server_conns_grpc",
            "server_conns_metric",
            "server_open_files",
            "slow_open",
            "slow_closed_by_server",
            "slow_connects"));
    return h;
  }

  /** This sample as one CSV line (no line end), in {@link #csvHeader()}'s order. */
  String csvRow() {
    List<String> c =
        new ArrayList<>(
            List.of(
                num(tSeconds),
                num(intervalSeconds),
                Boolean.toString(warmup),
                num(offeredPerSecond),
                num(completedPerSecond),
                Long.toString(validCount),
                num(p50Ms),
                num(p99Ms),
                num(p999Ms),
                num(maxMs),
                num(grpcP99Ms),
                num(httpP99Ms)));
    for (long n : grpcStatuses) {
      c.add(Long.toString(n));
    }
    for (long n : httpStatuses) {
      c.add(Long.toString(n));
    }
    c.addAll(
        List.of(
            mb(rssBytes),
            mb(heapUsedBytes),
            num(gcPauseMs),
            count(gcPauses),
            count(serverHttpConnections),
            count(serverGrpcConnections),
            count(serverConnectionsMetric),
            count(serverOpenFiles),
            count(slowOpen),
            count(slowClosedByServer),
            count(slowConnects)));
    return String.join(",", c);
  }

  static double mbOf(long bytes) {
    return bytes < 0 ? Double.NaN : bytes / (1024.0 * 1024.0);
  }

  private static String mb(long bytes) {
    return num(mbOf(bytes));
  }

  private static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "";
    }
    return String.format(Locale.ROOT, "%.3f", v).replaceAll("\\.?0+$", "");
  }

  private static String count(long n) {
    return n < 0 ? "" : Long.toString(n);
  }
}
