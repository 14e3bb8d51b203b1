package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.loghaul.loadtest.SoakKind.Transport;
import io.loghaul.loadtest.SoakRecorder.Interval;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SoakRecorderTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void eachIntervalHoldsOnlyWhatHappenedSinceTheLastOne() {
    SoakRecorder r = new SoakRecorder(0);
    r.sent(SoakKind.VALID_GRPC);
    r.sent(SoakKind.VALID_HTTP_JSON);
    r.completed(SoakKind.VALID_GRPC, SoakRecorder.Status.OK, "grpc OK", 5 * MS);
    r.completed(SoakKind.VALID_HTTP_JSON, SoakRecorder.Status.OK, "http 200", 7 * MS);
    Interval first = r.interval(2_000 * MS);
    assertThat(first.seconds()).isEqualTo(2.0);
    assertThat(first.sentTotal()).isEqualTo(2);
    assertThat(first.completedTotal()).isEqualTo(2);
    assertThat(first.valid().getTotalCount()).isEqualTo(2);
    assertThat(first.validGrpc().getTotalCount()).isEqualTo(1);
    assertThat(first.validHttp().getMaxValue()).isBetween(7 * MS - MS / 100, 7 * MS + MS / 100);

    r.sent(SoakKind.MUTATED_JSON);
    r.completed(SoakKind.MUTATED_JSON, SoakRecorder.Status.BAD_REQUEST, "http 400", 3 * MS);
    Interval second = r.interval(3_000 * MS);
    assertThat(second.seconds()).isEqualTo(1.0);
    assertThat(second.sentTotal()).isEqualTo(1);
    assertThat(second.statuses(Transport.HTTP)[SoakRecorder.Status.BAD_REQUEST.ordinal()])
        .isEqualTo(1);
    assertThat(second.statuses(Transport.HTTP)[SoakRecorder.Status.OK.ordinal()]).isZero();
    assertThat(second.statuses(Transport.GRPC)).containsOnly(0L);
    // malformed requests are not in the latency of valid ones
    assertThat(second.valid().getTotalCount()).isZero();

    assertThat(r.sentTotal(SoakKind.VALID_GRPC)).isEqualTo(1);
    assertThat(r.completedTotal(SoakKind.MUTATED_JSON, SoakRecorder.Status.BAD_REQUEST))
        .isEqualTo(1);
    assertThat(r.rawStatuses())
        .containsEntry("http 200", 1L)
        .containsEntry("http 400", 1L)
        .containsEntry("grpc OK", 1L);
  }

  @Test
  void timeoutsCountInLatencyAndConnectionErrorsDoNot() {
    SoakRecorder r = new SoakRecorder(0);
    r.completed(
        SoakKind.VALID_HTTP_PROTOBUF, SoakRecorder.Status.TIMEOUT, "http timeout", 10_000 * MS);
    r.completed(
        SoakKind.VALID_HTTP_PROTOBUF, SoakRecorder.Status.CONNECTION_ERROR, "http conn_error", MS);
    Interval i = r.interval(1);
    assertThat(i.valid().getTotalCount()).isEqualTo(1);
    assertThat(i.valid().getMaxValue()).isGreaterThanOrEqualTo(9_990 * MS);
  }

  @Test
  void skippedRequestsAreOfferedButNeitherCompletedNorTimed() {
    SoakRecorder r = new SoakRecorder(0);
    r.sent(SoakKind.VALID_HTTP_JSON);
    r.completed(SoakKind.VALID_HTTP_JSON, SoakRecorder.Status.SKIPPED, "http skipped", 0);
    r.sent(SoakKind.VALID_HTTP_JSON);
    r.completed(SoakKind.VALID_HTTP_JSON, SoakRecorder.Status.TIMEOUT, "http timeout", 10_000 * MS);
    Interval i = r.interval(1);
    assertThat(i.sentTotal()).isEqualTo(2);
    assertThat(i.completedTotal()).isEqualTo(1);
    assertThat(i.statuses(Transport.HTTP)[SoakRecorder.Status.SKIPPED.ordinal()]).isEqualTo(1);
    assertThat(i.valid().getTotalCount()).isEqualTo(1);
  }

  @Test
  void latenciesBeyondTheTrackableRangeAreClamped() {
    SoakRecorder r = new SoakRecorder(0);
    r.completed(
        SoakKind.VALID_GRPC,
        SoakRecorder.Status.TIMEOUT,
        "grpc DEADLINE_EXCEEDED",
        Long.MAX_VALUE / 2);
    assertThat(r.interval(1).valid().getMaxValue())
        .isGreaterThanOrEqualTo(SoakRecorder.HIGHEST_TRACKABLE_NANOS);
  }

  @Test
  void classifiesHttpStatuses() {
    assertThat(SoakRecorder.http(200)).isEqualTo(SoakRecorder.Status.OK);
    assertThat(SoakRecorder.http(204)).isEqualTo(SoakRecorder.Status.OK);
    assertThat(SoakRecorder.http(400)).isEqualTo(SoakRecorder.Status.BAD_REQUEST);
    assertThat(SoakRecorder.http(413)).isEqualTo(SoakRecorder.Status.TOO_LARGE);
    assertThat(SoakRecorder.http(415)).isEqualTo(SoakRecorder.Status.UNSUPPORTED_MEDIA_TYPE);
    assertThat(SoakRecorder.http(429)).isEqualTo(SoakRecorder.Status.TOO_MANY_REQUESTS);
    assertThat(SoakRecorder.http(503)).isEqualTo(SoakRecorder.Status.UNAVAILABLE);
    assertThat(SoakRecorder.http(404)).isEqualTo(SoakRecorder.Status.OTHER);
    assertThat(SoakRecorder.http(500)).isEqualTo(SoakRecorder.Status.OTHER);
  }

  @Test
  void classifiesGrpcStatusesLikeTheirHttpCounterparts() {
    assertThat(SoakRecorder.grpc(Status.OK)).isEqualTo(SoakRecorder.Status.OK);
    assertThat(SoakRecorder.grpc(Status.INVALID_ARGUMENT))
        .isEqualTo(SoakRecorder.Status.BAD_REQUEST);
    assertThat(SoakRecorder.grpc(Status.RESOURCE_EXHAUSTED))
        .isEqualTo(SoakRecorder.Status.TOO_LARGE);
    assertThat(SoakRecorder.grpc(Status.DEADLINE_EXCEEDED)).isEqualTo(SoakRecorder.Status.TIMEOUT);
    assertThat(SoakRecorder.grpc(Status.UNAVAILABLE.withDescription("Kafka is unavailable")))
        .isEqualTo(SoakRecorder.Status.UNAVAILABLE);
    assertThat(SoakRecorder.grpc(Status.UNAVAILABLE.withCause(new ConnectException("refused"))))
        .isEqualTo(SoakRecorder.Status.CONNECTION_ERROR);
    assertThat(SoakRecorder.grpc(Status.UNAVAILABLE.withDescription("io exception")))
        .isEqualTo(SoakRecorder.Status.CONNECTION_ERROR);
    assertThat(SoakRecorder.grpc(Status.INTERNAL)).isEqualTo(SoakRecorder.Status.OTHER);
  }
}
