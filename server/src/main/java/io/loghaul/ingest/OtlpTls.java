package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * TLS of both OTLP listeners (docs/configuration.md#otlp-tls): the server's certificate chain and
 * key, re-read when the files change, optionally the CA whose certificates clients must present,
 * and the oldest TLS version accepted.
 *
 * @param certFile PEM certificate chain, leaf first
 * @param keyFile PEM PKCS#8 private key of the leaf
 * @param clientCaFile PEM CA certificates; null: clients need no certificate
 * @param minVersion {@code TLSv1.2} or {@code TLSv1.3}
 */
public record OtlpTls(Path certFile, Path keyFile, Path clientCaFile, String minVersion) {
  public static final String DEFAULT_MIN_VERSION = "TLSv1.2";

  public OtlpTls {
    requireNonNull(certFile, "certFile");
    requireNonNull(keyFile, "keyFile");
    requireNonNull(minVersion, "minVersion");
    if (!protocolsFrom(minVersion).iterator().hasNext()) {
      throw new IllegalArgumentException(
          "minVersion: " + minVersion + " (expected: TLSv1.2 or TLSv1.3)");
    }
  }

  /** The protocol versions enabled: {@code minVersion} and newer. */
  List<String> protocols() {
    return protocolsFrom(minVersion);
  }

  private static List<String> protocolsFrom(String minVersion) {
    return switch (minVersion) {
      case "TLSv1.2" -> List.of("TLSv1.3", "TLSv1.2");
      case "TLSv1.3" -> List.of("TLSv1.3");
      default -> List.of();
    };
  }
}
