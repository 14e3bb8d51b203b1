package io.loghaul.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens of {@code otlp.auth.tokens-file} (docs/configuration.md#otlp-authentication):
 * one {@code TENANT TOKEN} pair per line, {@code #} starts a comment, blank lines are ignored. A
 * tenant may have several tokens (rotation: add the new one, move clients over, remove the old).
 *
 * <p>The file is re-read when its modification time or size changes, checked at most every {@link
 * #CHECK_INTERVAL_NANOS} by a request: a removed token stops working within a second or two,
 * without a restart. A file that does not parse keeps the previous tokens (logged once). Tokens are
 * kept only as SHA-256 digests and compared in constant time against every entry; they never reach
 * a log line or a message (errors name the line number, not its content).
 *
 * <p>Thread-safe.
 */
public final class TenantTokens {
  private static final Logger LOG = LoggerFactory.getLogger(TenantTokens.class);
  static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Tenant names: they become a metric label and a Kafka header, so kept short and plain. */
  static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  static final String KEY = "otlp.auth.tokens-file";

  /** A problem with the file, naming the key and the line. */
  public static final class TokensFileException extends Exception {
    private static final long serialVersionUID = 1L;

    TokensFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record Entry(String tenant, byte[] digest) {}

  private record Snapshot(List<Entry> entries, Set<String> tenants, FileTime modified, long size) {}

  private final Path file;
  private final LongSupplier nanoClock;
  private volatile Snapshot current;
  private volatile long nextCheckNanos;
  private FileTime failedModified; // guarded by this
  private long failedSize;

  /** Reads {@code file} once; {@code nanoClock} paces the change checks. */
  TenantTokens(Path file, LongSupplier nanoClock) throws TokensFileException {
    this.file = requireNonNull(file, "file");
    this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    this.current = read();
    this.nextCheckNanos = nanoClock.getAsLong() + CHECK_INTERVAL_NANOS;
  }

  /**
   * Reads {@code file}.
   *
   * @throws TokensFileException naming {@value #KEY} and the offending line
   */
  public static TenantTokens load(Path file) throws TokensFileException {
    return new TenantTokens(file, System::nanoTime);
  }

  /**
   * The tenant of {@code authorization} (an {@code Authorization} header value, {@code Bearer
   * TOKEN}), or null when it is missing, malformed or names no token of the file.
   */
  public String tenant(String authorization) {
    maybeReload();
    if (authorization == null) return null;
    String value = authorization.strip();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    byte[] digest = sha256(value.substring(7).strip());
    String found = null;
    // every entry is compared, and each comparison takes the same time: no early exit to time
    for (Entry e : current.entries()) {
      if (MessageDigest.isEqual(digest, e.digest()) && found == null) {
        found = e.tenant();
      }
    }
    return found;
  }

  /** The tenants of the file as last read (a bounded set: they label a metric). */
  public Set<String> tenants() {
    return current.tenants();
  }

  /** Re-reads the file if it changed; returns whether new tokens are in use. */
  boolean reloadIfChanged() {
    Snapshot s = current;
    FileTime modified;
    long size;
    try {
      modified = Files.getLastModifiedTime(file);
      size = Files.size(file);
    } catch (IOException e) {
      return false; // being replaced
    }
    if (modified.equals(s.modified()) && size == s.size()) return false;
    synchronized (this) {
      if (current != s || modified.equals(failedModified) && size == failedSize) return false;
      try {
        current = read();
        failedModified = null;
        LOG.info(
            "OTLP tokens: re-read {} ({} tokens of {} tenants)",
            file,
            current.entries().size(),
            current.tenants().size());
        return true;
      } catch (TokensFileException e) {
        failedModified = modified;
        failedSize = size;
        LOG.warn("OTLP tokens: keeping the previous tokens: {}", e.getMessage());
        return false;
      }
    }
  }

  private void maybeReload() {
    long now = nanoClock.getAsLong();
    if (now - nextCheckNanos >= 0) {
      nextCheckNanos = now + CHECK_INTERVAL_NANOS;
      reloadIfChanged();
    }
  }

  private Snapshot read() throws TokensFileException {
    FileTime modified;
    long size;
    List<String> lines;
    try {
      modified = Files.getLastModifiedTime(file);
      size = Files.size(file);
      lines = Files.readAllLines(file, UTF_8);
    } catch (IOException e) {
      throw new TokensFileException(
          KEY + ": " + file + " (expected: a readable file; " + e.getClass().getSimpleName() + ")",
          e);
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> tenants = new LinkedHashSet<>();
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      if (hash >= 0) line = line.substring(0, hash);
      line = line.strip();
      if (line.isEmpty()) continue;
      String[] parts = line.split("\\s+");
      String where = KEY + ": " + file + " line " + (i + 1);
      if (parts.length != 2) {
        throw new TokensFileException(where + " (expected: TENANT TOKEN, two words)", null);
      }
      if (!TENANT.matcher(parts[0]).matches()) {
        throw new TokensFileException(
            where + " (expected: a tenant name of 1 to 64 characters " + "[A-Za-z0-9._-])", null);
      }
      if (parts[1].length() < 16) {
        throw new TokensFileException(
            where + " (expected: a token of at least 16 characters)", null);
      }
      if (!tokens.add(parts[1])) {
        throw new TokensFileException(
            where + " (expected: a token not already on an earlier line)", null);
      }
      entries.add(new Entry(parts[0], sha256(parts[1])));
      tenants.add(parts[0]);
    }
    if (entries.isEmpty()) {
      throw new TokensFileException(
          KEY + ": " + file + " (expected: at least one TENANT TOKEN line)", null);
    }
    return new Snapshot(List.copyOf(entries), Collections.unmodifiableSet(tenants), modified, size);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
