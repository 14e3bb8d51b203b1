package io.loghaul.dlq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.schema.ErrorType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class DeadLetterPublisherTest {
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_795_316_252_000L), ZoneOffset.UTC);

  private static ConsumerRecord<byte[], byte[]> source() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(UTF_8));
    return new ConsumerRecord<>(
        "logs",
        3,
        42L,
        1_795_316_000_000L,
        TimestampType.CREATE_TIME,
        1,
        5,
        "key".getBytes(UTF_8),
        new byte[] {'{', 0x00, (byte) 0xFF},
        headers,
        Optional.empty());
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), UTF_8);
  }

  @Test
  void keepsKeyValueAndHeadersAndAddsTheLoghaulHeaders() {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    List<DeadLetter> acked = new ArrayList<>();
    DeadLetterPublisher publisher =
        new DeadLetterPublisher(producer, "logs.dlq", clock, acked::add);
    DeadLetter letter =
        new DeadLetter(source(), ErrorType.INVALID_VALUE, "/level", "invalid_value: unknown level");
    publisher.publish(letter);

    assertThat(letter.isDurable()).isTrue();
    assertThat(acked).containsExactly(letter);
    ProducerRecord<byte[], byte[]> out = producer.history().get(0);
    assertThat(out.topic()).isEqualTo("logs.dlq");
    assertThat(out.key()).isEqualTo("key".getBytes(UTF_8));
    assertThat(out.value()).isEqualTo(new byte[] {'{', 0x00, (byte) 0xFF});
    assertThat(header(out, "traceparent")).startsWith("00-4bf92f35");
    assertThat(header(out, DlqHeaders.ERROR_TYPE)).isEqualTo("invalid_value");
    assertThat(header(out, DlqHeaders.ERROR_FIELD)).isEqualTo("/level");
    assertThat(header(out, DlqHeaders.ERROR_MESSAGE)).isEqualTo("invalid_value: unknown level");
    assertThat(header(out, DlqHeaders.SOURCE_TOPIC)).isEqualTo("logs");
    assertThat(header(out, DlqHeaders.SOURCE_PARTITION)).isEqualTo("3");
    assertThat(header(out, DlqHeaders.SOURCE_OFFSET)).isEqualTo("42");
    assertThat(header(out, DlqHeaders.SOURCE_TIMESTAMP)).isEqualTo("1795316000000");
    assertThat(header(out, DlqHeaders.FAILED_AT)).isEqualTo("1795316252000");
  }

  @Test
  void rewritesTheValueAndMarksTheLetterWhenRedactionIsOn() {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    DeadLetterPublisher publisher =
        new DeadLetterPublisher(
            producer,
            "logs.dlq",
            clock,
            l -> {},
            l -> {},
            io.opentelemetry.api.OpenTelemetry.noop(),
            v -> "redacted".getBytes(UTF_8));
    publisher.publish(
        new DeadLetter(source(), ErrorType.JSON_SYNTAX, "", "json_syntax: truncated"));

    ProducerRecord<byte[], byte[]> out = producer.history().get(0);
    assertThat(out.value()).isEqualTo("redacted".getBytes(UTF_8));
    assertThat(header(out, DlqHeaders.REDACTED)).isEqualTo("true");
    assertThat(header(out, DlqHeaders.ERROR_TYPE)).isEqualTo("json_syntax");
  }

  @Test
  void addsNoRedactedHeaderWhenRedactionIsOff() {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    new DeadLetterPublisher(producer, "logs.dlq", clock, l -> {})
        .publish(new DeadLetter(source(), ErrorType.JSON_SYNTAX, "", "json_syntax: truncated"));
    assertThat(producer.history().get(0).headers().lastHeader(DlqHeaders.REDACTED)).isNull();
  }

  @Test
  void aFailedAttemptLeavesTheLetterPendingWithItsErrorAndARetryCanSucceed() {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    DeadLetterPublisher publisher = new DeadLetterPublisher(producer, "logs.dlq", clock, l -> {});
    DeadLetter letter =
        new DeadLetter(source(), ErrorType.JSON_SYNTAX, "", "json_syntax: truncated");
    publisher.publish(letter);
    assertThat(letter.inFlight()).isTrue();
    producer.errorNext(new RecordTooLargeException("too large"));
    assertThat(letter.isDurable()).isFalse();
    assertThat(letter.inFlight()).isFalse();
    assertThat(letter.lastFailure()).isInstanceOf(RecordTooLargeException.class);

    publisher.publish(letter);
    assertThat(letter.lastFailure()).isNull();
    producer.completeNext();
    assertThat(letter.isDurable()).isTrue();
    assertThat(letter.attempts()).isEqualTo(2);
  }

  @Test
  void capsTheMessageAt1KiBOnACharacterBoundary() {
    String longMessage = "é".repeat(1000); // 2000 bytes
    byte[] capped = DeadLetterPublisher.capUtf8(longMessage, DlqHeaders.MAX_MESSAGE_BYTES);
    assertThat(capped.length).isLessThanOrEqualTo(1024);
    assertThat(new String(capped, UTF_8)).isEqualTo("é".repeat(512));
  }

  @Test
  void reportsEveryFailedAttemptAndTracesEachAttemptLinkedToTheRecordsTrace() {
    io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter spans =
        io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
    io.opentelemetry.sdk.OpenTelemetrySdk sdk =
        io.opentelemetry.sdk.OpenTelemetrySdk.builder()
            .setTracerProvider(
                io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                    .addSpanProcessor(
                        io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    List<DeadLetter> failed = new ArrayList<>();
    List<DeadLetter> acked = new ArrayList<>();
    DeadLetterPublisher publisher =
        new DeadLetterPublisher(producer, "logs.dlq", clock, acked::add, failed::add, sdk);
    DeadLetter letter =
        new DeadLetter(source(), ErrorType.JSON_SYNTAX, "", "json_syntax: truncated");

    publisher.publish(letter);
    producer.errorNext(new RecordTooLargeException("too large"));
    publisher.publish(letter);
    producer.completeNext();

    assertThat(failed).containsExactly(letter);
    assertThat(acked).containsExactly(letter);
    List<io.opentelemetry.sdk.trace.data.SpanData> done = spans.getFinishedSpanItems();
    assertThat(done)
        .extracting(io.opentelemetry.sdk.trace.data.SpanData::getName)
        .containsExactly("dlq.produce", "dlq.produce");
    assertThat(done.get(0).getStatus().getStatusCode())
        .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    assertThat(done.get(1).getStatus().getStatusCode())
        .isEqualTo(io.opentelemetry.api.trace.StatusCode.UNSET);
    assertThat(done.get(1).getAttributes().get(DeadLetterPublisher.ATTEMPT)).isEqualTo(2L);
    assertThat(done.get(0).getLinks())
        .extracting(l -> l.getSpanContext().getTraceId())
        .containsExactly("4bf92f3577b34da6a3ce929d0e0e4736");
    sdk.close();
  }
}
