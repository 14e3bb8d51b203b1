package io.loghaul.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.testkit.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * TLS and a bearer token for {@code bench otlp} (docs/otlp.md#tenants, docs/configuration.md): the
 * settings the loghaul under test is started with, and what the load generator trusts and sends.
 * For a loghaul the bench starts, the files are generated: a throwaway CA with a server certificate
 * for {@code 127.0.0.1} (testkit's TestPki), and a tokens file with one tenant and a random token.
 * Against {@code --target} they come from {@code --ca-file} and {@code --token-file}. The token
 * never reaches a summary or the console.
 *
 * @param caFile the CA the generator trusts; null for plaintext
 * @param certFile the server certificate chain; null against a target or for plaintext
 * @param keyFile the server key; null against a target or for plaintext
 * @param tokensFile the server's {@code otlp.auth.tokens-file}; null against a target or without a
 *     token
 * @param token the bearer token the generator sends; null for none
 */
record OtlpSecurity(Path caFile, Path certFile, Path keyFile, Path tokensFile, String token) {
  static final OtlpSecurity PLAINTEXT = new OtlpSecurity(null, null, null, null, null);

  /** The one tenant of a generated tokens file. */
  static final String TENANT = "bench";

  boolean tls() {
    return caFile != null;
  }

  boolean hasToken() {
    return token != null;
  }

  /** "plaintext", "tls", "token" or "tls+token". */
  String label() {
    if (tls()) {
      return hasToken() ? "tls+token" : "tls";
    }
    return hasToken() ? "token" : "plaintext";
  }

  /** The {@code --key=value} settings of a loghaul started with these files. */
  List<String> serverFlags() {
    List<String> flags = new ArrayList<>();
    if (certFile != null) {
      flags.add("--otlp.tls.cert-file=" + certFile);
      flags.add("--otlp.tls.key-file=" + keyFile);
    }
    if (tokensFile != null) {
      flags.add("--otlp.auth.tokens-file=" + tokensFile);
    }
    return flags;
  }

  /**
   * Writes what a started loghaul needs into {@code dir}: {@code ca.pem}, {@code server.crt},
   * {@code server.key} when {@code tls}, {@code tokens} (one line {@code bench TOKEN}) when {@code
   * token}.
   */
  static OtlpSecurity generate(Path dir, boolean tls, boolean token) throws Exception {
    if (!tls && !token) {
      return PLAINTEXT;
    }
    Files.createDirectories(dir);
    Path ca = null;
    Path cert = null;
    Path key = null;
    if (tls) {
      TestPki pki = TestPki.newCa("loghaul bench CA");
      ca = pki.writeCa(dir.resolve("ca.pem"));
      TestPki.Files2 server = pki.issueServer("loghaul bench").write(dir, "server");
      cert = server.cert();
      key = server.key();
    }
    Path tokens = null;
    String secret = null;
    if (token) {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      tokens =
          Files.writeString(
              dir.resolve("tokens"), "# bench otlp\n" + TENANT + " " + secret + "\n", UTF_8);
    }
    return new OtlpSecurity(ca, cert, key, tokens, secret);
  }

  /**
   * Against a running loghaul: trust {@code caFile} (null: plaintext) and send the token held in
   * the first line of {@code tokenFile} (null: none).
   */
  static OtlpSecurity forTarget(Path caFile, Path tokenFile) throws IOException {
    String secret = null;
    if (tokenFile != null) {
      secret = Files.readString(tokenFile, UTF_8).lines().findFirst().orElse("").strip();
      if (secret.isEmpty()) {
        throw new IllegalArgumentException(
            "otlp: --token-file: " + tokenFile + " (expected: the token on its first line)");
      }
    }
    return new OtlpSecurity(caFile, null, null, null, secret);
  }

  @Override
  public String toString() {
    return "OtlpSecurity[" + label() + (caFile == null ? "" : ", ca " + caFile) + "]";
  }
}
