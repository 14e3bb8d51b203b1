package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import io.loghaul.record.RecordContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces OTLP-ingested records to {@code kafka.ingest-topic} (docs/otlp.md#records-in-kafka):
 * acks=all, idempotent, lz4, with the headers of the {@link RecordContract}: {@code content-type:
 * application/x-protobuf} plus {@code traceparent} / {@code tracestate} of the {@link TraceContext}
 * it is given (the request's produce span, see {@link IngestTracing}). A request's future completes
 * only when Kafka acknowledged every one of its records.
 *
 * <p>Threading: {@link KafkaProducer#send} may block up to {@code max.block.ms} (500 ms, see {@code
 * io.loghaul.kafka.KafkaClients#otlpProducer}) waiting for metadata, so sends run on one dedicated
 * daemon thread ({@code loghaul-otlp-kafka-send}), never on the caller's (a Netty event loop).
 * Futures complete on the producer's I/O thread.
 *
 * <p>Back-pressure: an in-flight budget ({@code otlp.max-inflight-bytes}) counts the value bytes of
 * records handed over and not yet acknowledged; a request that does not fit fails at once with
 * {@link PublishException}. A request whose send or acknowledgement failed fails too, but only once
 * every one of its records resolved and gave its budget back (records after the failed one are not
 * sent; ones already handed to the producer are waited for, which the ingester bounds with its own
 * reply timeout). After a send failed (typically: no metadata within {@code max.block.ms} because
 * Kafka is down) requests fail at once for {@value #UNAVAILABLE_BACKOFF_MS} ms instead of queueing
 * behind more blocked sends. Records are sent with a {@code null} key so the producer batches them
 * per partition freely.
 */
public final class KafkaLogPublisher implements LogPublisher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaLogPublisher.class);

  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  static final long UNAVAILABLE_BACKOFF_MS = 1000;

  private static final Header CONTENT_TYPE_RECORD_HEADER =
      new RecordHeader(
          RecordContract.CONTENT_TYPE, RecordContract.PROTOBUF.getBytes(StandardCharsets.US_ASCII));

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final long maxInflightBytes;
  private final AtomicLong inflightBytes = new AtomicLong();
  private final ExecutorService sender;
  private volatile long unavailableUntilNanos = System.nanoTime();

  /**
   * A publisher owning a new {@link KafkaProducer} with {@code producerConfig} (the OTLP producer
   * settings of {@code io.loghaul.kafka.KafkaClients}).
   */
  public static KafkaLogPublisher create(
      Map<String, Object> producerConfig, String topic, long maxInflightBytes) {
    return new KafkaLogPublisher(
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer()),
        topic,
        maxInflightBytes);
  }

  /** A publisher over {@code producer}, which it owns and closes. */
  public KafkaLogPublisher(Producer<byte[], byte[]> producer, String topic, long maxInflightBytes) {
    this(
        producer,
        topic,
        maxInflightBytes,
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "loghaul-otlp-kafka-send");
              t.setDaemon(true);
              return t;
            }));
  }

  /**
   * For tests: {@code sender} runs the (possibly blocking) sends and is shut down by {@link
   * #close()}.
   */
  KafkaLogPublisher(
      Producer<byte[], byte[]> producer,
      String topic,
      long maxInflightBytes,
      ExecutorService sender) {
    this.producer = requireNonNull(producer, "producer");
    this.topic = requireNonNull(topic, "topic");
    if (maxInflightBytes <= 0) {
      throw new IllegalArgumentException(
          "maxInflightBytes: " + maxInflightBytes + " (expected: > 0)");
    }
    this.maxInflightBytes = maxInflightBytes;
    this.sender = requireNonNull(sender, "sender");
  }

  /** Value bytes handed to Kafka and not yet acknowledged. */
  public long inflightBytes() {
    return inflightBytes.get();
  }

  @Override
  public CompletableFuture<Void> publish(List<byte[]> values, TraceContext trace) {
    requireNonNull(values, "values");
    requireNonNull(trace, "trace");
    CompletableFuture<Void> result = new CompletableFuture<>();
    if (values.isEmpty()) {
      result.complete(null);
      return result;
    }
    if (System.nanoTime() - unavailableUntilNanos < 0) {
      result.completeExceptionally(
          new PublishException("Kafka unavailable (a send failed just now)"));
      return result;
    }
    long bytes = 0;
    for (byte[] v : values) {
      bytes += v.length;
    }
    if (!tryAcquire(bytes)) {
      result.completeExceptionally(
          new PublishException(
              "over the in-flight budget: "
                  + bytes
                  + " bytes requested, "
                  + inflightBytes.get()
                  + " of "
                  + maxInflightBytes
                  + " in flight"));
      return result;
    }
    List<Header> headers = headers(trace);
    try {
      sender.execute(() -> send(values, headers, result));
    } catch (RejectedExecutionException e) {
      inflightBytes.addAndGet(-bytes);
      result.completeExceptionally(new PublishException("publisher is closed", e));
    }
    return result;
  }

  static List<Header> headers(TraceContext trace) {
    List<Header> headers = new ArrayList<>(3);
    headers.add(CONTENT_TYPE_RECORD_HEADER);
    if (trace.traceparent() != null) {
      headers.add(
          new RecordHeader(
              RecordContract.TRACEPARENT, trace.traceparent().getBytes(StandardCharsets.US_ASCII)));
      if (trace.tracestate() != null) {
        headers.add(
            new RecordHeader(
                RecordContract.TRACESTATE, trace.tracestate().getBytes(StandardCharsets.US_ASCII)));
      }
    }
    return headers;
  }

  private void send(List<byte[]> values, List<Header> headers, CompletableFuture<Void> result) {
    PendingRequest request = new PendingRequest(values.size(), result);
    if (System.nanoTime() - unavailableUntilNanos < 0) {
      // queued behind a send that just failed: do not block another max.block.ms on metadata
      request.resolveUnsent(
          values, 0, new PublishException("Kafka unavailable (a send failed just now)"));
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      byte[] value = values.get(i);
      if (request.failed()) {
        // an earlier record failed: the client retries the whole request, so spare Kafka the rest
        request.resolveUnsent(values, i, null);
        return;
      }
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(topic, null, null, null, value, headers);
      try {
        producer.send(
            record,
            (metadata, error) -> {
              if (error instanceof RetriableException) {
                // send() reports a metadata timeout here too, not by throwing
                markUnavailable();
              }
              request.resolve(
                  value.length,
                  error == null
                      ? null
                      : new PublishException("Kafka did not accept a record: " + error, error));
            });
      } catch (RuntimeException e) {
        // metadata not available within max.block.ms, producer closed, ...: the callback did not
        // run
        LOG.debug("Kafka send failed", e);
        markUnavailable();
        request.resolveUnsent(
            values, i, new PublishException("Kafka unavailable: " + e.getMessage(), e));
        return;
      }
    }
  }

  private void markUnavailable() {
    unavailableUntilNanos =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(UNAVAILABLE_BACKOFF_MS);
  }

  /**
   * The records of one {@link #publish} call not yet resolved (acknowledged, failed or never sent).
   * The future completes only when every record resolved, after its budget was released, so a
   * caller that sees the failure also sees the budget free again; it fails with the first error.
   * Resolved from the sender thread and the producer's I/O thread concurrently.
   */
  private final class PendingRequest {
    private final AtomicInteger remaining;
    private final CompletableFuture<Void> result;
    private final AtomicReference<PublishException> firstError = new AtomicReference<>();

    PendingRequest(int records, CompletableFuture<Void> result) {
      this.remaining = new AtomicInteger(records);
      this.result = result;
    }

    boolean failed() {
      return firstError.get() != null;
    }

    /** One sent record resolved; {@code error} is null when Kafka acknowledged it. */
    void resolve(int bytes, PublishException error) {
      inflightBytes.addAndGet(-bytes);
      if (error != null) {
        firstError.compareAndSet(null, error);
      }
      if (remaining.decrementAndGet() == 0) {
        complete();
      }
    }

    /**
     * Records {@code from} to the end will never be sent; {@code error} is null when an earlier one
     * failed.
     */
    void resolveUnsent(List<byte[]> values, int from, PublishException error) {
      long bytes = 0;
      for (int i = from; i < values.size(); i++) {
        bytes += values.get(i).length;
      }
      inflightBytes.addAndGet(-bytes);
      if (error != null) {
        firstError.compareAndSet(null, error);
      }
      if (remaining.addAndGet(from - values.size()) == 0) {
        complete();
      }
    }

    private void complete() {
      PublishException error = firstError.get();
      if (error == null) {
        result.complete(null);
      } else {
        result.completeExceptionally(error);
      }
    }
  }

  private boolean tryAcquire(long bytes) {
    while (true) {
      long current = inflightBytes.get();
      // one request larger than the whole budget still goes through when nothing else is in flight
      if (current > 0 && current + bytes > maxInflightBytes) {
        return false;
      }
      if (inflightBytes.compareAndSet(current, current + bytes)) {
        return true;
      }
    }
  }

  /**
   * Stops taking requests, sends what was queued, waits for acknowledgements, closes the producer.
   * Idempotent.
   */
  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        sender.shutdownNow();
      }
    } catch (InterruptedException e) {
      sender.shutdownNow();
      Thread.currentThread().interrupt();
    }
    producer.close(CLOSE_TIMEOUT);
  }
}
