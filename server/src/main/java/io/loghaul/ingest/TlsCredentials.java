package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import io.loghaul.tls.PemFiles;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP listeners' certificate, key and client CA, read from PEM files and re-read when they
 * change, so certificates rotate without a restart: a {@link #keyManager()} and {@link
 * #trustManager()} that TLS engines ask on every handshake. At most every {@link
 * #CHECK_INTERVAL_NANOS} a handshake looks at the files' modification times and sizes; when they
 * changed, the files are read again and new handshakes use what they hold. A half-written or broken
 * file keeps the previous credentials (logged once per change) until it is whole again.
 *
 * <p>Thread-safe. The key's content never reaches a log line or an exception message.
 */
public final class TlsCredentials {
  private static final Logger LOG = LoggerFactory.getLogger(TlsCredentials.class);

  /** How often a handshake may look at the files. */
  static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** A problem with one of the files at startup, naming its key. */
  public static final class TlsFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String key;

    TlsFileException(String key, String message, Throwable cause) {
      super(message, cause);
      this.key = key;
    }

    /** The configuration key of the file, e.g. {@code otlp.tls.key-file}. */
    public String key() {
      return key;
    }
  }

  /** Credentials of one reading of the files; aliases carry its generation. */
  private record Snapshot(
      long generation,
      X509ExtendedKeyManager keys,
      X509ExtendedTrustManager trust,
      List<Stamp> stamps) {}

  /** What identifies one version of a file. */
  private record Stamp(FileTime modified, long size) {}

  private final OtlpTls tls;
  private final ConcurrentHashMap<Long, Snapshot> recent = new ConcurrentHashMap<>();
  private volatile Snapshot current;
  private volatile long nextCheckNanos;
  private List<Stamp> lastFailed; // guarded by this

  /**
   * Reads the files once.
   *
   * @throws TlsFileException naming the key of a missing or unusable file
   */
  public TlsCredentials(OtlpTls tls) throws TlsFileException {
    this.tls = requireNonNull(tls, "tls");
    install(load(0));
  }

  /** Delegates to the credentials of the newest good reading of the files. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /** Checks client certificates against the newest good reading of the client CA file. */
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  /** Whether client certificates are required. */
  public boolean clientAuth() {
    return tls.clientCaFile() != null;
  }

  public OtlpTls settings() {
    return tls;
  }

  /** Re-reads the files now if they changed; returns whether new credentials are in use. */
  boolean reloadIfChanged() {
    Snapshot s = current;
    List<Stamp> stamps;
    try {
      stamps = stamps();
    } catch (IOException e) {
      return false; // being replaced; the next check sees the new file
    }
    if (stamps.equals(s.stamps())) {
      return false;
    }
    synchronized (this) {
      if (current != s || stamps.equals(lastFailed)) {
        return false;
      }
      try {
        install(load(s.generation() + 1));
        LOG.info(
            "OTLP TLS: re-read {} and {}{}",
            tls.certFile(),
            tls.keyFile(),
            tls.clientCaFile() == null ? "" : " and " + tls.clientCaFile());
        lastFailed = null;
        return true;
      } catch (TlsFileException e) {
        lastFailed = stamps;
        LOG.warn("OTLP TLS: keeping the previous certificate: {}", e.getMessage());
        return false;
      }
    }
  }

  private void maybeReload() {
    long now = System.nanoTime();
    if (now - nextCheckNanos >= 0) {
      nextCheckNanos = now + CHECK_INTERVAL_NANOS;
      reloadIfChanged();
    }
  }

  private void install(Snapshot s) {
    recent.put(s.generation(), s);
    recent.keySet().removeIf(g -> g < s.generation() - 1); // handshakes in progress keep theirs
    current = s;
  }

  private List<Stamp> stamps() throws IOException {
    List<Stamp> stamps = new ArrayList<>();
    for (Path p : files()) {
      stamps.add(new Stamp(Files.getLastModifiedTime(p), Files.size(p)));
    }
    return stamps;
  }

  private List<Path> files() {
    List<Path> files = new ArrayList<>(List.of(tls.certFile(), tls.keyFile()));
    if (tls.clientCaFile() != null) files.add(tls.clientCaFile());
    return files;
  }

  private Snapshot load(long generation) throws TlsFileException {
    List<Stamp> stamps;
    try {
      stamps = stamps();
    } catch (IOException e) {
      throw new TlsFileException(
          "otlp.tls.cert-file", "otlp.tls.cert-file/key-file: cannot read " + e.getMessage(), e);
    }
    List<X509Certificate> chain = certificates("otlp.tls.cert-file", tls.certFile());
    PrivateKey key = privateKey(tls.keyFile());
    if (!Objects.equals(chain.get(0).getPublicKey().getAlgorithm(), key.getAlgorithm())) {
      throw new TlsFileException(
          "otlp.tls.key-file",
          "otlp.tls.key-file: "
              + tls.keyFile()
              + " (expected: the "
              + chain.get(0).getPublicKey().getAlgorithm()
              + " private key of the first certificate in otlp.tls.cert-file)",
          null);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] none = new char[0];
      ks.setKeyEntry("otlp", key, none, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("NewSunX509");
      kmf.init(ks, none);
      X509ExtendedKeyManager keys = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
      X509ExtendedTrustManager trust = null;
      if (tls.clientCaFile() != null) {
        KeyStore cas = KeyStore.getInstance("PKCS12");
        cas.load(null, null);
        int i = 0;
        for (X509Certificate ca : certificates("otlp.tls.client-ca-file", tls.clientCaFile())) {
          cas.setCertificateEntry("ca" + i++, ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(cas);
        trust = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
      }
      return new Snapshot(generation, keys, trust, stamps);
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsFileException(
          "otlp.tls.key-file",
          "otlp.tls.key-file: "
              + tls.keyFile()
              + " (expected: a key usable with otlp.tls.cert-file; "
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }

  private static List<X509Certificate> certificates(String key, Path file) throws TlsFileException {
    try {
      return PemFiles.certificates(file);
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsFileException(
          key,
          key + ": " + file + " (expected: PEM certificates; " + e.getClass().getSimpleName() + ")",
          e);
    }
  }

  private static PrivateKey privateKey(Path file) throws TlsFileException {
    try {
      return PemFiles.privateKey(file);
    } catch (IOException e) {
      throw new TlsFileException(
          "otlp.tls.key-file",
          "otlp.tls.key-file: "
              + file
              + " (expected: a readable file; "
              + e.getClass().getSimpleName()
              + ")",
          e);
    } catch (GeneralSecurityException e) {
      throw new TlsFileException(
          "otlp.tls.key-file",
          "otlp.tls.key-file: "
              + file
              + " (expected: an unencrypted PKCS#8 PEM key, BEGIN PRIVATE KEY)",
          null);
    }
  }

  private final X509ExtendedKeyManager keyManager =
      new X509ExtendedKeyManager() {
        @Override
        public String chooseEngineServerAlias(
            String keyType, Principal[] issuers, SSLEngine engine) {
          maybeReload();
          Snapshot s = current;
          return alias(s, s.keys().chooseEngineServerAlias(keyType, issuers, engine));
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
          maybeReload();
          Snapshot s = current;
          return alias(s, s.keys().chooseServerAlias(keyType, issuers, socket));
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
          Snapshot s = current;
          String[] aliases = s.keys().getServerAliases(keyType, issuers);
          if (aliases == null) return null;
          return Arrays.stream(aliases).map(a -> alias(s, a)).toArray(String[]::new);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
          Snapshot s = snapshot(alias);
          return s == null ? null : s.keys().getCertificateChain(inner(alias));
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
          Snapshot s = snapshot(alias);
          return s == null ? null : s.keys().getPrivateKey(inner(alias));
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
          return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
          return null;
        }
      };

  private static String alias(Snapshot s, String inner) {
    return inner == null ? null : s.generation() + ":" + inner;
  }

  private Snapshot snapshot(String alias) {
    int colon = alias == null ? -1 : alias.indexOf(':');
    if (colon < 0) return null;
    try {
      return recent.get(Long.parseLong(alias.substring(0, colon)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String inner(String alias) {
    return alias.substring(alias.indexOf(':') + 1);
  }

  private final X509ExtendedTrustManager trustManager =
      new X509ExtendedTrustManager() {
        private X509ExtendedTrustManager trust() throws CertificateException {
          X509ExtendedTrustManager t = current.trust();
          if (t == null) throw new CertificateException("no client certificates are accepted");
          return t;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
          trust().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
          trust().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
          trust().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
          throw new CertificateException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
          throw new CertificateException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
          throw new CertificateException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          X509ExtendedTrustManager t = current.trust();
          return t == null ? new X509Certificate[0] : t.getAcceptedIssuers();
        }
      };
}
