package io.loghaul.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for TLS tests: issues server certificates for {@code
 * localhost}/{@code 127.0.0.1} and client certificates, and writes them as PEM files (certificate
 * chains, unencrypted PKCS#8 keys) the way operators get them from cert-manager or a vault. Nothing
 * is kept beyond the test's temporary directory.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final String name;
  private final KeyPair keys;
  private final X509Certificate certificate;

  private TestPki(String name, KeyPair keys, X509Certificate certificate) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A new self-signed CA named {@code name}. */
  public static TestPki newCa(String name) throws Exception {
    KeyPair keys = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder b = builder(subject, subject, keys);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    return new TestPki(name, keys, sign(b, keys.getPrivate()));
  }

  /** The CA certificate as PEM. */
  public String caPem() throws IOException {
    return pem(certificate);
  }

  /** Writes the CA certificate to {@code file}; returns it. */
  public Path writeCa(Path file) throws IOException {
    Files.writeString(file, caPem(), UTF_8);
    return file;
  }

  /** A certificate and key this CA issued. */
  public record Issued(
      X509Certificate certificate, PrivateKey key, String chainPem, String keyPem) {
    /** Writes {@code <prefix>.crt} (chain) and {@code <prefix>.key} (PKCS#8) into {@code dir}. */
    public Files2 write(Path dir, String prefix) throws IOException {
      Path cert = dir.resolve(prefix + ".crt");
      Path key = dir.resolve(prefix + ".key");
      Files.writeString(cert, chainPem, UTF_8);
      Files.writeString(key, keyPem, UTF_8);
      return new Files2(cert, key);
    }
  }

  /** The two files of an {@link Issued} certificate. */
  public record Files2(Path cert, Path key) {}

  /** A server certificate for {@code localhost} and {@code 127.0.0.1}. */
  public Issued issueServer(String commonName) throws Exception {
    return issue(commonName, true);
  }

  /** A client certificate. */
  public Issued issueClient(String commonName) throws Exception {
    return issue(commonName, false);
  }

  private Issued issue(String commonName, boolean server) throws Exception {
    KeyPair leaf = keyPair();
    X509v3CertificateBuilder b =
        builder(new X500Name("CN=" + name), new X500Name("CN=" + commonName), leaf);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    if (server) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(
                    GeneralName.iPAddress, InetAddress.getByName("127.0.0.1").getHostAddress())
              }));
    }
    X509Certificate cert = sign(b, keys.getPrivate());
    String chain = pem(cert) + pem(certificate);
    StringWriter key = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(key)) {
      w.writeObject(new JcaPKCS8Generator(leaf.getPrivate(), null));
    }
    return new Issued(cert, leaf.getPrivate(), chain, key.toString());
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(2))),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }
}
