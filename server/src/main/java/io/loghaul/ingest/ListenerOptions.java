package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;

/**
 * Where and how one OTLP listener serves: its address, the request size limit, the limits against
 * hostile clients, TLS and bearer tokens. Both transports take one, so their constructors check the
 * same things once.
 *
 * @param host the address to bind
 * @param port the port to bind; 0 binds any free port
 * @param maxRequestBytes {@code otlp.max-request-bytes}, after decompression
 * @param limits what a client may do before it is refused or disconnected
 * @param tls the server's TLS context ({@link OtlpSslContexts}), or null for plaintext
 * @param tokens the bearer tokens a request must carry, or null for no authentication
 */
public record ListenerOptions(
    String host,
    int port,
    long maxRequestBytes,
    ListenerLimits limits,
    SslContext tls,
    TenantTokens tokens) {

  public ListenerOptions {
    requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException(
          "maxRequestBytes: " + maxRequestBytes + " (expected: > 0)");
    }
    requireNonNull(limits, "limits");
  }

  /** A plaintext listener without authentication. */
  public static ListenerOptions plain(
      String host, int port, long maxRequestBytes, ListenerLimits limits) {
    return new ListenerOptions(host, port, maxRequestBytes, limits, null, null);
  }

  /** These options serving TLS with {@code tls} (null: plaintext). */
  public ListenerOptions withTls(SslContext tls) {
    return new ListenerOptions(host, port, maxRequestBytes, limits, tls, tokens);
  }

  /** These options requiring a bearer token of {@code tokens} (null: no authentication). */
  public ListenerOptions withTokens(TenantTokens tokens) {
    return new ListenerOptions(host, port, maxRequestBytes, limits, tls, tokens);
  }
}
