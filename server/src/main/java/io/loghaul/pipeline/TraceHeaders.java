package io.loghaul.pipeline;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads the W3C {@code traceparent} header that OTLP ingest (or any producer) put on a Kafka
 * record, so the server's own spans can link to the trace that produced a record. Parsing happens
 * only when a span is built, never per record on the row path; malformed values are ignored.
 */
public final class TraceHeaders {
  /** The Kafka header carrying a W3C traceparent. */
  public static final String TRACEPARENT = "traceparent";
  /** {@code 00-<32 hex>-<16 hex>-<2 hex>}. */
  private static final int LENGTH = 55;

  private TraceHeaders() {}

  /** The raw {@code traceparent} header value of {@code headers}, or null. */
  public static byte[] traceparent(Headers headers) {
    Header h = headers.lastHeader(TRACEPARENT);
    return h == null ? null : h.value();
  }

  /** Whether two traceparent values name the same trace (same trace id). */
  public static boolean sameTrace(byte[] a, byte[] b) {
    if (a.length < LENGTH || b.length < LENGTH) {
      return false;
    }
    for (int i = 3; i < 35; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  /** The remote span context of a traceparent value, or null when it is malformed. */
  public static SpanContext spanContext(byte[] value) {
    if (value == null || value.length < LENGTH || value[2] != '-' || value[35] != '-' || value[52] != '-'
        || (value.length > LENGTH && value[LENGTH] != '-')) {
      return null;
    }
    String s = new String(value, 0, LENGTH, StandardCharsets.US_ASCII);
    if (s.startsWith("ff")) {
      return null;
    }
    String traceId = s.substring(3, 35);
    String spanId = s.substring(36, 52);
    int flags;
    try {
      flags = Integer.parseInt(s, 53, 55, 16);
    } catch (NumberFormatException e) {
      return null;
    }
    SpanContext ctx = SpanContext.createFromRemoteParent(
        traceId, spanId, TraceFlags.fromByte((byte) flags), TraceState.getDefault());
    return ctx.isValid() ? ctx : null;
  }
}
