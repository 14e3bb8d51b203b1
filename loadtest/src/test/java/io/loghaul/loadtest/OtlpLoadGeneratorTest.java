package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator against tiny in-process LogsServices: one that fails every fifth request, one that
 * answers each request only after 50 ms.
 */
class OtlpLoadGeneratorTest {
  private final AtomicInteger received = new AtomicInteger();
  private Server server;

  @BeforeEach
  void startServer() throws Exception {
    server =
        logsServer(
            reply -> {
              if (received.incrementAndGet() % 5 == 0) {
                reply.onError(Status.UNAVAILABLE.asRuntimeException());
                return;
              }
              ok(reply);
            });
  }

  /** A LogsService on a free port whose {@code export} calls {@code handler} with the reply. */
  private static Server logsServer(Consumer<StreamObserver<ExportLogsServiceResponse>> handler)
      throws IOException {
    return NettyServerBuilder.forPort(0)
        .addService(
            new LogsServiceGrpc.LogsServiceImplBase() {
              @Override
              public void export(
                  ExportLogsServiceRequest request,
                  StreamObserver<ExportLogsServiceResponse> reply) {
                handler.accept(reply);
              }
            })
        .build()
        .start();
  }

  private static void ok(StreamObserver<ExportLogsServiceResponse> reply) {
    reply.onNext(ExportLogsServiceResponse.getDefaultInstance());
    reply.onCompleted();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void sendsEveryRequestRecordsTheMeasuredOnesAndCountsStatusCodes() throws Exception {
    ExportLogsServiceRequest request =
        OtlpRequests.build(1, 2, 1200, System.currentTimeMillis() * 1_000_000L);
    OtlpLoadGenerator.Outcome o;
    double[] ttfr;
    try (OtlpLoadGenerator gen = new OtlpLoadGenerator("127.0.0.1", server.getPort(), 3)) {
      ttfr = gen.timeToFirstResponse(request);
      o =
          gen.run(
              request,
              400,
              50,
              TimeUnit.MILLISECONDS.toNanos(250),
              TimeUnit.MILLISECONDS.toNanos(500));
    }
    assertThat(ttfr).hasSize(3);
    assertThat(java.util.Arrays.stream(ttfr).min().orElseThrow()).isPositive();
    // 400/s for 0.75 s, paced by intended times: exactly 300 requests, 200 of them measured
    assertThat(o.sent()).isEqualTo(300);
    assertThat(o.measuredSent()).isEqualTo(200);
    assertThat(o.latencyNanos().getTotalCount()).isEqualTo(200);
    assertThat(o.measuredCompleted()).isEqualTo(200);
    assertThat(received.get()).isEqualTo(303);
    assertThat(o.statuses()).containsOnlyKeys("OK", "UNAVAILABLE");
    assertThat(o.statuses().get("OK") + o.statuses().get("UNAVAILABLE")).isEqualTo(303);
    assertThat(o.statuses().get("UNAVAILABLE")).isEqualTo(60);
    assertThat(o.connectionsOpened()).isEqualTo(3);
  }

  @Test
  void neverHasMoreStreamsInFlightThanAskedAndChargesTheWaitToTheRequests() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    Server slow =
        logsServer(
            reply -> {
              maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              later.schedule(
                  () -> {
                    inFlight.decrementAndGet();
                    answered.incrementAndGet();
                    ok(reply);
                  },
                  50,
                  TimeUnit.MILLISECONDS);
            });
    ExportLogsServiceRequest request =
        OtlpRequests.build(1, 1, 200, System.currentTimeMillis() * 1_000_000L);
    OtlpLoadGenerator.Outcome o;
    try (OtlpLoadGenerator gen = new OtlpLoadGenerator("127.0.0.1", slow.getPort(), 3)) {
      // 1000/s for 0.3 s over 4 streams answered after 50 ms each: at most 80/s get through, so
      // the 300 requests take at least 3.75 s and most are sent long after their time
      o =
          gen.run(
              request,
              1000,
              4,
              TimeUnit.MILLISECONDS.toNanos(100),
              TimeUnit.MILLISECONDS.toNanos(200));
    } finally {
      slow.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      later.shutdownNow();
    }
    assertThat(o.sent()).isEqualTo(300);
    assertThat(o.measuredSent()).isEqualTo(200);
    assertThat(o.measuredCompleted()).isEqualTo(200);
    assertThat(answered.get()).isEqualTo(300);
    assertThat(o.statuses()).containsOnlyKeys("OK");
    assertThat(maxInFlight.get()).isEqualTo(4);
    // the last request was meant for 0.3 s and could not be answered before 3.75 s: its latency
    // counts from its intended time, not from when a stream was free to send it
    assertThat(o.latencyNanos().getMaxValue()).isGreaterThan(TimeUnit.SECONDS.toNanos(3));
  }

  @Test
  void aRequestBelongsToTheMeasuredPhaseFromItsFirstNanosecondOn() {
    long from = 1_000_000_000L;
    assertThat(OtlpLoadGenerator.phase(from - 1, from)).isZero();
    assertThat(OtlpLoadGenerator.phase(0, from)).isZero();
    assertThat(OtlpLoadGenerator.phase(from, from)).isOne();
    assertThat(OtlpLoadGenerator.phase(from + 1, from)).isOne();
    assertThat(OtlpLoadGenerator.phase(Long.MAX_VALUE / 2, from)).isOne();
    // System.nanoTime() may be negative
    assertThat(OtlpLoadGenerator.phase(-5, -4)).isZero();
    assertThat(OtlpLoadGenerator.phase(-4, -4)).isOne();
  }

  @Test
  void buildsRequestsOfAboutTheAskedSize() {
    ExportLogsServiceRequest r = OtlpRequests.build(1, 1, 1200, 1);
    assertThat(r.getSerializedSize()).isBetween(1000, 1400);
    ExportLogsServiceRequest many = OtlpRequests.build(1, 10, 12_000, 1);
    assertThat(many.getResourceLogs(0).getScopeLogs(0).getLogRecordsCount()).isEqualTo(10);
    assertThat(many.getSerializedSize()).isBetween(10_000, 14_000);
  }
}
