package io.loghaul.record;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The W3C {@code traceparent} value ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>};
 * later versions may append {@code -...}), as OTLP clients send it and as loghaul puts it on Kafka
 * records ({@link RecordContract#TRACEPARENT}). Parsing is OpenTelemetry's own {@link
 * W3CTraceContextPropagator}, the one the ingest spans extract with, so a value means the same
 * wherever loghaul reads it; this class only adapts it to a single header value. Used by OTLP
 * ingest to check a request's context before carrying it into the record header, and on the
 * consumer side to link spans to the trace that produced a record. Not for per-record paths:
 * parsing allocates a few small objects. Stateless; thread-safe.
 */
public final class Traceparent {
  /** The length of a version {@code 00} value. */
  public static final int LENGTH = 55;

  private static final int TRACE_ID_OFFSET = 3;
  private static final int TRACE_ID_END = 35;

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapGetter<String> ONE_VALUE =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
          return List.of(RecordContract.TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
          return RecordContract.TRACEPARENT.equals(key) ? carrier : null;
        }
      };

  private Traceparent() {}

  /**
   * The remote span context {@code value} names, or {@code null} when it is absent or malformed.
   */
  public static SpanContext parse(String value) {
    if (value == null) {
      return null;
    }
    SpanContext context =
        Span.fromContext(W3C.extract(Context.root(), value, ONE_VALUE)).getSpanContext();
    return context.isValid() ? context : null;
  }

  /** {@link #parse(String)} of a raw header value (ASCII; anything else makes it malformed). */
  public static SpanContext spanContext(byte[] value) {
    return value == null ? null : parse(new String(value, US_ASCII));
  }

  /** Whether {@code value} is a well-formed {@code traceparent} with a valid trace and span id. */
  public static boolean isValid(String value) {
    return parse(value) != null;
  }

  /**
   * The raw value of the last {@link RecordContract#TRACEPARENT} header in {@code headers}, or
   * null.
   */
  public static byte[] header(Headers headers) {
    Header h = headers.lastHeader(RecordContract.TRACEPARENT);
    return h == null ? null : h.value();
  }

  /** Whether two raw values carry the same trace id; false when either is too short to have one. */
  public static boolean sameTrace(byte[] a, byte[] b) {
    return a.length >= LENGTH
        && b.length >= LENGTH
        && Arrays.equals(a, TRACE_ID_OFFSET, TRACE_ID_END, b, TRACE_ID_OFFSET, TRACE_ID_END);
  }
}
