package io.loghaul.ingest;

import io.loghaul.schema.ErrorType;

/**
 * Hook for metrics of the OTLP receivers (docs/metrics.md#metric-reference: {@code
 * log_parse_errors_total}, {@code logs_received_total}, {@code otlp_requests_total}, {@code
 * otlp_request_duration_seconds}). Called from network and Kafka callback threads concurrently:
 * implementations must be thread-safe and cheap. Every method defaults to doing nothing.
 */
public interface IngestListener {
  /** Transport label of gRPC requests. */
  String GRPC = "otlp_grpc";

  /** Transport label of HTTP requests. */
  String HTTP = "otlp_http";

  /** Outcome: every record accepted and acknowledged by Kafka (or an empty request). */
  String SUCCESS = "success";

  /** Outcome: the valid records acknowledged, some records rejected. */
  String PARTIAL_SUCCESS = "partial_success";

  /** Outcome: malformed request, wrong path, method or content type. */
  String INVALID = "invalid";

  /** Outcome: over {@code otlp.max-request-bytes}. */
  String TOO_LARGE = "too_large";

  /** Outcome: Kafka unavailable or over the in-flight budget; the client retries. */
  String UNAVAILABLE = "unavailable";

  /**
   * Outcome: the request's headers or body did not arrive within {@code
   * otlp.http.header-timeout-ms} / {@code otlp.http.body-timeout-ms}; answered 408 and the
   * connection closed.
   */
  String TIMEOUT = "timeout";

  /** Does nothing. */
  IngestListener NOOP = new IngestListener() {};

  /** {@code records} log records arrived in one decoded request. */
  default void received(int records, String transport) {}

  /** One record failed the schema check with {@code type}. */
  default void rejected(ErrorType type, String transport) {}

  /** {@code records} valid records were acknowledged by Kafka. */
  default void accepted(int records, String transport) {}

  /** A request was answered with {@code outcome} {@code durationNanos} after it arrived. */
  default void requestCompleted(String transport, String outcome, long durationNanos) {}

  /**
   * A request's headers did not arrive in time: counted as outcome {@link #TIMEOUT}, without a
   * duration (the request never arrived, so it has no place in the latency histogram).
   */
  default void requestTimedOut(String transport) {}

  /** A connection was accepted (it counts against {@code otlp.max-connections} until closed). */
  default void connectionOpened(String transport) {}

  /** An accepted connection closed. */
  default void connectionClosed(String transport) {}

  /** A connection over {@code otlp.max-connections} was closed as soon as it was accepted. */
  default void connectionRefused(String transport) {}
}
