package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.schema.ErrorType;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rejected OTLP records are handed on (to the dead-letter topic, in the server) each as a request
 * of its own with its resource and scope, byte for byte, while the client still gets
 * partial_success and the valid records are published.
 */
class OtlpRejectedRecordsTest {
  private record Letter(
      ExportLogsServiceRequest request,
      byte[] bytes,
      Rejected why,
      String transport,
      long receivedAt) {}

  private final List<Letter> letters = new ArrayList<>();
  private final FakePublisher publisher = new FakePublisher();

  private OtlpLogsIngester ingester(RejectedRecords sink) {
    return new OtlpLogsIngester(
        SchemaLimits.defaults(),
        publisher,
        new CountingListener(),
        OpenTelemetry.noop(),
        OtlpRequests.CLOCK,
        OtlpLogsIngester.DEFAULT_PUBLISH_TIMEOUT,
        sink);
  }

  private final RejectedRecords capture =
      (request, why, transport, receivedAt) -> {
        try {
          letters.add(
              new Letter(
                  ExportLogsServiceRequest.parseFrom(request),
                  request,
                  why,
                  transport,
                  receivedAt));
        } catch (Exception e) {
          letters.add(new Letter(null, request, why, transport, receivedAt));
        }
      };

  private static ResourceLogs resource(String service, String scope, LogRecord... records) {
    ScopeLogs.Builder s =
        ScopeLogs.newBuilder()
            .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0")
            .setScope(
                InstrumentationScope.newBuilder()
                    .setName(scope)
                    .setVersion("1.2")
                    .addAttributes(
                        KeyValue.newBuilder()
                            .setKey("my.scope.attribute")
                            .setValue(AnyValue.newBuilder().setStringValue("x"))));
    for (LogRecord r : records) {
      s.addLogRecords(r);
    }
    return ResourceLogs.newBuilder()
        .setResource(
            Resource.newBuilder()
                .addAttributes(
                    KeyValue.newBuilder()
                        .setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue(service))))
        .addScopeLogs(
            ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("empty")))
        .addScopeLogs(s)
        .build();
  }

  @Test
  void eachRejectedRecordBecomesAOneRecordRequestWithItsResourceAndScope() throws Exception {
    LogRecord good = OtlpRequests.record("fine");
    LogRecord badId = OtlpRequests.badRecord();
    LogRecord badLevel =
        OtlpRequests.record("odd level").toBuilder().setSeverityNumberValue(99).build();
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(resource("checkout", "scope-a", good, badId))
            .addResourceLogs(resource("payments", "scope-b", good, good, badLevel))
            .build();
    byte[] bytes = request.toByteArray();

    ExportLogsServiceResponse reply =
        ingester(capture)
            .export(bytes, 0, bytes.length, Span.getInvalid(), IngestListener.HTTP)
            .get();

    assertThat(reply.getPartialSuccess().getRejectedLogRecords()).isEqualTo(2);
    assertThat(publisher.calls).singleElement().satisfies(c -> assertThat(c.values()).hasSize(3));
    assertThat(letters).hasSize(2);

    Letter first = letters.get(0);
    assertThat(first.transport()).isEqualTo("otlp_http");
    assertThat(first.receivedAt()).isEqualTo(OtlpRequests.NOW_MILLIS);
    assertThat(first.why().type()).isEqualTo(ErrorType.INVALID_VALUE);
    assertThat(first.why().field()).isEqualTo("/trace_id");
    assertThat(first.request())
        .isEqualTo(
            ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(
                    ResourceLogs.newBuilder()
                        .setResource(request.getResourceLogs(0).getResource())
                        .addScopeLogs(
                            request.getResourceLogs(0).getScopeLogs(1).toBuilder()
                                .clearLogRecords()
                                .addLogRecords(badId)))
                .build());

    Letter second = letters.get(1);
    assertThat(second.transport()).isEqualTo("otlp_http");
    assertThat(second.request().getResourceLogs(0).getResource())
        .isEqualTo(request.getResourceLogs(1).getResource());
    assertThat(second.request().getResourceLogs(0).getScopeLogs(0).getScope().getName())
        .isEqualTo("scope-b");
    assertThat(second.request().getResourceLogs(0).getScopeLogs(0).getSchemaUrl())
        .isEqualTo("https://opentelemetry.io/schemas/1.21.0");
    assertThat(second.request().getResourceLogs(0).getScopeLogs(0).getLogRecordsList())
        .containsExactly(badLevel);
  }

  @Test
  void theSlicerCutsOutARecordByteForByteEvenWithInvalidUtf8() throws Exception {
    // a body string with the bytes C3 28 (not UTF-8): protobuf-java refuses to build or parse it,
    // so the request is built with a placeholder that is patched on the wire
    LogRecord bad =
        LogRecord.newBuilder()
            .setTimeUnixNano(OtlpRequests.NOW_NANOS)
            .setBody(AnyValue.newBuilder().setStringValue("okXY"))
            .build();
    ExportLogsServiceRequest valid =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(resource("checkout", "scope-a", OtlpRequests.record("fine"), bad))
            .build();
    byte[] bytes = patch(valid.toByteArray());

    List<byte[]> cut = RejectedRecordSlicer.slice(bytes, 0, bytes.length, new int[] {1}, 1);

    ExportLogsServiceRequest expected =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(valid.getResourceLogs(0).getResource())
                    .addScopeLogs(
                        valid.getResourceLogs(0).getScopeLogs(1).toBuilder()
                            .clearLogRecords()
                            .addLogRecords(bad)))
            .build();
    assertThat(cut).singleElement().isEqualTo(patch(expected.toByteArray()));
  }

  /** "XY" → C3 28. */
  private static byte[] patch(byte[] b) {
    for (int i = 0; i + 1 < b.length; i++) {
      if (b[i] == 'X' && b[i + 1] == 'Y') {
        b[i] = (byte) 0xC3;
        b[i + 1] = 0x28;
      }
    }
    return b;
  }

  @Test
  void withoutASinkNothingIsCutOut() throws Exception {
    byte[] bytes = OtlpRequests.request(OtlpRequests.badRecord()).toByteArray();

    ExportLogsServiceResponse reply =
        ingester(RejectedRecords.NONE)
            .export(bytes, 0, bytes.length, Span.getInvalid(), IngestListener.GRPC)
            .get();

    assertThat(reply.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
    assertThat(letters).isEmpty();
  }
}
