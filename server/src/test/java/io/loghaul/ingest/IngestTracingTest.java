package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpRequests.CLOCK;
import static io.loghaul.ingest.OtlpRequests.TRACEPARENT;
import static io.loghaul.ingest.OtlpRequests.record;
import static io.loghaul.ingest.OtlpRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's own spans through the real receivers: {@code otlp.export} continues the client's
 * {@code traceparent}, {@code kafka.produce} is its child, and the Kafka headers carry the produce
 * span's context.
 */
class IngestTracingTest {
  private static final String CLIENT_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final FakePublisher publisher = new FakePublisher();
  private OpenTelemetrySdk sdk;
  private OtlpGrpcService grpc;
  private OtlpHttpServer http;
  private ManagedChannel channel;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(
            SchemaLimits.defaults(),
            publisher,
            IngestListener.NOOP,
            sdk,
            CLOCK,
            Duration.ofMillis(300));
    grpc = TestListeners.grpc(0, 1 << 20, ingester);
    grpc.start();
    http = TestListeners.http(0, 1 << 20, ingester);
    http.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
    client = HttpClient.newHttpClient();
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    grpc.close();
    http.close();
    sdk.close();
  }

  private LogsServiceGrpc.LogsServiceBlockingStub stub(String traceparent, String tracestate) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), traceparent);
    headers.put(Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER), tracestate);
    return LogsServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private SpanData span(String name) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> spans.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals(name)));
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void grpcExportSpanContinuesTheClientTraceAndParentsTheProduceSpan() {
    stub(TRACEPARENT, "vendor=1").export(request(record("one"), record("two")));

    SpanData export = span(IngestTracing.EXPORT_SPAN);
    SpanData produce = span(IngestTracing.PRODUCE_SPAN);
    assertThat(export.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(export.getTraceId()).isEqualTo(CLIENT_TRACE_ID);
    assertThat(export.getParentSpanId()).isEqualTo(CLIENT_SPAN_ID);
    assertThat(export.getParentSpanContext().isRemote()).isTrue();
    assertThat(export.getAttributes().get(IngestTracing.OUTCOME)).isEqualTo(IngestListener.SUCCESS);
    assertThat(export.getAttributes().get(IngestTracing.LOG_RECORDS)).isEqualTo(2L);
    assertThat(export.getAttributes().get(IngestTracing.RPC_GRPC_STATUS_CODE)).isEqualTo(0L);
    assertThat(produce.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(produce.getTraceId()).isEqualTo(CLIENT_TRACE_ID);
    assertThat(produce.getParentSpanId()).isEqualTo(export.getSpanId());
    assertThat(produce.getAttributes().get(IngestTracing.MESSAGING_BATCH_COUNT)).isEqualTo(2L);
    // the Kafka headers continue the trace from the produce span, keeping the client's tracestate
    assertThat(publisher.calls)
        .singleElement()
        .satisfies(
            call ->
                assertThat(call.trace())
                    .isEqualTo(
                        new TraceContext(
                            "00-" + CLIENT_TRACE_ID + "-" + produce.getSpanId() + "-01",
                            "vendor=1")));
  }

  @Test
  void httpExportSpanContinuesTheClientTraceAndParentsTheProduceSpan() throws Exception {
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/v1/logs"))
                .header("Content-Type", "application/x-protobuf")
                .header("traceparent", TRACEPARENT)
                .POST(BodyPublishers.ofByteArray(request(record("one")).toByteArray()))
                .build(),
            BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    SpanData export = span(IngestTracing.EXPORT_SPAN);
    SpanData produce = span(IngestTracing.PRODUCE_SPAN);
    assertThat(export.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(export.getParentSpanId()).isEqualTo(CLIENT_SPAN_ID);
    assertThat(export.getTraceId()).isEqualTo(CLIENT_TRACE_ID);
    assertThat(export.getAttributes().get(IngestTracing.HTTP_STATUS_CODE)).isEqualTo(200L);
    assertThat(produce.getParentSpanId()).isEqualTo(export.getSpanId());
    assertThat(publisher.calls)
        .singleElement()
        .satisfies(
            call ->
                assertThat(call.trace())
                    .isEqualTo(
                        new TraceContext(
                            "00-" + CLIENT_TRACE_ID + "-" + produce.getSpanId() + "-01", null)));
  }

  @Test
  void startsANewTraceWithoutAClientTraceparent() throws Exception {
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/v1/logs"))
                .header("Content-Type", "application/x-protobuf")
                .header(
                    "traceparent",
                    "00-00000000000000000000000000000000-00f067aa0ba902b7-01") // invalid: ignored
                .POST(BodyPublishers.ofByteArray(request(record("one")).toByteArray()))
                .build(),
            BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    SpanData export = span(IngestTracing.EXPORT_SPAN);
    assertThat(export.getParentSpanContext().isValid()).isFalse();
    SpanData produce = span(IngestTracing.PRODUCE_SPAN);
    assertThat(produce.getTraceId()).isEqualTo(export.getTraceId());
    assertThat(publisher.calls)
        .singleElement()
        .satisfies(
            call ->
                assertThat(call.trace().traceparent())
                    .isEqualTo("00-" + export.getTraceId() + "-" + produce.getSpanId() + "-01"));
  }

  @Test
  void marksTheSpansOfUnavailableRepliesAsErrors() {
    publisher.mode = FakePublisher.Mode.FAIL;

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub(TRACEPARENT, "vendor=1").export(request(record("one"))));

    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
    SpanData export = span(IngestTracing.EXPORT_SPAN);
    assertThat(export.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(export.getAttributes().get(IngestTracing.OUTCOME))
        .isEqualTo(IngestListener.UNAVAILABLE);
    assertThat(export.getAttributes().get(IngestTracing.RPC_GRPC_STATUS_CODE)).isEqualTo(14L);
    SpanData produce = span(IngestTracing.PRODUCE_SPAN);
    assertThat(produce.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(produce.getParentSpanId()).isEqualTo(export.getSpanId());
  }

  @Test
  void givesMalformedRequestsAnErrorSpanToo() throws Exception {
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/v1/logs"))
                .header("Content-Type", "application/x-protobuf")
                .header("traceparent", TRACEPARENT)
                .POST(BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0x01}))
                .build(),
            BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(400);
    SpanData export = span(IngestTracing.EXPORT_SPAN);
    assertThat(export.getParentSpanId()).isEqualTo(CLIENT_SPAN_ID);
    assertThat(export.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(export.getAttributes().get(IngestTracing.OUTCOME)).isEqualTo(IngestListener.INVALID);
    assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .doesNotContain(IngestTracing.PRODUCE_SPAN);
  }

  @Test
  void carriesTheClientContextUnchangedWhenTracingIsOff() {
    TraceContext client = TraceContext.of(TRACEPARENT, "vendor=1");
    IngestTracing off = IngestTracing.NOOP;

    var export = off.startExport(client, IngestListener.GRPC);
    var produce = off.startProduce(export, 1);

    assertThat(IngestTracing.propagated(produce)).isEqualTo(client);
    assertThat(
            IngestTracing.propagated(
                off.startProduce(off.startExport(TraceContext.NONE, IngestListener.HTTP), 1)))
        .isEqualTo(TraceContext.NONE);
    assertThat(List.of(export.isRecording(), produce.isRecording())).containsOnly(false);
  }
}
