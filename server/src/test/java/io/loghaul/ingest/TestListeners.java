package io.loghaul.ingest;

/**
 * OTLP listeners for unit tests: loopback only, default {@link ListenerLimits} unless given, and
 * one shared pool of {@link RequestWorkers} (daemon threads, never closed) so tests need not manage
 * it.
 */
final class TestListeners {
  static final RequestWorkers WORKERS = new RequestWorkers(2);

  private TestListeners() {}

  static OtlpGrpcService grpc(int port, long maxRequestBytes, OtlpLogsIngester ingester) {
    return grpc(port, maxRequestBytes, ListenerLimits.DEFAULTS, ingester);
  }

  static OtlpGrpcService grpc(
      int port, long maxRequestBytes, ListenerLimits limits, OtlpLogsIngester ingester) {
    return new OtlpGrpcService(
        ListenerOptions.plain("127.0.0.1", port, maxRequestBytes, limits), ingester, WORKERS);
  }

  static OtlpHttpServer http(int port, long maxRequestBytes, OtlpLogsIngester ingester) {
    return http(port, maxRequestBytes, ListenerLimits.DEFAULTS, ingester);
  }

  static OtlpHttpServer http(
      int port, long maxRequestBytes, ListenerLimits limits, OtlpLogsIngester ingester) {
    return new OtlpHttpServer(
        ListenerOptions.plain("127.0.0.1", port, maxRequestBytes, limits), ingester, WORKERS);
  }
}
