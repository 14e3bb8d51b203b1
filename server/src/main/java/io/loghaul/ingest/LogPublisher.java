package io.loghaul.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the receivers hand one request's accepted records: {@link KafkaLogPublisher} in production.
 * Implementations must not block the caller (a Netty event loop or a gRPC thread).
 */
public interface LogPublisher {
  /**
   * Publishes {@code values} (each one encoded {@code loghaul.v1.LogEntry}) with {@code trace}'s
   * headers.
   *
   * @return a future completed normally only once every record is durably acknowledged, or
   *     exceptionally with a {@link PublishException} (retryable: overload, Kafka unavailable) when
   *     one record failed, once every record resolved and nothing of the request is in flight
   */
  CompletableFuture<Void> publish(List<byte[]> values, TraceContext trace);

  /**
   * Like {@link #publish(List, TraceContext)} for the records of an authenticated {@code tenant}
   * (null: none), which also carry Kafka header {@code loghaul.tenant}. Publishers that keep no
   * headers may ignore it.
   */
  default CompletableFuture<Void> publish(List<byte[]> values, TraceContext trace, String tenant) {
    return publish(values, trace);
  }
}
