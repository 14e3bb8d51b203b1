package io.loghaul.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loghaul.config.LoghaulConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.junit.jupiter.api.Test;

class TelemetryTest {
  @Test
  void isNoopWithoutAnEndpoint() {
    try (Telemetry t = Telemetry.create(new LoghaulConfig.Tracing(null, 1.0))) {
      assertThat(t.openTelemetry()).isSameAs(OpenTelemetry.noop());
      assertThat(t.enabled()).isFalse();
    }
  }

  @Test
  void buildsAnSdkWithAnOtlpExporterWhenAnEndpointIsSet() {
    try (Telemetry t = Telemetry.create(new LoghaulConfig.Tracing("http://127.0.0.1:1", 0.25))) {
      assertThat(t.enabled()).isTrue();
      assertThat(t.openTelemetry()).isInstanceOf(OpenTelemetrySdk.class);
      OpenTelemetrySdk sdk = (OpenTelemetrySdk) t.openTelemetry();
      assertThat(sdk.getSdkTracerProvider().getSampler().getDescription())
          .isEqualTo(
              "ParentBased{root:TraceIdRatioBased{0.250000},remoteParentSampled:AlwaysOnSampler,"
                  + "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
                  + "localParentNotSampled:AlwaysOffSampler}");
    }
  }

  @Test
  void picksOtlpHttpForATracesPathAndGrpcOtherwise() {
    assertThat(Telemetry.exporter("http://collector:4318/v1/traces").getClass().getSimpleName())
        .isEqualTo("OtlpHttpSpanExporter");
    assertThat(Telemetry.exporter("http://collector:4317").getClass().getSimpleName())
        .isEqualTo("OtlpGrpcSpanExporter");
  }

  @Test
  void sampleRatioZeroRecordsNoRootSpans() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = Telemetry.sdk(exporter, 0.0);
    try {
      Span s = sdk.getTracer("t").spanBuilder("root").startSpan();
      assertThat(s.isRecording()).isFalse();
      s.end();
    } finally {
      sdk.close();
    }
  }

  @Test
  void rejectsASampleRatioOutsideZeroToOne() {
    assertThatThrownBy(() -> Telemetry.create(new LoghaulConfig.Tracing("http://127.0.0.1:1", 1.5)))
        .hasMessage("tracing.sample-ratio: 1.5 (expected: 0..1)");
  }

  @Test
  void leavesAnInstanceItDoesNotOwnOpen() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = Telemetry.sdk(exporter, 1.0);
    try {
      Telemetry.of(sdk).close();
      Span s = sdk.getTracer("t").spanBuilder("after-close").startSpan();
      assertThat(s.isRecording()).isTrue();
      s.end();
    } finally {
      sdk.close();
    }
  }
}
