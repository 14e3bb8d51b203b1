package io.loghaul.bytes;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The W3C {@code traceparent} header ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>},
 * later versions may append {@code -...}), as OTLP clients send it and as loghaul puts it on Kafka
 * records. Parsing is OpenTelemetry's own {@link W3CTraceContextPropagator}, the one the ingest spans
 * extract with, so a value means the same wherever loghaul reads it; this class only adapts it to a
 * single header value. Not for per-record paths: parsing allocates a few small objects.
 */
public final class Traceparent {
  /** The header name, in HTTP, gRPC metadata and Kafka record headers. */
  public static final String HEADER = "traceparent";
  /** The length of a version {@code 00} value. */
  public static final int LENGTH = 55;
  private static final int TRACE_ID_OFFSET = 3;
  private static final int TRACE_ID_END = 35;

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapGetter<String> ONE_VALUE = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String carrier) {
      return List.of(HEADER);
    }

    @Override
    public String get(String carrier, String key) {
      return HEADER.equals(key) ? carrier : null;
    }
  };

  private Traceparent() {}

  /** The remote span context {@code value} names, or {@code null} when it is absent or malformed. */
  public static SpanContext parse(String value) {
    if (value == null) {
      return null;
    }
    SpanContext context = Span.fromContext(W3C.extract(Context.root(), value, ONE_VALUE)).getSpanContext();
    return context.isValid() ? context : null;
  }

  /** {@link #parse(String)} of a header value as bytes (ASCII; anything else makes it malformed). */
  public static SpanContext parse(byte[] value) {
    return value == null ? null : parse(new String(value, StandardCharsets.US_ASCII));
  }

  /** Whether {@code value} is a well-formed {@code traceparent} with a valid trace and span id. */
  public static boolean isValid(String value) {
    return parse(value) != null;
  }

  /** Whether two values carry the same trace id; false when either is too short to have one. */
  public static boolean sameTrace(byte[] a, byte[] b) {
    return a.length >= LENGTH && b.length >= LENGTH
        && Arrays.equals(a, TRACE_ID_OFFSET, TRACE_ID_END, b, TRACE_ID_OFFSET, TRACE_ID_END);
  }
}
