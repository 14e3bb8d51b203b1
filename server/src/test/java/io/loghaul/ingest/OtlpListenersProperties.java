package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpRequests.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and randomly broken OTLP requests through the real gRPC and HTTP listeners: every request
 * gets a documented status within a few seconds, the listeners stay ready, and the valid records of
 * a partially valid request are stored (handed to the publisher) while the invalid ones are
 * reported.
 */
class OtlpListenersProperties {
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);
  private static final Set<Integer> HTTP_STATUSES = Set.of(200, 400, 413);
  private static final Set<Status.Code> GRPC_CODES =
      Set.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final MethodDescriptor<byte[], byte[]> RAW_EXPORT =
      LogsServiceGrpc.getExportMethod().toBuilder(new BytesMarshaller(), new BytesMarshaller())
          .build();

  private static FakePublisher publisher;
  private static OtlpGrpcService grpc;
  private static OtlpHttpServer http;
  private static ManagedChannel channel;
  private static HttpClient client;

  @BeforeContainer
  static void start() throws Exception {
    publisher = new FakePublisher();
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(
            SchemaLimits.defaults(), publisher, IngestListener.NOOP, CLOCK, Duration.ofSeconds(2));
    grpc = TestListeners.grpc(0, 1 << 20, ingester);
    grpc.start();
    http = TestListeners.http(0, 1 << 20, ingester);
    http.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
    client = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();
  }

  @AfterContainer
  static void stop() throws InterruptedException {
    client.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    grpc.close();
    http.close();
  }

  enum Transport {
    GRPC,
    HTTP_PROTOBUF,
    HTTP_JSON
  }

  @Property(tries = 400)
  void everyMutatedRequestGetsADocumentedStatusAndTheListenersStayReady(
      @ForAll long seed,
      @ForAll Transport transport,
      @ForAll @IntRange(min = 0, max = 5) int kind,
      @ForAll @IntRange(min = 0, max = 1_000_000) int where,
      @ForAll byte value)
      throws Exception {
    RandomOtlp gen = new RandomOtlp(new Random(seed));
    ExportLogsServiceRequest request = gen.request();
    byte[] valid = transport == Transport.HTTP_JSON ? otlpJson(request) : request.toByteArray();
    byte[] body = mutate(valid, kind, where, value);

    answer(transport, body);

    // whatever that was, the listener still serves a valid request
    assertThat(
            answer(
                transport,
                transport == Transport.HTTP_JSON
                    ? otlpJson(OtlpRequests.request(OtlpRequests.record("after")))
                    : OtlpRequests.request(OtlpRequests.record("after")).toByteArray()))
        .isEqualTo(200);
  }

  @Property(tries = 100)
  void storesTheValidRecordsOfAPartiallyValidRequestAndReportsTheOthers(
      @ForAll long seed, @ForAll Transport transport) throws Exception {
    Random r = new Random(seed);
    List<LogRecord> records = new ArrayList<>();
    int good = 0;
    int bad = 0;
    for (int i = 1 + r.nextInt(20); i > 0; i--) {
      if (r.nextInt(3) == 0) {
        records.add(OtlpRequests.badRecord());
        bad++;
      } else {
        records.add(OtlpRequests.record("record " + i));
        good++;
      }
    }
    ExportLogsServiceRequest request = OtlpRequests.request(records.toArray(LogRecord[]::new));
    int publishedBefore = publishedRecords();

    ExportLogsServiceResponse response = exportValid(transport, request);

    assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(bad);
    assertThat(publishedRecords() - publishedBefore).isEqualTo(good);
  }

  private static int publishedRecords() {
    return publisher.calls.stream().mapToInt(c -> c.values().size()).sum();
  }

  /**
   * Sends the body; returns the HTTP status (gRPC: 200 for OK), having checked it is documented.
   */
  private static int answer(Transport transport, byte[] body) throws Exception {
    if (transport == Transport.GRPC) {
      try {
        ClientCalls.blockingUnaryCall(
            channel,
            RAW_EXPORT,
            CallOptions.DEFAULT.withDeadlineAfter(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS),
            body);
        return 200;
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isIn(GRPC_CODES);
        return 400;
      }
    }
    HttpResponse<byte[]> response = client.send(post(transport, body), BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isIn(HTTP_STATUSES);
    if (response.statusCode() != 200) {
      // a google.rpc.Status in the request's format
      if (transport == Transport.HTTP_JSON) {
        assertThat(JSON.readTree(response.body()).path("message").asText()).isNotEmpty();
      } else {
        assertThat(com.google.rpc.Status.parseFrom(response.body()).getMessage()).isNotEmpty();
      }
    }
    return response.statusCode();
  }

  private static ExportLogsServiceResponse exportValid(
      Transport transport, ExportLogsServiceRequest request) throws Exception {
    if (transport == Transport.GRPC) {
      return ExportLogsServiceResponse.parseFrom(
          ClientCalls.blockingUnaryCall(
              channel,
              RAW_EXPORT,
              CallOptions.DEFAULT.withDeadlineAfter(
                  ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS),
              request.toByteArray()));
    }
    byte[] body = transport == Transport.HTTP_JSON ? otlpJson(request) : request.toByteArray();
    HttpResponse<byte[]> response = client.send(post(transport, body), BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    if (transport == Transport.HTTP_PROTOBUF) {
      return ExportLogsServiceResponse.parseFrom(response.body());
    }
    ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
    JsonFormat.parser().merge(new String(response.body(), StandardCharsets.UTF_8), b);
    return b.build();
  }

  private static HttpRequest post(Transport transport, byte[] body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/v1/logs"))
        .timeout(ANSWER_WITHIN)
        .header(
            "Content-Type",
            transport == Transport.HTTP_JSON ? "application/json" : "application/x-protobuf")
        .POST(BodyPublishers.ofByteArray(body))
        .build();
  }

  /** Flips, inserts, deletes, truncates, duplicates a slice, or swaps a digit for an exponent. */
  static byte[] mutate(byte[] valid, int kind, int where, byte value) {
    if (valid.length == 0) {
      return new byte[] {value};
    }
    int at = where % valid.length;
    return switch (kind) {
      case 0 -> {
        byte[] m = valid.clone();
        m[at] ^= (byte) (value == 0 ? 1 : value);
        yield m;
      }
      case 1 -> {
        byte[] m = new byte[valid.length + 1];
        System.arraycopy(valid, 0, m, 0, at);
        m[at] = value;
        System.arraycopy(valid, at, m, at + 1, valid.length - at);
        yield m;
      }
      case 2 -> {
        byte[] m = new byte[valid.length - 1];
        System.arraycopy(valid, 0, m, 0, at);
        System.arraycopy(valid, at + 1, m, at, valid.length - at - 1);
        yield m;
      }
      case 3 -> Arrays.copyOf(valid, at);
      case 4 -> {
        int len = Math.min(valid.length - at, 1 + (value & 0x3f));
        byte[] m = new byte[valid.length + len];
        System.arraycopy(valid, 0, m, 0, at + len);
        System.arraycopy(valid, at, m, at + len, valid.length - at);
        yield m;
      }
      default -> {
        // the operator's finding: one digit of a number turned into an exponent
        byte[] m = valid.clone();
        for (int i = 0; i < m.length; i++) {
          int j = (at + i) % m.length;
          if (m[j] >= '0' && m[j] <= '9' && j > 0 && m[j - 1] >= '0' && m[j - 1] <= '9') {
            m[j] = 'e';
            break;
          }
        }
        yield m;
      }
    };
  }

  /** The OTLP/JSON encoding of a request: proto3 JSON with hex trace and span ids. */
  static byte[] otlpJson(ExportLogsServiceRequest request) throws IOException {
    String printed;
    try {
      printed = JsonFormat.printer().print(request);
    } catch (IllegalArgumentException e) {
      // a random string with an unpaired surrogate has no JSON (UTF-8) form at all
      Assume.that(false);
      throw e;
    }
    JsonNode root = JSON.readTree(printed);
    for (JsonNode rl : root.path("resourceLogs")) {
      for (JsonNode sl : rl.path("scopeLogs")) {
        for (JsonNode record : sl.path("logRecords")) {
          for (String id : new String[] {"traceId", "spanId"}) {
            if (record.has(id)) {
              ((ObjectNode) record)
                  .set(
                      id,
                      new TextNode(
                          HexFormat.of()
                              .formatHex(Base64.getDecoder().decode(record.get(id).asText()))));
            }
          }
        }
      }
    }
    return JSON.writeValueAsBytes(root);
  }

  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
