package io.loghaul.dlq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.loghaul.schema.ErrorType;
import io.loghaul.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DeadLetterQueueTest {
  private static final TopicPartition P0 = new TopicPartition("logs", 0);
  private static final TopicPartition P1 = new TopicPartition("logs", 1);

  private final ManualClock clock = new ManualClock(1_795_316_252_000L);
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());

  /** Backoff 100 ms doubling up to 400 ms (each ±20%). */
  private final DeadLetterQueue queue =
      new DeadLetterQueue(
          new DeadLetterPublisher(producer, "logs.dlq", clock, l -> {}), clock, 100, 400);

  private final Logger logger = (Logger) LoggerFactory.getLogger(DeadLetterQueue.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset) {
    return new ConsumerRecord<>(
        tp.topic(),
        tp.partition(),
        offset,
        0L,
        TimestampType.CREATE_TIME,
        -1,
        3,
        null,
        "bad".getBytes(UTF_8),
        new RecordHeaders(),
        Optional.empty());
  }

  /**
   * Lets the letter's latest attempt fail, then runs turns until it is produced again; returns the
   * wait.
   */
  private Duration failAndWaitForRetry() {
    int sent = producer.history().size();
    producer.errorNext(new RecordTooLargeException("too large"));
    Duration waited = Duration.ZERO;
    queue.retryDue();
    while (producer.history().size() == sent) {
      clock.advance(Duration.ofMillis(10));
      waited = waited.plusMillis(10);
      queue.retryDue();
    }
    return waited;
  }

  @Test
  void retriesAFailedLetterWithCappedExponentialBackoffUntilItIsWritten() {
    DeadLetter letter =
        queue.add(record(P0, 7), ErrorType.JSON_SYNTAX, "", "json_syntax: truncated");
    assertThat(producer.history()).hasSize(1);

    List<Duration> waits =
        List.of(
            failAndWaitForRetry(),
            failAndWaitForRetry(),
            failAndWaitForRetry(),
            failAndWaitForRetry(),
            failAndWaitForRetry());

    assertThat(waits.get(0)).isBetween(Duration.ofMillis(80), Duration.ofMillis(130));
    assertThat(waits.get(1)).isBetween(Duration.ofMillis(160), Duration.ofMillis(250));
    assertThat(waits.subList(2, 5))
        .allSatisfy(w -> assertThat(w).isBetween(Duration.ofMillis(320), Duration.ofMillis(490)));
    assertThat(letter.isDurable()).isFalse();
    producer.completeNext();
    queue.retryDue();
    assertThat(letter.isDurable()).isTrue();
    assertThat(queue.pendingCount()).isZero();
    assertThat(producer.history()).as("one letter, six attempts").hasSize(6);
  }

  @Test
  void blocksOnlyThePartitionWhoseLetterFailedAndOnlyOnceAnAttemptFailed() {
    queue.add(record(P0, 1), ErrorType.JSON_SYNTAX, "", "m");
    queue.add(record(P1, 1), ErrorType.JSON_SYNTAX, "", "m");
    queue.retryDue();
    assertThat(queue.blocks(P0)).as("first attempt still in flight").isFalse();

    producer.errorNext(new RecordTooLargeException("too large"));
    producer.completeNext();
    queue.retryDue();
    assertThat(queue.blocks(P0)).isTrue();
    assertThat(queue.blocks(P1)).isFalse();
    assertThat(queue.pendingCount()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    queue.retryDue(); // produced again: in flight, still blocking
    assertThat(queue.blocks(P0)).isTrue();
    producer.completeNext();
    queue.retryDue();
    assertThat(queue.blocks(P0)).isFalse();
  }

  @Test
  void logsOneWarningPerOutageAndOneLineWhenItEndsWithTheAttemptsSummed() {
    queue.add(record(P0, 1), ErrorType.JSON_SYNTAX, "", "m");
    queue.add(record(P1, 2), ErrorType.CLICKHOUSE_REJECTED, "", "m");
    for (int i = 0; i < 10; i++) {
      producer.errorNext(new RecordTooLargeException("too large"));
      producer.errorNext(new RecordTooLargeException("too large"));
      queue.retryDue();
      clock.advance(Duration.ofSeconds(1));
      queue.retryDue();
    }
    producer.completeNext();
    producer.completeNext();
    queue.retryDue();

    assertThat(logs.list)
        .extracting(ILoggingEvent::getLevel)
        .containsExactly(Level.WARN, Level.INFO);
    assertThat(logs.list.get(0).getThrowableProxy().getClassName())
        .isEqualTo(RecordTooLargeException.class.getName());
    assertThat(logs.list.get(1).getFormattedMessage())
        .contains("20 failed attempts", "2 waiting letters");
  }

  @Test
  void forgetsTheLettersOfPartitionsThatAreGone() {
    queue.add(record(P0, 1), ErrorType.JSON_SYNTAX, "", "m");
    producer.errorNext(new RecordTooLargeException("too large"));
    queue.retryDue();
    assertThat(queue.blocks(P0)).isTrue();

    queue.forget(List.of(P0));
    clock.advance(Duration.ofSeconds(1));
    queue.retryDue();

    assertThat(queue.blocks(P0)).isFalse();
    assertThat(queue.pendingCount()).isZero();
    assertThat(producer.history()).as("not produced again").hasSize(1);
  }
}
