package io.loghaul.ingest;

import io.loghaul.schema.Rejected;

/**
 * Where OTLP log records that fail the schema check go besides the client's {@code
 * partial_success}: the dead-letter topic, wired by the server ({@code otlp.dead-letter-rejected},
 * docs/dead-letters.md#otlp). Called on the receiving thread once per rejected record, after the
 * request was checked; must not block (the dead-letter producer sends asynchronously).
 */
@FunctionalInterface
public interface RejectedRecords {
  /** Rejected records are only counted and reported to the client. */
  RejectedRecords NONE = (request, why, transport, receivedAtMillis) -> {};

  /**
   * @param request a serialized {@code ExportLogsServiceRequest} holding only the rejected {@code
   *     LogRecord}, inside its own {@code ResourceLogs} (resource, schema URL) and {@code
   *     ScopeLogs} (scope, schema URL)
   * @param why the record's rejection (error type, field, message)
   * @param transport {@link IngestListener#GRPC} or {@link IngestListener#HTTP}
   * @param receivedAtMillis when the request arrived, epoch ms
   */
  void deadLetter(byte[] request, Rejected why, String transport, long receivedAtMillis);
}
