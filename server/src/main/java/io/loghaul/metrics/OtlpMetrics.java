package io.loghaul.metrics;

import static java.util.Objects.requireNonNull;

import io.loghaul.ingest.IngestListener;
import io.loghaul.schema.ErrorType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of docs/metrics.md#metric-reference that the OTLP receivers update: {@code
 * logs_received_total} and {@code log_parse_errors_total} with {@code source} = {@code otlp_grpc} /
 * {@code otlp_http} (shared with the pipeline's per-source meters), {@code
 * otlp_requests_total{transport,outcome}} and {@code otlp_request_duration_seconds{transport}}; and
 * the listeners' connection meters {@code otlp_connections{transport}} (open now) and {@code
 * otlp_connections_refused_total{transport}} (over {@code otlp.max-connections}).
 *
 * <p>Every meter is registered in the constructor (transports and outcomes are the closed sets of
 * {@link IngestListener}); the callbacks only pick a field and increment it. Thread-safe. An
 * unknown transport or outcome is a programming error and throws {@link IllegalArgumentException}.
 */
public final class OtlpMetrics implements IngestListener {
  static final List<String> TRANSPORTS = List.of(GRPC, HTTP);
  static final List<String> OUTCOMES =
      List.of(SUCCESS, PARTIAL_SUCCESS, INVALID, TOO_LARGE, UNAVAILABLE, TIMEOUT);

  private final TopicMeters[] sources = new TopicMeters[TRANSPORTS.size()];
  private final Counter[][] requests = new Counter[TRANSPORTS.size()][OUTCOMES.size()];
  private final Timer[] durations = new Timer[TRANSPORTS.size()];
  private final AtomicInteger[] connections = new AtomicInteger[TRANSPORTS.size()];
  private final Counter[] refused = new Counter[TRANSPORTS.size()];

  /** Registers the OTLP meters in {@code metrics}' registry. */
  public OtlpMetrics(PipelineMetrics metrics) {
    requireNonNull(metrics, "metrics");
    MeterRegistry registry = metrics.registry();
    for (int t = 0; t < TRANSPORTS.size(); t++) {
      String transport = TRANSPORTS.get(t);
      sources[t] = metrics.source(transport);
      for (int o = 0; o < OUTCOMES.size(); o++) {
        requests[t][o] =
            Counter.builder("otlp.requests")
                .description("OTLP export requests answered, by outcome")
                .tag("transport", transport)
                .tag("outcome", OUTCOMES.get(o))
                .register(registry);
      }
      durations[t] =
          Timer.builder("otlp.request.duration")
              .description("OTLP export request received to reply sent")
              .tag("transport", transport)
              .serviceLevelObjectives(HistogramBuckets.OTLP_REQUEST)
              .register(registry);
      connections[t] = new AtomicInteger();
      Gauge.builder("otlp.connections", connections[t], AtomicInteger::get)
          .description("OTLP connections open now")
          .tag("transport", transport)
          .register(registry);
      refused[t] =
          Counter.builder("otlp.connections.refused")
              .description("OTLP connections closed at once because otlp.max-connections were open")
              .tag("transport", transport)
              .register(registry);
    }
  }

  @Override
  public void requestTimedOut(String transport) {
    requests[transport(transport)][outcome(TIMEOUT)].increment();
  }

  @Override
  public void connectionOpened(String transport) {
    connections[transport(transport)].incrementAndGet();
  }

  @Override
  public void connectionClosed(String transport) {
    connections[transport(transport)].decrementAndGet();
  }

  @Override
  public void connectionRefused(String transport) {
    refused[transport(transport)].increment();
  }

  @Override
  public void received(int records, String transport) {
    sources[transport(transport)].received(records);
  }

  @Override
  public void rejected(ErrorType type, String transport) {
    sources[transport(transport)].parseError(type);
  }

  @Override
  public void requestCompleted(String transport, String outcome, long durationNanos) {
    int t = transport(transport);
    requests[t][outcome(outcome)].increment();
    durations[t].record(durationNanos, TimeUnit.NANOSECONDS);
  }

  private static int transport(String transport) {
    return switch (transport) {
      case GRPC -> 0;
      case HTTP -> 1;
      default ->
          throw new IllegalArgumentException(
              "transport: " + transport + " (expected: one of " + TRANSPORTS + ")");
    };
  }

  private static int outcome(String outcome) {
    return switch (outcome) {
      case SUCCESS -> 0;
      case PARTIAL_SUCCESS -> 1;
      case INVALID -> 2;
      case TOO_LARGE -> 3;
      case UNAVAILABLE -> 4;
      case TIMEOUT -> 5;
      default ->
          throw new IllegalArgumentException(
              "outcome: " + outcome + " (expected: one of " + OUTCOMES + ")");
    };
  }
}
