package io.loghaul.ingest;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * Netty TLS contexts of the OTLP listeners over one {@link TlsCredentials}: the JDK's TLS engine
 * (it asks the credentials' key manager on every handshake, which is what makes rotation work), the
 * configured protocol versions, and client certificates required when a client CA is set.
 */
public final class OtlpSslContexts {
  private OtlpSslContexts() {}

  /** For the gRPC listener: HTTP/2 negotiated through ALPN. */
  public static SslContext grpc(TlsCredentials credentials) throws SSLException {
    return GrpcSslContexts.configure(builder(credentials), SslProvider.JDK).build();
  }

  /** For the HTTP listener (HTTP/1.1). */
  public static SslContext http(TlsCredentials credentials) throws SSLException {
    return builder(credentials).sslProvider(SslProvider.JDK).build();
  }

  private static SslContextBuilder builder(TlsCredentials credentials) {
    SslContextBuilder b =
        SslContextBuilder.forServer(credentials.keyManager())
            .protocols(credentials.settings().protocols());
    if (credentials.clientAuth()) {
      b.trustManager(credentials.trustManager()).clientAuth(ClientAuth.REQUIRE);
    }
    return b;
  }
}
