package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.kafka.KafkaClients;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The publisher against a real {@link KafkaProducer} whose bootstrap address has no broker (the
 * success path needs the embedded broker and comes with the Kafka integration tests).
 */
class KafkaLogPublisherTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static String deadBootstrap() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Map<String, Object> config = new KafkaClients(bootstrap).otlpProducer(1 << 20, 1 << 20);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Test
  void addsContentTypeAndTraceHeaders() {
    List<Header> headers = KafkaLogPublisher.headers(TraceContext.of(TRACEPARENT, "vendor=x"));

    assertThat(headers)
        .extracting(Header::key)
        .containsExactly("content-type", "traceparent", "tracestate");
    assertThat(headers)
        .extracting(h -> new String(h.value(), StandardCharsets.US_ASCII))
        .containsExactly("application/x-protobuf", TRACEPARENT, "vendor=x");
    assertThat(KafkaLogPublisher.headers(TraceContext.NONE))
        .extracting(Header::key)
        .containsExactly("content-type");
  }

  @Test
  void failsRetryablyWhenKafkaIsUnreachableAndReleasesTheBudget() throws Exception {
    try (KafkaLogPublisher publisher =
        new KafkaLogPublisher(producer(deadBootstrap()), "logs", 1 << 20)) {
      CompletableFuture<Void> first =
          publisher.publish(List.of(new byte[10], new byte[20]), TraceContext.NONE);

      // bounded by max.block.ms; the minute is for a machine stalled by other work
      await().atMost(Duration.ofSeconds(60)).until(first::isDone);
      assertThat(first)
          .failsWithin(Duration.ZERO)
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(PublishException.class);
      assertThat(publisher.inflightBytes()).isZero();
      // right after a failed send, further requests fail without waiting for metadata again (not
      // asserted on time: a stalled machine may see the back-off window pass)
      CompletableFuture<Void> second = publisher.publish(List.of(new byte[1]), TraceContext.NONE);
      await().atMost(Duration.ofSeconds(60)).until(second::isDone);
      assertThat(second).isCompletedExceptionally();
      assertThat(publisher.inflightBytes()).isZero();
    }
  }

  @Test
  void refusesRequestsOverTheInflightBudget() throws Exception {
    Semaphore gate = new Semaphore(0);
    ExecutorService sender = Executors.newSingleThreadExecutor();
    sender.execute(gate::acquireUninterruptibly); // holds the first request's sends in the queue
    try (KafkaLogPublisher publisher =
        new KafkaLogPublisher(producer(deadBootstrap()), "logs", 100, sender)) {
      CompletableFuture<Void> first = publisher.publish(List.of(new byte[80]), TraceContext.NONE);

      CompletableFuture<Void> second = publisher.publish(List.of(new byte[30]), TraceContext.NONE);

      assertThat(first).isNotDone();
      assertThat(publisher.inflightBytes()).isEqualTo(80);
      assertThat(second)
          .failsWithin(Duration.ZERO)
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(PublishException.class)
          .withMessageContaining("in-flight budget");
      gate.release();
    }
  }

  @Test
  void completesEmptyPublishesAtOnce() throws Exception {
    try (KafkaLogPublisher publisher =
        new KafkaLogPublisher(producer(deadBootstrap()), "logs", 100)) {
      assertThat(publisher.publish(List.of(), TraceContext.NONE)).isCompleted();
    }
  }
}
