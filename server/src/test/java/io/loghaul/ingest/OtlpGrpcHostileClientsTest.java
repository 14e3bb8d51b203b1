package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpRequests.CLOCK;
import static io.loghaul.ingest.OtlpRequests.record;
import static io.loghaul.ingest.OtlpRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.loghaul.schema.SchemaLimits;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The OTLP/gRPC listener against HTTP/2 clients that misbehave on purpose: a raw Netty HTTP/2
 * client ({@link RawHttp2Client}) for what grpc-java's client will not do (rapid reset, pings
 * without calls, streams over the limit), grpc-java's client for the rest.
 */
class OtlpGrpcHostileClientsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakePublisher publisher = new FakePublisher();
  private final CountingListener listener = new CountingListener();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private OtlpGrpcService service;

  private static ListenerLimits limits(
      int maxConnections, int maxHeaderBytes, int maxStreams, Duration idle, Duration age) {
    ListenerLimits d = ListenerLimits.DEFAULTS;
    return new ListenerLimits(
        maxConnections,
        maxHeaderBytes,
        d.headerTimeout(),
        d.bodyTimeout(),
        d.idleTimeout(),
        maxStreams,
        d.minPingInterval(),
        idle,
        age,
        Duration.ofMillis(300));
  }

  private void start(ListenerLimits limits) throws Exception {
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(
            SchemaLimits.defaults(), publisher, listener, CLOCK, Duration.ofMillis(300));
    service = TestListeners.grpc(0, 1 << 20, limits, ingester);
    service.start();
  }

  private RawHttp2Client raw() throws InterruptedException {
    RawHttp2Client client = new RawHttp2Client(service.port());
    closeables.add(client);
    return client;
  }

  private LogsServiceGrpc.LogsServiceBlockingStub stub() {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
    closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return LogsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
    if (service != null) {
      service.close();
    }
  }

  @Test
  void advertisesTheStreamLimitAndServesOthersWhileAClientHoldsEveryStream() throws Exception {
    start(limits(100, 8192, 3, Duration.ofMinutes(5), Duration.ZERO));
    RawHttp2Client client = raw();
    await().atMost(WAIT).until(() -> client.settings() != null);
    // Netty's HTTP/2 layer refuses streams over the advertised number (REFUSED_STREAM); a
    // conforming client, like this one, does not even try
    assertThat(client.settings().settings().maxConcurrentStreams()).isEqualTo(3L);

    for (int i = 0; i < 3; i++) {
      client.openExportStream();
    }

    assertThat(stub().export(request(record("still served")))).isNotNull();
    assertThat(publisher.calls).hasSize(1);
    assertThat(client.resets()).isZero();
  }

  @Test
  void pingsWithoutCallsAreAnsweredWithGoAway() throws Exception {
    start(limits(100, 8192, 100, Duration.ofMinutes(5), Duration.ZERO));
    RawHttp2Client client = raw();
    await().atMost(WAIT).until(() -> client.settings() != null);

    try {
      for (int i = 0; i < 5 && client.isOpen(); i++) {
        client.ping(i);
      }
    } catch (Exception e) {
      // the server closed the connection between the check and a ping: what this test wants
    }

    await().atMost(WAIT).until(() -> client.goAway() != null);
    assertThat(client.goAway().errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
    assertThat(stub().export(request(record("still served")))).isNotNull();
  }

  @Test
  void rapidResetIsCutOffAndCostsNoDecoding() throws Exception {
    start(limits(100, 8192, 100, Duration.ofMinutes(5), Duration.ZERO));
    RawHttp2Client attacker = raw();
    await().atMost(WAIT).until(() -> attacker.settings() != null);

    int sent = 0;
    try {
      for (; sent < 5_000 && attacker.isOpen() && attacker.goAway() == null; sent++) {
        Http2FrameStream stream = attacker.openExportStream();
        attacker.reset(stream);
      }
    } catch (Exception e) {
      // the server closed the connection under the attacker's feet: what this test wants
    }

    await().atMost(WAIT).until(() -> attacker.goAway() != null);
    assertThat(sent).isLessThan(5_000);
    assertThat(attacker.goAway().errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
    // the attacker's streams never carried a request: nothing was decoded or published
    assertThat(publisher.calls).isEmpty();
    assertThat(stub().export(request(record("still served")))).isNotNull();
    assertThat(publisher.calls).hasSize(1);
  }

  @Test
  void idleConnectionsAreSentGoAway() throws Exception {
    start(limits(100, 8192, 100, Duration.ofMillis(300), Duration.ZERO));
    RawHttp2Client client = raw();

    await().atMost(WAIT).until(() -> client.goAway() != null);
    assertThat(client.goAway().errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
  }

  @Test
  void connectionsOlderThanTheMaximumAgeAreSentGoAwayEvenWithACallOpen() throws Exception {
    start(limits(100, 8192, 100, Duration.ofMinutes(5), Duration.ofMillis(300)));
    RawHttp2Client client = raw();
    await().atMost(WAIT).until(() -> client.settings() != null);
    client.openExportStream();

    await().atMost(WAIT).until(() -> client.goAway() != null);
    assertThat(client.goAway().errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
    // after the grace period the connection is closed, with or without the call
    await().atMost(WAIT).until(() -> !client.isOpen());
  }

  @Test
  void headerListsOverTheLimitFailTheCallButNotTheServer() throws Exception {
    start(limits(100, 1024, 100, Duration.ofMinutes(5), Duration.ZERO));
    Metadata big = new Metadata();
    big.put(Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER), "x".repeat(4096));

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub()
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(big))
                    .export(request(record("too many headers"))));

    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isNotEqualTo(Status.Code.OK);
    assertThat(publisher.calls).isEmpty();
    assertThat(stub().export(request(record("still served")))).isNotNull();
  }

  @Test
  void connectionsOverTheCapAreClosedAtOnce() throws Exception {
    start(limits(2, 8192, 100, Duration.ofMinutes(5), Duration.ZERO));
    RawHttp2Client first = raw();
    RawHttp2Client second = raw();
    await().atMost(WAIT).until(() -> first.settings() != null && second.settings() != null);

    try {
      RawHttp2Client third = raw();
      await().atMost(WAIT).until(() -> !third.isOpen());
      assertThat(third.settings()).isNull();
    } catch (Exception e) {
      // reset while connecting: refused just the same
      assertThat(e).hasMessageContaining("reset");
    }
    assertThat(listener.count(IngestListener.GRPC, "refused")).isPositive();
    assertThat(first.isOpen()).isTrue();

    second.close();
    await().atMost(WAIT).until(() -> listener.open.get() == 1);
    assertThat(stub().export(request(record("a place freed up")))).isNotNull();
  }
}
