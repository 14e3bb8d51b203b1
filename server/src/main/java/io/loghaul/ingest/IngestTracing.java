package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import io.loghaul.record.RecordContract;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;

/**
 * The server's own spans of OTLP ingest (docs/otlp.md#trace-context): one {@value #EXPORT_SPAN}
 * span (kind SERVER) per request, whose parent is the client's W3C {@code traceparent}, and one
 * {@value #PRODUCE_SPAN} span (kind PRODUCER) per batch of records handed to Kafka, its child.
 *
 * <p>The Kafka record headers carry the context of the produce span, as OpenTelemetry's messaging
 * conventions do, so a consumer continues the trace client → {@code otlp.export} → {@code
 * kafka.produce}. With tracing off ({@link OpenTelemetry#noop()}) the spans are the client's
 * context passed through, so the headers carry exactly the client's {@code traceparent} and {@code
 * tracestate}, and nothing when the client sent none.
 *
 * <p>Thread-safe; spans are started and ended on whichever thread handles the request or its Kafka
 * acknowledgement, always with explicit parents (never {@link Context#current()}).
 */
final class IngestTracing {
  static final String INSTRUMENTATION_SCOPE = "io.loghaul.ingest";
  static final String EXPORT_SPAN = "otlp.export";
  static final String PRODUCE_SPAN = "kafka.produce";

  static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("loghaul.otlp.transport");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("loghaul.otlp.outcome");
  static final AttributeKey<Long> LOG_RECORDS = AttributeKey.longKey("loghaul.otlp.log_records");
  static final AttributeKey<Long> REJECTED_LOG_RECORDS =
      AttributeKey.longKey("loghaul.otlp.rejected_log_records");
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> RPC_GRPC_STATUS_CODE =
      AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> HTTP_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> MESSAGING_OPERATION =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<Long> MESSAGING_BATCH_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");

  /** Tracing off. */
  static final IngestTracing NOOP = new IngestTracing(OpenTelemetry.noop());

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  private static final TextMapGetter<TraceContext> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceContext carrier) {
          return List.of(RecordContract.TRACEPARENT, RecordContract.TRACESTATE);
        }

        @Override
        public String get(TraceContext carrier, String key) {
          if (carrier == null) {
            return null;
          }
          return switch (key) {
            case RecordContract.TRACEPARENT -> carrier.traceparent();
            case RecordContract.TRACESTATE -> carrier.tracestate();
            default -> null;
          };
        }
      };

  private static final TextMapSetter<String[]> SETTER =
      (carrier, key, value) -> {
        if (RecordContract.TRACEPARENT.equals(key)) {
          carrier[0] = value;
        } else if (RecordContract.TRACESTATE.equals(key)) {
          carrier[1] = value;
        }
      };

  private final Tracer tracer;

  IngestTracing(OpenTelemetry openTelemetry) {
    this.tracer = requireNonNull(openTelemetry, "openTelemetry").getTracer(INSTRUMENTATION_SCOPE);
  }

  /**
   * Starts the SERVER span of one request; its parent is {@code client}'s context, a new trace when
   * absent.
   */
  Span startExport(TraceContext client, String transport) {
    Context parent =
        client.isPresent() ? W3C.extract(Context.root(), client, GETTER) : Context.root();
    var builder =
        tracer
            .spanBuilder(EXPORT_SPAN)
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute(TRANSPORT, transport);
    if (IngestListener.GRPC.equals(transport)) {
      builder
          .setAttribute(RPC_SYSTEM, "grpc")
          .setAttribute(RPC_SERVICE, "opentelemetry.proto.collector.logs.v1.LogsService")
          .setAttribute(RPC_METHOD, "Export");
    } else {
      builder.setAttribute(HTTP_METHOD, "POST");
    }
    return builder.startSpan();
  }

  /** Starts the PRODUCER span of {@code records} records published for {@code export}'s request. */
  Span startProduce(Span export, int records) {
    return tracer
        .spanBuilder(PRODUCE_SPAN)
        .setSpanKind(SpanKind.PRODUCER)
        .setParent(Context.root().with(export))
        .setAttribute(MESSAGING_SYSTEM, "kafka")
        .setAttribute(MESSAGING_OPERATION, "send")
        .setAttribute(MESSAGING_BATCH_COUNT, (long) records)
        .startSpan();
  }

  /** Ends {@code export} with the request's outcome; anything but (partial) success is an error. */
  static void endExport(Span export, String outcome) {
    export.setAttribute(OUTCOME, outcome);
    if (!IngestListener.SUCCESS.equals(outcome)
        && !IngestListener.PARTIAL_SUCCESS.equals(outcome)) {
      export.setStatus(StatusCode.ERROR, outcome);
    }
    export.end();
  }

  /**
   * The W3C context of {@code span} for the Kafka record headers; {@link TraceContext#NONE} when it
   * has none.
   */
  static TraceContext propagated(Span span) {
    if (!span.getSpanContext().isValid()) {
      return TraceContext.NONE;
    }
    String[] carrier = new String[2];
    W3C.inject(Context.root().with(span), carrier, SETTER);
    return TraceContext.of(carrier[0], carrier[1]);
  }
}
