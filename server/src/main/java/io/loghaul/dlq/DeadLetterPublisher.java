package io.loghaul.dlq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Produces rejected records to the dead-letter topic: the original key, value (byte for byte) and
 * headers, plus the {@code loghaul.*} headers of SPEC §4. Asynchronous: {@link #publish} returns at
 * once and the {@link DeadLetter} turns durable when Kafka acknowledges it (acks=all).
 *
 * <p>Thread-safe (the Kafka producer is). A failed attempt is recorded on the dead letter; callers
 * retry it with {@link #publish} again, so nothing is ever skipped.
 */
public final class DeadLetterPublisher implements AutoCloseable {
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Clock clock;
  private final Consumer<DeadLetter> onAcknowledged;

  /**
   * @param onAcknowledged called on the producer's I/O thread after each acknowledged dead letter
   *     (for metrics); must be cheap and must not block
   */
  public DeadLetterPublisher(
      Producer<byte[], byte[]> producer, String topic, Clock clock, Consumer<DeadLetter> onAcknowledged) {
    this.producer = requireNonNull(producer, "producer");
    this.topic = requireNonNull(topic, "topic");
    this.clock = requireNonNull(clock, "clock");
    this.onAcknowledged = requireNonNull(onAcknowledged, "onAcknowledged");
  }

  public String topic() {
    return topic;
  }

  /** Starts one produce attempt for {@code letter}. Never throws for Kafka errors: they land on the letter. */
  public void publish(DeadLetter letter) {
    letter.startAttempt();
    ConsumerRecord<byte[], byte[]> src = letter.source();
    RecordHeaders headers = new RecordHeaders();
    for (Header h : src.headers()) {
      headers.add(h);
    }
    headers.add(DlqHeaders.ERROR_TYPE, letter.type().label().getBytes(UTF_8));
    headers.add(DlqHeaders.ERROR_MESSAGE, capUtf8(letter.message(), DlqHeaders.MAX_MESSAGE_BYTES));
    headers.add(DlqHeaders.ERROR_FIELD, letter.field().getBytes(UTF_8));
    headers.add(DlqHeaders.SOURCE_TOPIC, src.topic().getBytes(UTF_8));
    headers.add(DlqHeaders.SOURCE_PARTITION, Integer.toString(src.partition()).getBytes(UTF_8));
    headers.add(DlqHeaders.SOURCE_OFFSET, Long.toString(src.offset()).getBytes(UTF_8));
    headers.add(DlqHeaders.SOURCE_TIMESTAMP, Long.toString(src.timestamp()).getBytes(UTF_8));
    headers.add(DlqHeaders.FAILED_AT, Long.toString(clock.millis()).getBytes(UTF_8));
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(topic, null, null, src.key(), src.value(), headers);
    try {
      producer.send(out, (metadata, exception) -> {
        letter.completed(exception);
        if (exception == null) {
          onAcknowledged.accept(letter);
        }
      });
    } catch (RuntimeException e) {
      // send() throws for errors found before the record is queued (e.g. too large, timeout on metadata)
      letter.completed(e);
    }
  }

  /** Blocks until every queued dead letter was acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }

  /** {@code s} as UTF-8, cut on a character boundary to at most {@code max} bytes. */
  static byte[] capUtf8(String s, int max) {
    byte[] b = s.getBytes(UTF_8);
    if (b.length <= max) {
      return b;
    }
    int end = max;
    while (end > 0 && (b[end] & 0xC0) == 0x80) {
      end--;
    }
    byte[] cut = new byte[end];
    System.arraycopy(b, 0, cut, 0, end);
    return cut;
  }
}
