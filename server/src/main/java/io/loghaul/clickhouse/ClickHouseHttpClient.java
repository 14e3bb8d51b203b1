package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A minimal client for ClickHouse's HTTP interface (HTTP/1.1, {@link java.net.http.HttpClient}):
 * runs SQL and sends RowBinary inserts with ClickHouse's native LZ4 block compression ({@code
 * decompress=1}). No ClickHouse client library: the JDBC driver fails on 18.16, and this is all
 * loghaul needs.
 *
 * <p>Thread-safe; requests may run concurrently. Credentials go in the {@code X-ClickHouse-User}
 * and {@code X-ClickHouse-Key} headers, never in the URL, and the password is never logged or put
 * in an exception message. No request carries settings, so every server from 18.16 on accepts them.
 * Failures are thrown as {@link ClickHouseException}, classified for retry or batch splitting.
 */
public final class ClickHouseHttpClient implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final String url;
  private final String user;
  private final String password;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final ThreadLocal<byte[]> compressionBuffers = new ThreadLocal<>();

  /**
   * @param url base URL such as {@code http://127.0.0.1:8123} (a trailing slash is ignored)
   * @param user ClickHouse user, e.g. {@code default}
   * @param password the user's password; empty for none
   * @param requestTimeout the longest one request may take, reply included
   */
  public ClickHouseHttpClient(String url, String user, String password, Duration requestTimeout) {
    requireNonNull(url, "url");
    requireNonNull(user, "user");
    requireNonNull(password, "password");
    requireNonNull(requestTimeout, "requestTimeout");
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException(
          "clickhouse.url: " + url + " (expected: http://host:port or https://host:port)");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
    }
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    URI.create(
        this.url); // fail here, with the URL in the message, rather than on the first request
    this.user = user;
    this.password = password;
    this.requestTimeout = requestTimeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The base URL requests go to. */
  public String url() {
    return url;
  }

  /**
   * Runs one SQL statement (sent as the POST body) and returns the reply body as UTF-8 text.
   *
   * @throws ClickHouseException on an error reply or when the server cannot be reached
   */
  public String query(String sql) throws ClickHouseException {
    requireNonNull(sql, "sql");
    HttpRequest request =
        request(URI.create(url + "/"))
            .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
            .build();
    HttpResponse<byte[]> response = send(request, "query");
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /** Whether {@code GET /ping} answers {@code Ok.}; never throws. */
  public boolean ping() {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "/ping")).timeout(requestTimeout).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().startsWith("Ok.");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Sends {@code body[offset, offset + length)} — RowBinary rows — as the data of {@code insertSql}
   * (an {@code INSERT INTO ... FORMAT RowBinary} statement), compressed in native LZ4 blocks of at
   * most 1 MiB. Returns once ClickHouse acknowledged the insert.
   *
   * @throws ClickHouseException on an error reply ({@link ClickHouseException#badData()} when the
   *     rows were refused) or when the server cannot be reached (retryable)
   */
  public void insert(String insertSql, byte[] body, int offset, int length)
      throws ClickHouseException {
    requireNonNull(insertSql, "insertSql");
    requireNonNull(body, "body");
    if (offset < 0 || length < 0 || offset > body.length - length) {
      throw new IndexOutOfBoundsException(
          "offset: "
              + offset
              + ", length: "
              + length
              + " (expected: within "
              + body.length
              + " bytes)");
    }
    byte[] compressed = compressionBuffer(NativeCompression.maxCompressedLength(length));
    int n = NativeCompression.compress(body, offset, length, compressed);
    URI uri =
        URI.create(
            url + "/?decompress=1&query=" + URLEncoder.encode(insertSql, StandardCharsets.UTF_8));
    HttpRequest request =
        request(uri)
            .header("Content-Type", "application/octet-stream")
            .POST(new ArrayBodyPublisher(compressed, 0, n))
            .build();
    send(request, "insert");
  }

  /**
   * The calling thread's compression buffer, grown to {@code size}. Batches are megabytes: a new
   * array per INSERT is a humongous allocation the GC has to deal with every time. The request is
   * sent synchronously, so the buffer is free again when {@link #insert} returns.
   */
  private byte[] compressionBuffer(int size) {
    byte[] b = compressionBuffers.get();
    if (b == null || b.length < size) {
      b = new byte[size];
      compressionBuffers.set(b);
    }
    return b;
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).timeout(requestTimeout).header("X-ClickHouse-User", user);
    if (!password.isEmpty()) {
      b.header("X-ClickHouse-Key", password);
    }
    return b;
  }

  private HttpResponse<byte[]> send(HttpRequest request, String what) throws ClickHouseException {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw ClickHouseException.io("ClickHouse " + what + " at " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ClickHouseException.io("ClickHouse " + what + " at " + url, e);
    }
    if (response.statusCode() != 200) {
      throw ClickHouseException.fromResponse(
          "ClickHouse " + what + " at " + url,
          response.statusCode(),
          new String(response.body(), StandardCharsets.UTF_8));
    }
    return response;
  }

  /** Releases the HTTP client's connections and threads; idempotent. */
  @Override
  public void close() {
    http.close();
  }
}
