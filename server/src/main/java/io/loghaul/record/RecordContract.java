package io.loghaul.record;

/**
 * The Kafka record contract between producers (OTLP ingest, or anyone writing JSON) and the
 * pipeline: a record's value is a JSON LogEntry (no {@value #CONTENT_TYPE} header, or {@value
 * #JSON}) or a protobuf {@code loghaul.v1.LogEntry} ({@value #PROTOBUF}); W3C trace context, when
 * there is one, travels in the {@value #TRACEPARENT} and {@value #TRACESTATE} headers. Header
 * values are US-ASCII.
 */
public final class RecordContract {
  /** Header naming the value's encoding. */
  public static final String CONTENT_TYPE = "content-type";

  /** {@link #CONTENT_TYPE} of a protobuf {@code loghaul.v1.LogEntry} value. */
  public static final String PROTOBUF = "application/x-protobuf";

  /** {@link #CONTENT_TYPE} of a JSON LogEntry value (also the meaning of no header). */
  public static final String JSON = "application/json";

  /**
   * {@code content-type} of an OTLP dead letter: a one-record OTLP export request
   * (docs/dead-letters.md#otlp). The pipeline does not read it; a replay of it is refused again.
   */
  public static final String OTLP_EXPORT_REQUEST =
      "application/x-protobuf; proto=opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest";

  /** Header carrying a W3C {@code traceparent}. */
  public static final String TRACEPARENT = "traceparent";

  /** Header carrying the W3C {@code tracestate} that goes with {@link #TRACEPARENT}. */
  public static final String TRACESTATE = "tracestate";

  private RecordContract() {}
}
