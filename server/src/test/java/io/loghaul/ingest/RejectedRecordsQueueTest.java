package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.schema.ErrorType;
import io.loghaul.schema.Rejected;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RejectedRecordsQueueTest {
  private static final Rejected WHY =
      new Rejected(ErrorType.INVALID_VALUE, "/level", "severity_number 99");

  @Test
  void handsLettersOnFromItsOwnThreadAndDropsWhenFullInsteadOfBlocking() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch firstTaken = new CountDownLatch(1);
    List<String> delivered = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    AtomicInteger dropped = new AtomicInteger();
    RejectedRecords slowTarget =
        (request, why, transport, receivedAt) -> {
          threads.add(Thread.currentThread().getName());
          firstTaken.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          delivered.add(
              new String(request) + "/" + transport + "/" + why.field() + "/" + receivedAt);
        };
    try (RejectedRecordsQueue queue =
        new RejectedRecordsQueue(slowTarget, 2, dropped::incrementAndGet)) {
      queue.deadLetter("r0".getBytes(), WHY, "otlp_grpc", 1);
      firstTaken.await(); // r0 is being handed on; the queue itself is empty again
      queue.deadLetter("r1".getBytes(), WHY, "otlp_grpc", 2);
      queue.deadLetter("r2".getBytes(), WHY, "otlp_http", 3);
      queue.deadLetter("r3".getBytes(), WHY, "otlp_http", 4); // full: dropped at once, no waiting

      assertThat(dropped).hasValue(1);
      release.countDown();
    } // close() hands on what is queued
    assertThat(delivered)
        .containsExactly("r0/otlp_grpc//level/1", "r1/otlp_grpc//level/2", "r2/otlp_http//level/3");
    assertThat(threads).containsOnly("loghaul-otlp-dead-letters");
  }
}
