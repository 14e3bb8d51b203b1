package io.loghaul.loadtest;

import io.loghaul.loadtest.SoakKind.Category;
import io.loghaul.loadtest.SoakKind.Transport;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What {@code bench soak}'s senders saw: requests offered per {@link SoakKind}, outcomes per kind
 * and {@link Status} class, the raw gRPC codes and HTTP statuses behind the classes, and the
 * latency of valid requests (from their intended send time, so a stall is charged to every request
 * it delayed; timeouts count with the time waited, connection errors and skipped requests not at
 * all).
 *
 * <p>Senders call {@link #sent} and {@link #completed} from any thread; one sampling thread calls
 * {@link #interval} to get what happened since its previous call.
 */
final class SoakRecorder {
  /** Latencies above this (10 minutes) are recorded as this. */
  static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(10);

  /**
   * An answer's class, the same for both transports: gRPC OK is 2xx, INVALID_ARGUMENT 400,
   * RESOURCE_EXHAUSTED 413, UNAVAILABLE from the server 503, DEADLINE_EXCEEDED a timeout, and an
   * UNAVAILABLE caused by the transport (connect or I/O failure) a connection error. SKIPPED is a
   * request the sender did not send because its transport already had {@code max-in-flight}
   * requests outstanding (the server holds them): the generator stays on schedule instead of
   * queueing behind a stalled server.
   */
  enum Status {
    OK("2xx"),
    BAD_REQUEST("400"),
    TOO_LARGE("413"),
    UNSUPPORTED_MEDIA_TYPE("415"),
    TOO_MANY_REQUESTS("429"),
    UNAVAILABLE("503"),
    OTHER("other"),
    TIMEOUT("timeout"),
    CONNECTION_ERROR("conn_error"),
    SKIPPED("skipped");

    final String label;

    Status(String label) {
      this.label = label;
    }
  }

  private static final SoakKind[] KINDS = SoakKind.values();
  private static final Status[] STATUSES = Status.values();

  private final LongAdder[] sent = new LongAdder[KINDS.length];
  private final LongAdder[][] completed = new LongAdder[KINDS.length][STATUSES.length];
  private final Map<String, LongAdder> raw = new ConcurrentHashMap<>();
  private final Recorder valid = new Recorder(HIGHEST_TRACKABLE_NANOS, 3);
  private final Recorder validGrpc = new Recorder(HIGHEST_TRACKABLE_NANOS, 3);
  private final Recorder validHttp = new Recorder(HIGHEST_TRACKABLE_NANOS, 3);
  // the sampling thread's state
  private long[] lastSent = new long[KINDS.length];
  private long[][] lastCompleted = new long[KINDS.length][STATUSES.length];
  private long lastNanos;

  SoakRecorder(long startNanos) {
    for (int k = 0; k < KINDS.length; k++) {
      sent[k] = new LongAdder();
      for (int s = 0; s < STATUSES.length; s++) {
        completed[k][s] = new LongAdder();
      }
    }
    lastNanos = startNanos;
  }

  /** One request of {@code kind} is due (sent, or skipped). */
  void sent(SoakKind kind) {
    sent[kind.ordinal()].increment();
  }

  /**
   * One request of {@code kind} ended with {@code status}; {@code rawStatus} is the gRPC code or
   * HTTP status (e.g. {@code grpc INVALID_ARGUMENT}, {@code http 404}).
   */
  void completed(SoakKind kind, Status status, String rawStatus, long latencyNanos) {
    completed[kind.ordinal()][status.ordinal()].increment();
    raw.computeIfAbsent(rawStatus, k -> new LongAdder()).increment();
    if (kind.category == Category.VALID
        && status != Status.CONNECTION_ERROR
        && status != Status.SKIPPED) {
      long v = Math.min(Math.max(0, latencyNanos), HIGHEST_TRACKABLE_NANOS);
      valid.recordValue(v);
      (kind.transport == Transport.GRPC ? validGrpc : validHttp).recordValue(v);
    }
  }

  /**
   * What happened between the previous call (or the start) and {@code nowNanos}. Sampling thread
   * only.
   */
  Interval interval(long nowNanos) {
    long[] s = new long[KINDS.length];
    long[][] c = new long[KINDS.length][STATUSES.length];
    for (int k = 0; k < KINDS.length; k++) {
      long now = sent[k].sum();
      s[k] = now - lastSent[k];
      lastSent[k] = now;
      for (int x = 0; x < STATUSES.length; x++) {
        long n = completed[k][x].sum();
        c[k][x] = n - lastCompleted[k][x];
        lastCompleted[k][x] = n;
      }
    }
    double seconds = (nowNanos - lastNanos) / 1e9;
    lastNanos = nowNanos;
    return new Interval(
        seconds,
        s,
        c,
        valid.getIntervalHistogram(),
        validGrpc.getIntervalHistogram(),
        validHttp.getIntervalHistogram());
  }

  /** Requests sent per kind since the start. */
  long sentTotal(SoakKind kind) {
    return sent[kind.ordinal()].sum();
  }

  /** Answers of {@code kind} with {@code status} since the start. */
  long completedTotal(SoakKind kind, Status status) {
    return completed[kind.ordinal()][status.ordinal()].sum();
  }

  /** The raw gRPC codes and HTTP statuses since the start, sorted. */
  Map<String, Long> rawStatuses() {
    Map<String, Long> m = new TreeMap<>();
    raw.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** The class of an HTTP status code. */
  static Status http(int code) {
    if (code >= 200 && code < 300) {
      return Status.OK;
    }
    return switch (code) {
      case 400 -> Status.BAD_REQUEST;
      case 413 -> Status.TOO_LARGE;
      case 415 -> Status.UNSUPPORTED_MEDIA_TYPE;
      case 429 -> Status.TOO_MANY_REQUESTS;
      case 503 -> Status.UNAVAILABLE;
      default -> Status.OTHER;
    };
  }

  /** The class of a gRPC status. */
  static Status grpc(io.grpc.Status status) {
    return switch (status.getCode()) {
      case OK -> Status.OK;
      case INVALID_ARGUMENT -> Status.BAD_REQUEST;
      case RESOURCE_EXHAUSTED -> Status.TOO_LARGE;
      case DEADLINE_EXCEEDED -> Status.TIMEOUT;
      case UNAVAILABLE -> transportFailure(status) ? Status.CONNECTION_ERROR : Status.UNAVAILABLE;
      default -> Status.OTHER;
    };
  }

  /**
   * grpc-java reports connect and I/O failures as UNAVAILABLE with a cause or an "io exception"
   * text.
   */
  private static boolean transportFailure(io.grpc.Status status) {
    if (status.getCause() instanceof IOException) {
      return true;
    }
    String d = status.getDescription();
    return d != null
        && (d.startsWith("io exception")
            || d.startsWith("Connection closed")
            || d.contains("Network closed"));
  }

  /**
   * One sampling interval: sent per kind, answers per kind and status class, and the latency
   * histograms of valid requests (all, gRPC, HTTP), in nanoseconds.
   */
  record Interval(
      double seconds,
      long[] sent,
      long[][] completed,
      Histogram valid,
      Histogram validGrpc,
      Histogram validHttp) {

    long sentTotal() {
      long n = 0;
      for (long v : sent) {
        n += v;
      }
      return n;
    }

    /** Requests sent that ended (answered, timed out or failed), skipped ones left out. */
    long completedTotal() {
      long n = 0;
      for (long[] row : completed) {
        for (int s = 0; s < row.length; s++) {
          n += s == Status.SKIPPED.ordinal() ? 0 : row[s];
        }
      }
      return n;
    }

    /** Answers over {@code transport} per status class, indexed by {@link Status#ordinal()}. */
    long[] statuses(Transport transport) {
      long[] r = new long[STATUSES.length];
      for (SoakKind k : KINDS) {
        if (k.transport == transport) {
          for (int s = 0; s < r.length; s++) {
            r[s] += completed[k.ordinal()][s];
          }
        }
      }
      return r;
    }
  }
}
