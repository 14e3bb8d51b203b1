package io.loghaul.ingest;

import io.loghaul.record.Traceparent;

/**
 * A W3C trace context as header values: that of one OTLP request ({@code traceparent} and {@code
 * tracestate} from gRPC metadata or HTTP headers), and the one carried into the Kafka record
 * headers (the {@code kafka.produce} span's, see {@link IngestTracing}). Validity is decided by the
 * one W3C parser, {@link Traceparent}. Immutable.
 *
 * @param traceparent a valid {@code traceparent} ({@link Traceparent#isValid}), or {@code null}
 * @param tracestate the {@code tracestate} that came with it, or {@code null}
 */
public record TraceContext(String traceparent, String tracestate) {
  /** No trace context. */
  public static final TraceContext NONE = new TraceContext(null, null);

  /**
   * Longer {@code tracestate} values are dropped, as W3C allows (32 members of ≤ 256 chars each is
   * far above real use).
   */
  static final int MAX_TRACESTATE_CHARS = 512;

  /**
   * The context of these header values; {@link #NONE} when {@code traceparent} is absent or
   * malformed (W3C: then {@code tracestate} must be ignored too).
   */
  public static TraceContext of(String traceparent, String tracestate) {
    if (!Traceparent.isValid(traceparent)) {
      return NONE;
    }
    String state =
        tracestate == null || tracestate.isEmpty() || tracestate.length() > MAX_TRACESTATE_CHARS
            ? null
            : tracestate;
    return new TraceContext(traceparent, state);
  }

  /** Whether this context carries anything. */
  public boolean isPresent() {
    return traceparent != null;
  }
}
