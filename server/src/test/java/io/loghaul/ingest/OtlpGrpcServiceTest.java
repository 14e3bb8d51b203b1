package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpRequests.CLOCK;
import static io.loghaul.ingest.OtlpRequests.NOW_MILLIS;
import static io.loghaul.ingest.OtlpRequests.TRACEPARENT;
import static io.loghaul.ingest.OtlpRequests.badRecord;
import static io.loghaul.ingest.OtlpRequests.largerThanInline;
import static io.loghaul.ingest.OtlpRequests.record;
import static io.loghaul.ingest.OtlpRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryProtoCodec;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtlpGrpcServiceTest {
  private static final int MAX_REQUEST_BYTES = 256 * 1024;

  private final FakePublisher publisher = new FakePublisher();
  private final Map<ErrorType, AtomicInteger> rejected = new ConcurrentHashMap<>();
  private final IngestListener listener =
      new IngestListener() {
        @Override
        public void rejected(ErrorType type, String transport) {
          rejected.computeIfAbsent(type, t -> new AtomicInteger()).incrementAndGet();
        }
      };
  private OtlpGrpcService service;
  private ManagedChannel channel;
  private LogsServiceGrpc.LogsServiceBlockingStub stub;

  @BeforeEach
  void start() throws IOException {
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(
            SchemaLimits.defaults(), publisher, listener, CLOCK, Duration.ofMillis(300));
    service = TestListeners.grpc(0, MAX_REQUEST_BYTES, ingester);
    service.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
    stub = LogsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    service.close();
  }

  @Test
  void publishesValidRecordsAndAnswersSuccess() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), TRACEPARENT);
    headers.put(Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER), "vendor=1");

    ExportLogsServiceResponse response =
        stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .export(request(record("one"), record("two")));

    assertThat(response.hasPartialSuccess()).isFalse();
    assertThat(publisher.calls).hasSize(1);
    FakePublisher.Call call = publisher.calls.get(0);
    assertThat(call.trace()).isEqualTo(new TraceContext(TRACEPARENT, "vendor=1"));
    LogEntry entry = new LogEntry();
    byte[] first = call.values().get(0);
    assertThat(
            new LogEntryProtoCodec(SchemaLimits.defaults())
                .decode(first, 0, first.length, NOW_MILLIS, entry))
        .isEqualTo(Accepted.INSTANCE);
    assertThat(entry.message()).isEqualTo("one");
    assertThat(entry.serviceName()).isEqualTo("checkout");
  }

  @Test
  void copiesEveryRecordOutOfTheReusedEntry() {
    stub.export(request(record("one"), record("two"), record("three")));
    stub.export(request(record("four")));

    LogEntryProtoCodec codec = new LogEntryProtoCodec(SchemaLimits.defaults());
    LogEntry entry = new LogEntry();
    List<String> messages = new ArrayList<>();
    for (FakePublisher.Call call : publisher.calls) {
      for (byte[] value : call.values()) {
        assertThat(codec.decode(value, 0, value.length, NOW_MILLIS, entry))
            .isEqualTo(Accepted.INSTANCE);
        messages.add(entry.message());
      }
    }
    assertThat(messages).containsExactly("one", "two", "three", "four");
  }

  @Test
  void answersInvalidArgumentWithoutCountingOrPublishingWhenTheBytesGoBadAfterValidRecords() {
    byte[] valid = request(record("ok"), badRecord()).toByteArray();
    byte[] bytes = java.util.Arrays.copyOf(valid, valid.length + 2);
    bytes[valid.length] = 0x0A; // another resource_logs, 127 bytes long, in 0 bytes
    bytes[valid.length + 1] = 0x7F;
    MethodDescriptor<byte[], byte[]> raw =
        LogsServiceGrpc.getExportMethod().toBuilder(BYTES, BYTES).build();

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                ClientCalls.blockingUnaryCall(
                    channel,
                    raw,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    bytes));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .startsWith("request is not an ExportLogsServiceRequest: ");
    assertThat(publisher.calls).isEmpty();
    assertThat(rejected).isEmpty();
  }

  @Test
  void answersAnEmptyRequestWithSuccess() {
    ExportLogsServiceResponse response = stub.export(ExportLogsServiceRequest.getDefaultInstance());

    assertThat(response).isEqualTo(ExportLogsServiceResponse.getDefaultInstance());
    assertThat(publisher.calls).isEmpty();
  }

  @Test
  void reportsInvalidRecordsAsPartialSuccess() {
    ExportLogsServiceResponse response =
        stub.export(request(record("ok"), badRecord(), badRecord()));

    assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(2);
    assertThat(response.getPartialSuccess().getErrorMessage())
        .isEqualTo(
            "2 of 3 log records rejected: invalid_value at /trace_id (trace_id has 3 bytes (expected: 16))");
    assertThat(publisher.calls).singleElement().satisfies(c -> assertThat(c.values()).hasSize(1));
    assertThat(rejected.get(ErrorType.INVALID_VALUE)).hasValue(2);
  }

  @Test
  void acceptsGzipRequests() {
    ExportLogsServiceResponse response =
        stub.withCompression("gzip").export(request(record("zipped")));

    assertThat(response.hasPartialSuccess()).isFalse();
    assertThat(publisher.calls).hasSize(1);
  }

  @Test
  void decodesSmallRequestsOnTheEventLoopAndLargeOrCompressedOnesOnTheWorkers() {
    ExportLogsServiceRequest large = largerThanInline();

    stub.export(request(record("small")));
    stub.export(large);
    stub.withCompression("gzip").export(request(record("small, zipped")));

    assertThat(large.getSerializedSize()).isGreaterThan(RequestWorkers.INLINE_MAX_BYTES);
    assertThat(publisher.calls)
        .extracting(FakePublisher.Call::onWorker)
        .containsExactly(false, true, true);
  }

  @Test
  void answersUnavailableWhenALargeRequestFindsTheWorkersClosed() throws Exception {
    RequestWorkers closed = new RequestWorkers(1);
    closed.close();
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(
            SchemaLimits.defaults(), publisher, listener, CLOCK, Duration.ofMillis(300));
    OtlpGrpcService other =
        new OtlpGrpcService(
            ListenerOptions.plain("127.0.0.1", 0, MAX_REQUEST_BYTES, ListenerLimits.DEFAULTS),
            ingester,
            closed);
    other.start();
    ManagedChannel otherChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", other.port()).usePlaintext().build();
    try {
      LogsServiceGrpc.LogsServiceBlockingStub otherStub =
          LogsServiceGrpc.newBlockingStub(otherChannel).withDeadlineAfter(10, TimeUnit.SECONDS);

      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> otherStub.export(largerThanInline()));
      ExportLogsServiceResponse small = otherStub.export(request(record("small")));

      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getStatus().getDescription()).contains("server is shutting down");
      assertThat(small.hasPartialSuccess()).isFalse();
      assertThat(publisher.calls)
          .singleElement()
          .satisfies(c -> assertThat(c.onWorker()).isFalse());
    } finally {
      otherChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      other.close();
    }
  }

  @Test
  void refusesOversizeRequestsWithoutRetryInfo() {
    ExportLogsServiceRequest big = request(record("x".repeat(MAX_REQUEST_BYTES)));

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> stub.export(big));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(retryInfo(e)).isNull();
    assertThat(publisher.calls).isEmpty();
  }

  @Test
  void refusesGzipBombsWithoutInflatingThem() {
    // ~16 MiB inflated, a few KiB on the wire
    ExportLogsServiceRequest bomb = request(record("a".repeat(16 << 20)));

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> stub.withCompression("gzip").export(bomb));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(retryInfo(e)).isNull();
    assertThat(publisher.calls).isEmpty();
  }

  @Test
  void answersUnavailableWithRetryInfoWhenPublishingFails() {
    publisher.mode = FakePublisher.Mode.FAIL;

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> stub.export(request(record("one"))));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).contains("in-flight budget");
    assertThat(retryInfo(e)).isNotNull();
    assertThat(retryInfo(e).getRetryDelay().getSeconds()).isEqualTo(1);
  }

  @Test
  void answersUnavailableWhenKafkaDoesNotAcknowledgeInTime() {
    publisher.mode = FakePublisher.Mode.HANG;

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> stub.export(request(record("one"))));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(retryInfo(e)).isNotNull();
  }

  @Test
  void answersInvalidArgumentForMalformedBytes() {
    MethodDescriptor<byte[], byte[]> raw =
        LogsServiceGrpc.getExportMethod().toBuilder(BYTES, BYTES).build();

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                ClientCalls.blockingUnaryCall(
                    channel,
                    raw,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    new byte[] {0x0A, 0x7F, 0x01}));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void portZeroBindsAnyFreePortAndReportsIt() throws IOException {
    OtlpGrpcService other =
        TestListeners.grpc(
            0,
            MAX_REQUEST_BYTES,
            new OtlpLogsIngester(SchemaLimits.defaults(), publisher, IngestListener.NOOP, CLOCK));
    assertThat(other.port()).as("before start").isEqualTo(-1);
    other.start();
    try {
      assertThat(other.port()).isPositive().isNotEqualTo(service.port());
    } finally {
      other.close();
    }
  }

  private static RetryInfo retryInfo(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return null;
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          return detail.unpack(RetryInfo.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    return null;
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
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
      };

  @Test
  void readMessageReadsKnownLengthStreamsExactlyAndOthersToTheEnd() throws IOException {
    byte[] message = new byte[40_000];
    for (int i = 0; i < message.length; i++) {
      message[i] = (byte) (i * 31);
    }
    assertThat(OtlpGrpcService.readMessage(new KnownLengthStream(message, message.length)))
        .isEqualTo(message);
    // a stream whose available() is short of the message: nothing may be lost
    assertThat(OtlpGrpcService.readMessage(new KnownLengthStream(message, 100))).isEqualTo(message);
    assertThat(OtlpGrpcService.readMessage(new KnownLengthStream(message, 0))).isEqualTo(message);
    assertThat(OtlpGrpcService.readMessage(new KnownLengthStream(new byte[0], 0))).isEmpty();
    assertThat(OtlpGrpcService.readMessage(new ByteArrayInputStream(message))).isEqualTo(message);
  }

  /** Like grpc-java's uncompressed message streams; {@code available} may understate. */
  private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
    private final int claimed;

    KnownLengthStream(byte[] bytes, int claimed) {
      super(bytes);
      this.claimed = claimed;
    }

    @Override
    public synchronized int available() {
      return Math.min(claimed, super.available());
    }

    @Override
    public synchronized byte[] readAllBytes() {
      // the exact-size path must not fall back to this (it allocates a 16 KiB scratch buffer)
      throw new AssertionError("readAllBytes on a KnownLength stream");
    }
  }
}
