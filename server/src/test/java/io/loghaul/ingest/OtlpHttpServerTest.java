package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpRequests.CLOCK;
import static io.loghaul.ingest.OtlpRequests.NOW_MILLIS;
import static io.loghaul.ingest.OtlpRequests.NOW_NANOS;
import static io.loghaul.ingest.OtlpRequests.TRACEPARENT;
import static io.loghaul.ingest.OtlpRequests.badRecord;
import static io.loghaul.ingest.OtlpRequests.largerThanInline;
import static io.loghaul.ingest.OtlpRequests.record;
import static io.loghaul.ingest.OtlpRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryProtoCodec;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtlpHttpServerTest {
  private static final int MAX_REQUEST_BYTES = 256 * 1024;

  private final FakePublisher publisher = new FakePublisher();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private OtlpHttpServer server;

  @BeforeEach
  void start() throws Exception {
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(
            SchemaLimits.defaults(), publisher, IngestListener.NOOP, CLOCK, Duration.ofMillis(300));
    server = TestListeners.http(0, MAX_REQUEST_BYTES, ingester);
    server.start();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private HttpRequest.Builder post(String contentType, byte[] body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/logs"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", contentType)
        .POST(BodyPublishers.ofByteArray(body));
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, BodyHandlers.ofByteArray());
  }

  private static com.google.rpc.Status protoStatus(HttpResponse<byte[]> response)
      throws IOException {
    assertThat(response.headers().firstValue("content-type")).hasValue("application/x-protobuf");
    return com.google.rpc.Status.parseFrom(response.body());
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private LogEntry firstPublished() {
    byte[] value = publisher.calls.get(0).values().get(0);
    LogEntry entry = new LogEntry();
    assertThat(
            new LogEntryProtoCodec(SchemaLimits.defaults())
                .decode(value, 0, value.length, NOW_MILLIS, entry))
        .isEqualTo(Accepted.INSTANCE);
    return entry;
  }

  @Test
  void acceptsProtobuf() throws Exception {
    HttpResponse<byte[]> response =
        send(post("application/x-protobuf", request(record("one")).toByteArray()).build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/x-protobuf");
    assertThat(ExportLogsServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
    assertThat(firstPublished().message()).isEqualTo("one");
  }

  @Test
  void acceptsOtlpJsonWithHexIdsAndIntegersAsStringsOrNumbers() throws Exception {
    String json =
        """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
          "scopeLogs":[{"scope":{"name":"lib"},"logRecords":[
            {"timeUnixNano":"%d","severityNumber":17,"body":{"stringValue":"one"},
             "traceId":"4BF92F3577B34DA6A3CE929D0E0E4736","spanId":"00f067aa0ba902b7",
             "attributes":[{"key":"n","value":{"intValue":42}},{"key":"s","value":{"intValue":"7"}}],
             "someFutureField":{"x":1}},
            {"observedTimeUnixNano":%d,"body":{"stringValue":"two"}}]}]}],
         "unknownTopLevel":true}
        """
            .formatted(NOW_NANOS, NOW_NANOS);

    HttpResponse<byte[]> response =
        send(
            post("application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8)).build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(publisher.calls.get(0).values()).hasSize(2);
    LogEntry entry = firstPublished();
    assertThat(entry.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(entry.spanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(entry.level().name()).isEqualTo("ERROR");
    assertThat(entry.timestampNanos()).isEqualTo(NOW_NANOS);
    assertThat(entry.attributeValue(0)).isEqualTo("42");
    assertThat(entry.attributeValue(1)).isEqualTo("7");
  }

  @Test
  void acceptsTheReadmeCurlExample() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("## Sending logs over OTLP");
    assertThat(section).as("README section").isNotNegative();
    int start = readme.indexOf("-d '", section) + "-d '".length();
    String json = readme.substring(start, readme.indexOf("'\n", start));

    HttpResponse<byte[]> response =
        send(post("application/json", json.getBytes(StandardCharsets.UTF_8)).build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    LogEntry entry = firstPublished();
    assertThat(entry.serviceName()).isEqualTo("checkout");
    assertThat(entry.message()).isEqualTo("payment accepted");
    assertThat(entry.timestampNanos()).isEqualTo(NOW_NANOS); // the receive time
    assertThat(entry.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void answersPartialSuccessInJson() throws Exception {
    String json = JsonFormat.printer().print(request(record("ok"), badRecord()));

    HttpResponse<byte[]> response =
        send(post("application/json", json.getBytes(StandardCharsets.UTF_8)).build());

    assertThat(response.statusCode()).isEqualTo(200);
    ExportLogsServiceResponse.Builder parsed = ExportLogsServiceResponse.newBuilder();
    JsonFormat.parser().merge(new String(response.body(), StandardCharsets.UTF_8), parsed);
    assertThat(parsed.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
    assertThat(parsed.getPartialSuccess().getErrorMessage()).contains("invalid_value at /trace_id");
  }

  @Test
  void acceptsGzipBodies() throws Exception {
    byte[] body = gzip(request(record("zipped")).toByteArray());

    HttpResponse<byte[]> response =
        send(post("application/x-protobuf", body).header("Content-Encoding", "gzip").build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(firstPublished().message()).isEqualTo("zipped");
  }

  @Test
  void decodesSmallBodiesOnTheEventLoopAndLargeOrGzipOnesOnTheWorkers() throws Exception {
    byte[] largeBody = largerThanInline().toByteArray();

    send(post("application/x-protobuf", request(record("small")).toByteArray()).build());
    send(post("application/x-protobuf", largeBody).build());
    send(
        post("application/x-protobuf", gzip(request(record("small, zipped")).toByteArray()))
            .header("Content-Encoding", "gzip")
            .build());

    assertThat(largeBody.length).isGreaterThan(RequestWorkers.INLINE_MAX_BYTES);
    assertThat(publisher.calls)
        .extracting(FakePublisher.Call::onWorker)
        .containsExactly(false, true, true);
  }

  @Test
  void answersAnEmptyRequestWithSuccess() throws Exception {
    HttpResponse<byte[]> response = send(post("application/x-protobuf", new byte[0]).build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(publisher.calls).isEmpty();
  }

  @Test
  void carriesTraceparentToThePublisher() throws Exception {
    send(
        post("application/x-protobuf", request(record("one")).toByteArray())
            .header("traceparent", TRACEPARENT)
            .header("tracestate", "a=b")
            .build());

    assertThat(publisher.calls.get(0).trace()).isEqualTo(new TraceContext(TRACEPARENT, "a=b"));
  }

  @Test
  void ignoresAMalformedTraceparent() throws Exception {
    send(
        post("application/x-protobuf", request(record("one")).toByteArray())
            .header("traceparent", "00-xyz")
            .header("tracestate", "a=b")
            .build());

    assertThat(publisher.calls.get(0).trace()).isEqualTo(TraceContext.NONE);
  }

  @Test
  void answers400ForMalformedProtobuf() throws Exception {
    HttpResponse<byte[]> response =
        send(post("application/x-protobuf", new byte[] {0x0A, 0x7F, 1}).build());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(protoStatus(response).getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
  }

  @Test
  void answers400WithAJsonStatusForMalformedJson() throws Exception {
    HttpResponse<byte[]> response =
        send(
            post("application/json", "{\"resourceLogs\": [".getBytes(StandardCharsets.UTF_8))
                .build());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder();
    JsonFormat.parser().merge(new String(response.body(), StandardCharsets.UTF_8), status);
    assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
  }

  @Test
  void rejectsOnlyTheRecordWhoseIdIsNotHex() throws Exception {
    String json =
        ("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"zz\",\"timeUnixNano\":\"%d\"},"
                + "{\"timeUnixNano\":\"%d\",\"body\":{\"stringValue\":\"kept\"}}]}]}]}")
            .formatted(NOW_NANOS, NOW_NANOS);

    HttpResponse<byte[]> response =
        send(post("application/json", json.getBytes(StandardCharsets.UTF_8)).build());

    assertThat(response.statusCode()).isEqualTo(200);
    ExportLogsServiceResponse.Builder parsed = ExportLogsServiceResponse.newBuilder();
    JsonFormat.parser().merge(new String(response.body(), StandardCharsets.UTF_8), parsed);
    assertThat(parsed.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
    assertThat(parsed.getPartialSuccess().getErrorMessage())
        .contains("invalid_value at /trace_id")
        .contains("trace_id is not hex");
    assertThat(publisher.calls.get(0).values()).hasSize(1);
    assertThat(firstPublished().message()).isEqualTo("kept");
  }

  @Test
  void answers400WithTheJsonPathForATimestampWithAHugeExponent() throws Exception {
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"179608245e157969341\"}]}]}]}";

    HttpResponse<byte[]> response =
        send(post("application/json", json.getBytes(StandardCharsets.UTF_8)).build());

    assertThat(response.statusCode()).isEqualTo(400);
    com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder();
    JsonFormat.parser().merge(new String(response.body(), StandardCharsets.UTF_8), status);
    assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(status.getMessage())
        .isEqualTo(
            "invalid OTLP/JSON request: resourceLogs[0].scopeLogs[0].logRecords[0]"
                + ".timeUnixNano: \"179608245e157969341\" (expected: an unsigned 64-bit integer)");
    assertThat(publisher.calls).isEmpty();
  }

  @Test
  void answers400ToDeeplyNestedJson() throws Exception {
    String json = "{\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";

    HttpResponse<byte[]> response =
        send(post("application/json", json.getBytes(StandardCharsets.UTF_8)).build());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("nesting depth");
  }

  @Test
  void answers404ForOtherPaths() throws Exception {
    HttpResponse<byte[]> response =
        send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/traces"))
                .header("Content-Type", "application/x-protobuf")
                .POST(BodyPublishers.ofByteArray(new byte[0]))
                .build());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(protoStatus(response).getCode()).isEqualTo(Code.NOT_FOUND_VALUE);
  }

  @Test
  void answers405ForOtherMethods() throws Exception {
    HttpResponse<byte[]> response =
        send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/logs"))
                .GET()
                .build());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("POST");
    // no content type to answer in: plain text, readable in a terminal
    assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo("GET not allowed (expected: POST)\n");
  }

  @Test
  void answersErrorsInJsonToJsonRequestsWithoutHtmlEscaping() throws Exception {
    HttpResponse<byte[]> response =
        send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/traces"))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{}"))
                .build());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"code\":5,\"message\":\"no such path (expected: POST /v1/logs)\"}");
  }

  @Test
  void printsJsonRepliesWithoutHtmlEscapes() {
    String printed =
        OtlpJson.print(
            com.google.rpc.Status.newBuilder()
                .setCode(3)
                .setMessage("size <= 1024 & 'a' > b, \\u003c stays")
                .build());

    assertThat(printed)
        .isEqualTo("{\"code\":3,\"message\":\"size <= 1024 & 'a' > b, \\\\u003c stays\"}");
  }

  @Test
  void answers415ForOtherContentTypesAndEncodings() throws Exception {
    HttpResponse<byte[]> type = send(post("text/plain", new byte[] {1}).build());
    HttpResponse<byte[]> encoding =
        send(
            post("application/x-protobuf", new byte[] {1})
                .header("Content-Encoding", "br")
                .build());

    assertThat(type.statusCode()).isEqualTo(415);
    assertThat(new String(type.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "content type \"text/plain\" (expected: application/x-protobuf or application/json)\n");
    assertThat(protoStatus(encoding).getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(encoding.statusCode()).isEqualTo(415);
  }

  @Test
  void answers413ForOversizeBodies() throws Exception {
    byte[] body = request(record("x".repeat(MAX_REQUEST_BYTES))).toByteArray();

    HttpResponse<byte[]> response = send(post("application/x-protobuf", body).build());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(protoStatus(response).getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED_VALUE);
    assertThat(protoStatus(response).getDetailsList()).isEmpty();
    assertThat(publisher.calls).isEmpty();
  }

  @Test
  void answers413ForGzipBombs() throws Exception {
    byte[] bomb = gzip(request(record("a".repeat(16 << 20))).toByteArray());
    assertThat(bomb.length).isLessThan(MAX_REQUEST_BYTES);

    HttpResponse<byte[]> response =
        send(post("application/x-protobuf", bomb).header("Content-Encoding", "gzip").build());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(publisher.calls).isEmpty();
  }

  @Test
  void answers503WithRetryAfterWhenPublishingFails() throws Exception {
    publisher.mode = FakePublisher.Mode.FAIL;

    HttpResponse<byte[]> response =
        send(post("application/x-protobuf", request(record("one")).toByteArray()).build());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("1");
    com.google.rpc.Status status = protoStatus(response);
    assertThat(status.getCode()).isEqualTo(Code.UNAVAILABLE_VALUE);
    assertThat(status.getDetails(0).unpack(RetryInfo.class).getRetryDelay().getSeconds())
        .isEqualTo(1);
  }

  @Test
  void answers503WhenKafkaDoesNotAcknowledgeInTime() throws Exception {
    publisher.mode = FakePublisher.Mode.HANG;

    HttpResponse<byte[]> response =
        send(
            post(
                    "application/json",
                    "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"x\"}}]}]}]}"
                        .getBytes(StandardCharsets.UTF_8))
                .build());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("1");
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("RetryInfo");
  }

  @Test
  void servesSeveralRequestsOnOneConnection() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(
              send(post("application/x-protobuf", request(record("r" + i)).toByteArray()).build())
                  .statusCode())
          .isEqualTo(200);
    }

    assertThat(publisher.calls).hasSize(3);
  }

  @Test
  void answersInFlightRequestsBeforeShuttingDown() throws Exception {
    publisher.mode = FakePublisher.Mode.HANG;
    var pending =
        client.sendAsync(
            post("application/x-protobuf", request(record("one")).toByteArray()).build(),
            BodyHandlers.ofByteArray());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !publisher.calls.isEmpty());

    server.close();

    assertThat(pending.get().statusCode()).isEqualTo(503);
    assertThat(pending.get().headers().firstValue("connection")).hasValue("close");
  }
}
