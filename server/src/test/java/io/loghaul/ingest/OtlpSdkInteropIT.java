package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.loghaul.testing.RealServers;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OTLP ingest end to end with real clients: the OpenTelemetry Java SDK's own OTLP exporters (gRPC,
 * and HTTP/protobuf with gzip) and a raw gRPC stub, through an in-process loghaul into a real Kafka
 * broker and a real clickhouse-server, checking every mapped column (docs/otlp.md#mapping).
 */
class OtlpSdkInteropIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";

  @RegisterExtension
  @Order(1)
  static final RealServers servers = new RealServers();

  @RegisterExtension
  @Order(2)
  static final OtlpLoghaul otlp = new OtlpLoghaul(servers);

  /** Emits two records through the SDK: a string body with everything set, and a map body. */
  private static void emitThroughSdk(
      LogRecordExporter exporter, String service, long timestampNanos) {
    io.opentelemetry.sdk.resources.Resource resource =
        io.opentelemetry.sdk.resources.Resource.create(
            Attributes.of(
                AttributeKey.stringKey("service.name"),
                service,
                AttributeKey.stringKey("deployment.environment"),
                "it",
                AttributeKey.longKey("host.cpus"),
                4L));
    try (SdkLoggerProvider provider =
        SdkLoggerProvider.builder()
            .setResource(resource)
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter))
            .build()) {
      Logger logger =
          provider.loggerBuilder("io.loghaul.it").setInstrumentationVersion("1.2.3").build();
      SpanContext client =
          SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault());
      logger
          .logRecordBuilder()
          .setTimestamp(timestampNanos, TimeUnit.NANOSECONDS)
          .setSeverity(Severity.WARN2)
          .setSeverityText("WARN")
          .setBody("payment declined")
          .setContext(Context.root().with(Span.wrap(client)))
          .setAllAttributes(
              Attributes.builder()
                  .put("http.status", 402L)
                  .put("ratio", 0.25)
                  .put("retry", true)
                  .put("user", "u-1")
                  .put("tags", "a", "b")
                  .put("codes", 1L, 2L)
                  .build())
          .emit();
      logger
          .logRecordBuilder()
          .setTimestamp(timestampNanos + 1, TimeUnit.NANOSECONDS)
          .setSeverity(Severity.ERROR)
          .setBody(
              Value.of(
                  KeyValue.of("event", Value.of("login")), KeyValue.of("attempts", Value.of(3L))))
          .emit();
      assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess())
          .as("export succeeded")
          .isTrue();
    }
  }

  private static List<JsonNode> rows(String service, int expected) throws Exception {
    String sql =
        "SELECT timestamp_ns, toUnixTimestamp(timestamp) AS ts, service_name, toString(level) AS level, "
            + "message, trace_id, span_id, attributes.key AS k, attributes.value AS v FROM "
            + otlp.table()
            + " WHERE service_name = '"
            + service
            + "' ORDER BY timestamp_ns FORMAT JSONEachRow";
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> servers.ch().query(sql).lines().filter(l -> !l.isBlank()).count() >= expected);
    List<JsonNode> out = new ArrayList<>();
    for (String line : servers.ch().query(sql).split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static Map<String, String> attributes(JsonNode row) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < row.get("k").size(); i++) {
      out.put(row.get("k").get(i).asText(), row.get("v").get(i).asText());
    }
    return out;
  }

  private static void assertMappedExactly(
      List<JsonNode> rows, String service, long timestampNanos) {
    assertThat(rows).hasSize(2);
    Map<String, String> resourceAndScope =
        Map.of(
            "resource.deployment.environment", "it",
            "resource.host.cpus", "4",
            "scope.name", "io.loghaul.it",
            "scope.version", "1.2.3");

    JsonNode first = rows.get(0);
    assertThat(first.get("timestamp_ns").asText()).isEqualTo(Long.toString(timestampNanos));
    assertThat(first.get("ts").asLong()).isEqualTo(timestampNanos / 1_000_000_000L);
    assertThat(first.get("service_name").asText()).isEqualTo(service);
    assertThat(first.get("level").asText()).isEqualTo("WARN");
    assertThat(first.get("message").asText()).isEqualTo("payment declined");
    assertThat(first.get("trace_id").asText()).isEqualTo(TRACE_ID);
    assertThat(first.get("span_id").asText()).isEqualTo(SPAN_ID);
    Map<String, String> expected =
        new LinkedHashMap<>(
            Map.of(
                "http.status", "402",
                "ratio", "0.25",
                "retry", "true",
                "user", "u-1",
                "tags", "[\"a\",\"b\"]",
                "codes", "[1,2]"));
    expected.putAll(resourceAndScope);
    assertThat(attributes(first)).containsExactlyInAnyOrderEntriesOf(expected);

    JsonNode second = rows.get(1);
    assertThat(second.get("timestamp_ns").asText()).isEqualTo(Long.toString(timestampNanos + 1));
    assertThat(second.get("level").asText()).isEqualTo("ERROR");
    assertThat(second.get("message").asText()).isEqualTo("{\"event\":\"login\",\"attempts\":3}");
    assertThat(second.get("trace_id").asText()).isEmpty();
    assertThat(second.get("span_id").asText()).isEmpty();
    assertThat(attributes(second)).containsExactlyInAnyOrderEntriesOf(resourceAndScope);
  }

  private static long recentNanos() {
    // a minute ago, with sub-millisecond digits that only an exact path keeps
    return (System.currentTimeMillis() - 60_000) * 1_000_000L + 123_457;
  }

  @Test
  void grpcExporterRecordsLandWithExactlyTheMappedColumns() throws Exception {
    long ts = recentNanos();
    // the logger provider shuts the exporter down
    emitThroughSdk(
        OtlpGrpcLogRecordExporter.builder()
            .setEndpoint("http://127.0.0.1:" + otlp.loghaul().otlpGrpcPort())
            .setTimeout(Duration.ofSeconds(20))
            .build(),
        "sdk-grpc",
        ts);

    assertMappedExactly(rows("sdk-grpc", 2), "sdk-grpc", ts);
  }

  @Test
  void httpProtobufExporterWithGzipRecordsLandWithExactlyTheMappedColumns() throws Exception {
    long ts = recentNanos();
    emitThroughSdk(
        OtlpHttpLogRecordExporter.builder()
            .setEndpoint("http://127.0.0.1:" + otlp.loghaul().otlpHttpPort() + "/v1/logs")
            .setCompression("gzip")
            .setTimeout(Duration.ofSeconds(20))
            .build(),
        "sdk-http",
        ts);

    assertMappedExactly(rows("sdk-http", 2), "sdk-http", ts);
  }

  @Test
  void partialSuccessReportsTheInvalidRecordsAndStoresTheValidOnes() throws Exception {
    double before = parseErrors("invalid_value");
    long ts = recentNanos();
    LogRecord.Builder valid = LogRecord.newBuilder().setTimeUnixNano(ts).setSeverityNumberValue(9);
    LogRecord badTraceId =
        valid
            .clone()
            .setBody(AnyValue.newBuilder().setStringValue("bad"))
            .setTraceId(ByteString.copyFrom(new byte[5]))
            .build();
    LogRecord badSeverity =
        valid
            .clone()
            .setBody(AnyValue.newBuilder().setStringValue("bad"))
            .setSeverityNumberValue(99)
            .build();
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(
                                io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
                                    .setKey("service.name")
                                    .setValue(AnyValue.newBuilder().setStringValue("partial"))))
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .addLogRecords(
                                valid.clone().setBody(AnyValue.newBuilder().setStringValue("ok-1")))
                            .addLogRecords(badTraceId)
                            .addLogRecords(
                                valid
                                    .clone()
                                    .setTimeUnixNano(ts + 1)
                                    .setBody(AnyValue.newBuilder().setStringValue("ok-2")))
                            .addLogRecords(badSeverity)))
            .build();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", otlp.loghaul().otlpGrpcPort())
            .usePlaintext()
            .build();
    ExportLogsServiceResponse response;
    try {
      response =
          LogsServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(20, TimeUnit.SECONDS)
              .export(request);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(2);
    assertThat(response.getPartialSuccess().getErrorMessage())
        .startsWith("2 of 4 log records rejected: invalid_value");
    assertThat(rows("partial", 2))
        .extracting(r -> r.get("message").asText())
        .containsExactly("ok-1", "ok-2");
    assertThat(parseErrors("invalid_value") - before).isEqualTo(2);

    // both rejected records are in the dead-letter topic, each with its resource, as sent
    List<ConsumerRecord<byte[], byte[]>> letters =
        servers.kafkaClient().readAll("logs.dlq", 2, Duration.ofSeconds(30)).stream()
            .filter(r -> "otlp_grpc".equals(header(r, "loghaul.source.topic")))
            .toList();
    assertThat(letters).hasSize(2);
    assertThat(letters)
        .extracting(r -> header(r, "loghaul.error.type"))
        .containsOnly("invalid_value");
    assertThat(letters)
        .extracting(r -> header(r, "loghaul.error.field"))
        .containsExactlyInAnyOrder("/trace_id", "/level");
    assertThat(letters)
        .extracting(r -> header(r, "content-type"))
        .containsOnly(
            "application/x-protobuf; proto=opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest");
    List<LogRecord> lettered = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      ExportLogsServiceRequest one = ExportLogsServiceRequest.parseFrom(letter.value());
      assertThat(one.getResourceLogs(0).getResource())
          .isEqualTo(request.getResourceLogs(0).getResource());
      lettered.addAll(one.getResourceLogs(0).getScopeLogs(0).getLogRecordsList());
    }
    assertThat(lettered).containsExactlyInAnyOrder(badTraceId, badSeverity);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    org.apache.kafka.common.header.Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static double parseErrors(String errorType) {
    String series =
        "log_parse_errors_total{error_type=\"" + errorType + "\",source=\"otlp_grpc\"} ";
    return otlp.loghaul()
        .registry()
        .scrape()
        .lines()
        .filter(l -> l.startsWith(series))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length()).trim()))
        .sum();
  }
}
