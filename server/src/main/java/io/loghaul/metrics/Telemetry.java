package io.loghaul.metrics;

import static java.util.Objects.requireNonNull;

import io.loghaul.config.LoghaulConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * loghaul's own tracing: an {@link OpenTelemetrySdk} exporting spans over OTLP when {@code
 * tracing.otlp-endpoint} is set, {@link OpenTelemetry#noop()} otherwise (so instrumented code pays
 * next to nothing when tracing is off). The sampler is {@code
 * parentBased(traceIdRatioBased(tracing.sample-ratio))}: a caller's sampling decision (from {@code
 * traceparent}) wins, root spans are sampled by ratio. Spans leave through a {@link
 * BatchSpanProcessor} (bounded queue, own thread; a slow or absent collector drops spans, it never
 * blocks the pipeline).
 *
 * <p>An endpoint whose path ends in {@code /v1/traces} is OTLP/HTTP (protobuf), any other is
 * OTLP/gRPC, e.g. {@code http://collector:4317}. {@link #close()} flushes and shuts the SDK down,
 * bounded in time; it does nothing for an instance it does not own.
 */
public final class Telemetry implements AutoCloseable {
  /** The instrumentation scope name of every loghaul tracer. */
  public static final String INSTRUMENTATION_NAME = "io.loghaul";

  static final String HTTP_TRACES_PATH = "/v1/traces";

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk owned;

  private Telemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk owned) {
    this.openTelemetry = openTelemetry;
    this.owned = owned;
  }

  /** Tracing as configured: an SDK with an OTLP exporter, or no-op when no endpoint is set. */
  public static Telemetry create(LoghaulConfig.Tracing config) {
    requireNonNull(config, "config");
    if (config.otlpEndpoint() == null) {
      return new Telemetry(OpenTelemetry.noop(), null);
    }
    double ratio = config.sampleRatio();
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("tracing.sample-ratio: " + ratio + " (expected: 0..1)");
    }
    OpenTelemetrySdk sdk = sdk(exporter(config.otlpEndpoint()), ratio);
    return new Telemetry(sdk, sdk);
  }

  /** Wraps an instance owned elsewhere (tests, embedding); {@link #close()} leaves it alone. */
  public static Telemetry of(OpenTelemetry openTelemetry) {
    return new Telemetry(requireNonNull(openTelemetry, "openTelemetry"), null);
  }

  /** An SDK exporting through {@code exporter} with loghaul's sampler and resource. */
  static OpenTelemetrySdk sdk(SpanExporter exporter, double sampleRatio) {
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), "loghaul"))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build();
    return OpenTelemetrySdk.builder()
        .setTracerProvider(tracerProvider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  static SpanExporter exporter(String endpoint) {
    if (endpoint.endsWith(HTTP_TRACES_PATH)) {
      return OtlpHttpSpanExporter.builder()
          .setEndpoint(endpoint)
          .setTimeout(Duration.ofSeconds(10))
          .build();
    }
    return OtlpGrpcSpanExporter.builder()
        .setEndpoint(endpoint)
        .setTimeout(Duration.ofSeconds(10))
        .build();
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** Whether spans are recorded and exported at all. */
  public boolean enabled() {
    return owned != null || openTelemetry != OpenTelemetry.noop();
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
