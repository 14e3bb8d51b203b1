package io.loghaul.ingest;

/**
 * A W3C trace context as header values: that of one OTLP request ({@code traceparent} and
 * {@code tracestate} from gRPC metadata or HTTP headers), and the one carried into the Kafka record
 * headers (the {@code kafka.produce} span's, see {@link IngestTracing}). Immutable.
 *
 * @param traceparent a syntactically valid {@code traceparent}, or {@code null}
 * @param tracestate the {@code tracestate} that came with it, or {@code null}
 */
public record TraceContext(String traceparent, String tracestate) {
  /** No trace context. */
  public static final TraceContext NONE = new TraceContext(null, null);

  /** Longer {@code tracestate} values are dropped, as W3C allows (32 members of ≤ 256 chars each is far above real use). */
  static final int MAX_TRACESTATE_CHARS = 512;

  /**
   * The context of these header values; {@link #NONE} when {@code traceparent} is absent or
   * malformed (W3C: then {@code tracestate} must be ignored too).
   */
  public static TraceContext of(String traceparent, String tracestate) {
    if (traceparent == null || !isValidTraceparent(traceparent)) {
      return NONE;
    }
    String state = tracestate == null || tracestate.isEmpty() || tracestate.length() > MAX_TRACESTATE_CHARS
        ? null : tracestate;
    return new TraceContext(traceparent, state);
  }

  /** Whether this context carries anything. */
  public boolean isPresent() {
    return traceparent != null;
  }

  private static boolean isValidTraceparent(String s) {
    // version "00" is exactly 55 chars; later versions may append "-..." fields
    if (s.length() < 55 || (s.length() > 55 && s.charAt(55) != '-') || s.startsWith("ff")) {
      return false;
    }
    if (s.startsWith("00") && s.length() != 55) {
      return false;
    }
    if (s.charAt(2) != '-' || s.charAt(35) != '-' || s.charAt(52) != '-') {
      return false;
    }
    return isHex(s, 0, 2) && isNonZeroHex(s, 3, 35) && isNonZeroHex(s, 36, 52) && isHex(s, 53, 55);
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNonZeroHex(String s, int from, int to) {
    if (!isHex(s, from, to)) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return true;
      }
    }
    return false;
  }
}
