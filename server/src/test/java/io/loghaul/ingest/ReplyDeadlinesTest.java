package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The deadlines of OTLP replies waiting for Kafka, swept by hand (and once by the shared thread).
 */
class ReplyDeadlinesTest {
  private static final long TIMEOUT = 1_000;

  @Test
  void failsAReplyOnlyOnceItsDeadlinePassedAndNeverThePublishersFuture() {
    ReplyDeadlines d = new ReplyDeadlines(TIMEOUT);
    CompletableFuture<String> published = new CompletableFuture<>();
    CompletableFuture<String> reply = d.within(published, 5_000);
    d.sweep(5_999);
    assertThat(reply).isNotDone();
    d.sweep(6_000);
    assertThat(reply).isCompletedExceptionally();
    assertThatThrownBy(reply::get).hasCauseInstanceOf(TimeoutException.class);
    assertThat(published).isNotDone();
    assertThat(d.size()).isZero();
  }

  @Test
  void aReplyWhosePublishCompletedInTimeGetsItsValueAndIsForgotten() throws Exception {
    ReplyDeadlines d = new ReplyDeadlines(TIMEOUT);
    CompletableFuture<String> published = new CompletableFuture<>();
    CompletableFuture<String> reply = d.within(published, 0);
    assertThat(d.size()).isOne();
    published.complete("ok");
    assertThat(reply.get()).isEqualTo("ok");
    d.sweep(1); // long before the deadline: a completed entry goes at once
    assertThat(d.size()).isZero();
    // already complete: nothing to track
    assertThat(d.within(CompletableFuture.completedFuture("done"), 0).get()).isEqualTo("done");
    assertThat(d.size()).isZero();
  }

  @Test
  void aSweepStopsAtTheFirstReplyStillWithinItsTime() {
    ReplyDeadlines d = new ReplyDeadlines(TIMEOUT);
    CompletableFuture<String> first = d.within(new CompletableFuture<>(), 0);
    CompletableFuture<String> second = d.within(new CompletableFuture<>(), 500);
    CompletableFuture<String> third = d.within(new CompletableFuture<>(), 2_000);
    d.sweep(1_600);
    assertThat(first).isCompletedExceptionally();
    assertThat(second).isCompletedExceptionally();
    assertThat(third).isNotDone();
    assertThat(d.size()).isOne();
  }

  @Test
  void aPublishFailureReachesTheReplyUnchanged() {
    ReplyDeadlines d = new ReplyDeadlines(TIMEOUT);
    CompletableFuture<String> published = new CompletableFuture<>();
    CompletableFuture<String> reply = d.within(published, 0);
    PublishException error = new PublishException("Kafka did not accept a record");
    published.completeExceptionally(error);
    assertThatThrownBy(reply::get).isInstanceOf(ExecutionException.class).hasCause(error);
    d.sweep(10_000);
    assertThatThrownBy(reply::get).hasCause(error);
  }

  @Test
  void theSharedSweeperFailsAReplyThatNobodyAnswers() {
    ReplyDeadlines d = ReplyDeadlines.start(TimeUnit.MILLISECONDS.toNanos(1));
    CompletableFuture<String> reply = d.within(new CompletableFuture<>(), System.nanoTime());
    // no time bound of our own: the sweeper's tick is what ends the wait
    assertThatThrownBy(reply::join).hasCauseInstanceOf(TimeoutException.class);
    assertThat(d.size()).isZero();
  }

  @Test
  void rejectsANonPositiveTimeout() {
    assertThatThrownBy(() -> new ReplyDeadlines(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeoutNanos: 0 (expected: > 0)");
  }
}
