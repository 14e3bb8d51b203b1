package io.loghaul.dlq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.loghaul.record.RecordContract;
import io.loghaul.record.Traceparent;
import io.loghaul.schema.ErrorType;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Produces rejected records to the dead-letter topic: the original key, value (byte for byte) and
 * headers, plus the {@code loghaul.*} headers of docs/dead-letters.md#headers. Asynchronous: {@link
 * #publish} returns at once and the {@link DeadLetter} turns durable when Kafka acknowledges it
 * (acks=all).
 *
 * <p>Thread-safe (the Kafka producer is). A failed attempt is recorded on the dead letter; its
 * owner, the {@link DeadLetterQueue}, retries it with {@link #publish} again, so nothing is ever
 * skipped.
 *
 * <p>Each produce attempt is a {@code dlq.produce} span (a root span, kind PRODUCER) with the
 * destination topic, {@code error_type} and {@code attempt}, ended when Kafka answers (status ERROR
 * on failure), and linked to the trace in the record's {@code traceparent} header if any.
 */
public final class DeadLetterPublisher implements AutoCloseable {
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Clock clock;
  private final Consumer<DeadLetter> onAcknowledged;
  private final Consumer<DeadLetter> onFailed;
  private final Tracer tracer;
  private final boolean tracing;
  private final UnaryOperator<byte[]> valueRedaction;

  private static final byte[] TRUE = "true".getBytes(UTF_8);
  static final String SPAN_NAME = "dlq.produce";
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error_type");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("attempt");

  /**
   * @param onAcknowledged called on the producer's I/O thread after each acknowledged dead letter
   *     (for metrics); must be cheap and must not block
   */
  public DeadLetterPublisher(
      Producer<byte[], byte[]> producer,
      String topic,
      Clock clock,
      Consumer<DeadLetter> onAcknowledged) {
    this(producer, topic, clock, onAcknowledged, l -> {}, OpenTelemetry.noop());
  }

  /**
   * @param onAcknowledged called on the producer's I/O thread after each acknowledged dead letter
   *     (for metrics); must be cheap and must not block
   * @param onFailed called after each failed produce attempt (for metrics); same rules
   * @param openTelemetry where the {@code dlq.produce} spans go
   */
  public DeadLetterPublisher(
      Producer<byte[], byte[]> producer,
      String topic,
      Clock clock,
      Consumer<DeadLetter> onAcknowledged,
      Consumer<DeadLetter> onFailed,
      OpenTelemetry openTelemetry) {
    this.producer = requireNonNull(producer, "producer");
    this.topic = requireNonNull(topic, "topic");
    this.clock = requireNonNull(clock, "clock");
    this.onAcknowledged = requireNonNull(onAcknowledged, "onAcknowledged");
    this.onFailed = requireNonNull(onFailed, "onFailed");
    this.tracer = requireNonNull(openTelemetry, "openTelemetry").getTracer("io.loghaul");
    this.tracing = openTelemetry != OpenTelemetry.noop();
    this.valueRedaction = null;
  }

  /**
   * As above, with {@code valueRedaction} rewriting each letter's value before it is produced
   * ({@code redaction.dead-letters=true}): it returns the value itself when nothing changed, must
   * be thread-safe, and every letter then carries {@link DlqHeaders#REDACTED}.
   */
  public DeadLetterPublisher(
      Producer<byte[], byte[]> producer,
      String topic,
      Clock clock,
      Consumer<DeadLetter> onAcknowledged,
      Consumer<DeadLetter> onFailed,
      OpenTelemetry openTelemetry,
      UnaryOperator<byte[]> valueRedaction) {
    this.producer = requireNonNull(producer, "producer");
    this.topic = requireNonNull(topic, "topic");
    this.clock = requireNonNull(clock, "clock");
    this.onAcknowledged = requireNonNull(onAcknowledged, "onAcknowledged");
    this.onFailed = requireNonNull(onFailed, "onFailed");
    this.tracer = requireNonNull(openTelemetry, "openTelemetry").getTracer("io.loghaul");
    this.tracing = openTelemetry != OpenTelemetry.noop();
    this.valueRedaction = requireNonNull(valueRedaction, "valueRedaction");
  }

  public String topic() {
    return topic;
  }

  /**
   * Starts one produce attempt for a record rejected at OTLP ingest (docs/dead-letters.md#otlp):
   * {@code value} (a one-record OTLP export request) with header {@code content-type: }{@link
   * RecordContract#OTLP_EXPORT_REQUEST}, {@code loghaul.source.topic} = {@code transport} ({@code
   * otlp_grpc}, {@code otlp_http}), partition and offset -1, source timestamp = receive time. One
   * attempt: a failure is counted ({@code onFailed}), not retried (the client was already told the
   * record was rejected). Returns the letter.
   */
  public DeadLetter publishRejected(
      byte[] value,
      ErrorType type,
      String field,
      String message,
      String transport,
      long receivedAtMillis) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(RecordContract.CONTENT_TYPE, RecordContract.OTLP_EXPORT_REQUEST.getBytes(UTF_8));
    DeadLetter letter =
        new DeadLetter(
            new ConsumerRecord<>(
                transport,
                -1,
                -1L,
                receivedAtMillis,
                TimestampType.CREATE_TIME,
                -1,
                value.length,
                null,
                value,
                headers,
                Optional.empty()),
            type,
            field,
            message);
    publish(letter);
    return letter;
  }

  /**
   * Starts one produce attempt for {@code letter}. Never throws for Kafka errors: they land on the
   * letter.
   */
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
    byte[] value = src.value();
    if (valueRedaction != null) {
      value = valueRedaction.apply(value);
      headers.add(DlqHeaders.REDACTED, TRUE);
    }
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(topic, null, null, src.key(), value, headers);
    Span span = startSpan(letter);
    try {
      producer.send(
          out,
          (metadata, exception) -> {
            letter.completed(exception);
            end(span, exception);
            if (exception == null) {
              onAcknowledged.accept(letter);
            } else {
              onFailed.accept(letter);
            }
          });
    } catch (RuntimeException e) {
      // send() throws for errors found before the record is queued (e.g. too large, timeout on
      // metadata)
      letter.completed(e);
      end(span, e);
      onFailed.accept(letter);
    }
  }

  private Span startSpan(DeadLetter letter) {
    SpanBuilder b =
        tracer
            .spanBuilder(SPAN_NAME)
            .setNoParent()
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(DESTINATION, topic)
            .setAttribute(ERROR_TYPE, letter.type().label())
            .setAttribute(ATTEMPT, (long) letter.attempts());
    // with tracing off, skip reading the header: the no-op span ignores links anyway
    SpanContext link =
        tracing ? Traceparent.spanContext(Traceparent.header(letter.source().headers())) : null;
    if (link != null) {
      b.addLink(link);
    }
    return b.startSpan();
  }

  private static void end(Span span, Exception failure) {
    if (failure != null) {
      span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }
    span.end();
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
