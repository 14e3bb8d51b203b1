package io.loghaul.pipeline;

import io.loghaul.bytes.Traceparent;
import io.opentelemetry.api.trace.SpanContext;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads the W3C {@code traceparent} header that OTLP ingest (or any producer) put on a Kafka
 * record, so the server's own spans can link to the trace that produced a record. Parsing happens
 * only when a span is built, never per record on the row path; malformed values are ignored. The
 * parsing itself is {@link Traceparent}'s, shared with OTLP ingest.
 */
public final class TraceHeaders {
  /** The Kafka header carrying a W3C traceparent. */
  public static final String TRACEPARENT = Traceparent.HEADER;

  private TraceHeaders() {}

  /** The raw {@code traceparent} header value of {@code headers}, or null. */
  public static byte[] traceparent(Headers headers) {
    Header h = headers.lastHeader(TRACEPARENT);
    return h == null ? null : h.value();
  }

  /** Whether two traceparent values name the same trace (same trace id). */
  public static boolean sameTrace(byte[] a, byte[] b) {
    return Traceparent.sameTrace(a, b);
  }

  /** The remote span context of a traceparent value, or null when it is malformed. */
  public static SpanContext spanContext(byte[] value) {
    return Traceparent.parse(value);
  }
}
