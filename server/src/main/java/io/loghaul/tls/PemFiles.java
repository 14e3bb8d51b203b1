package io.loghaul.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads PEM certificates and keys and builds TLS client contexts from them. Messages name the file
 * and what was expected, never a key's content. Stateless.
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private PemFiles() {}

  /** The certificates of {@code file}, in order. */
  public static List<X509Certificate> certificates(Path file)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    for (Certificate c :
        cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      out.add((X509Certificate) c);
    }
    if (out.isEmpty()) {
      throw new CertificateException(file + " holds no PEM certificate");
    }
    return out;
  }

  /** The unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}) of {@code file}: EC, RSA or EdDSA. */
  public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    Matcher m = BLOCK.matcher(Files.readString(file, US_ASCII));
    while (m.find()) {
      if (!m.group(1).equals("PRIVATE KEY")) continue;
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        break;
      }
      for (String algorithm : List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS")) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
          // the next algorithm
        }
      }
    }
    throw new GeneralSecurityException(
        file + " holds no unencrypted PKCS#8 private key (expected: BEGIN PRIVATE KEY)");
  }

  /**
   * A TLS client context trusting the CAs of {@code caFile} (null: the JVM's trust store) and
   * presenting the chain of {@code certFile} with the key of {@code keyFile} (both null: no client
   * certificate).
   */
  public static SSLContext clientContext(Path caFile, Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile == null) {
      tmf.init((KeyStore) null);
    } else {
      KeyStore cas = KeyStore.getInstance("PKCS12");
      cas.load(null, null);
      int i = 0;
      for (X509Certificate ca : certificates(caFile)) {
        cas.setCertificateEntry("ca" + i++, ca);
      }
      tmf.init(cas);
    }
    KeyManagerFactory kmf = null;
    if (certFile != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] none = new char[0];
      ks.setKeyEntry(
          "client",
          privateKey(keyFile),
          none,
          certificates(certFile).toArray(X509Certificate[]::new));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, none);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }
}
