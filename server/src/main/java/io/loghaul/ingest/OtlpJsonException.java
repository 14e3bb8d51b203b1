package io.loghaul.ingest;

/**
 * A request body that is not an OTLP/JSON logs request ({@link OtlpJsonTranscoder}). The message is
 * short English that starts with the JSON path of the problem, e.g. {@code
 * resourceLogs[0].scopeLogs[0].logRecords[3].timeUnixNano: "1e400" (expected: an unsigned 64-bit
 * integer)}, and quotes at most 64 bytes of the request.
 *
 * <p>It carries no stack trace: a hostile client can cause one per request, and the path already
 * says where the problem is.
 */
final class OtlpJsonException extends Exception {
  private static final long serialVersionUID = 1L;

  OtlpJsonException(String message) {
    super(message, null, false, false);
  }
}
