package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A minimal client for ClickHouse's HTTP interface (HTTP/1.1, {@link java.net.http.HttpClient}):
 * runs SQL and sends RowBinary inserts with ClickHouse's native LZ4 block compression ({@code
 * decompress=1}). No ClickHouse client library: the JDBC driver fails on 18.16, and this is all
 * loghaul needs.
 *
 * <p>Thread-safe; requests may run concurrently. Credentials go in the {@code X-ClickHouse-User}
 * and {@code X-ClickHouse-Key} headers, never in the URL, and the password is never logged or put
 * in an exception message. Only INSERTs carry settings, those of {@code clickhouse.settings.*}.
 * Failures are thrown as {@link ClickHouseException}, classified for retry or batch splitting.
 *
 * <p>Several endpoints ({@code clickhouse.url=http://a:8123,http://b:8123}, see {@link
 * ClickHouseEndpoints}): a request goes to the endpoint that answered last; one that cannot be
 * reached is marked down and skipped until it is probed again. A query, and an INSERT whose
 * connection could not even be opened, moves on to the next endpoint at once; an INSERT that failed
 * after it was sent (reset, timeout: ClickHouse may have stored it) is thrown to the caller, whose
 * retry then goes to another endpoint. An error reply means the endpoint answered: it is thrown as
 * it is, with no failover.
 */
public final class ClickHouseHttpClient implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final ClickHouseEndpoints endpoints;
  private final String user;
  private final String password;
  private final Duration requestTimeout;
  private final String settingsParams; // "&name=value..." for every INSERT
  private volatile boolean deduplicationTokens;
  private final HttpClient http;
  private final ThreadLocal<byte[]> compressionBuffers = new ThreadLocal<>();

  /**
   * @param url base URL such as {@code http://127.0.0.1:8123} (a trailing slash is ignored), or
   *     several, comma-separated
   * @param user ClickHouse user, e.g. {@code default}
   * @param password the user's password; empty for none
   * @param requestTimeout the longest one request may take, reply included
   */
  public ClickHouseHttpClient(String url, String user, String password, Duration requestTimeout) {
    this(url, user, password, requestTimeout, null, Map.of());
  }

  /**
   * A client with its own TLS context and settings.
   *
   * @param tls for {@code https://} URLs: the CAs to trust and the client certificate to show
   *     ({@code io.loghaul.tls.PemFiles#clientContext}); null for the JVM's defaults
   * @param settings ClickHouse settings sent as URL parameters with every INSERT, by name
   *     (validated identifiers: the loader checks them)
   */
  public ClickHouseHttpClient(
      String url,
      String user,
      String password,
      Duration requestTimeout,
      SSLContext tls,
      Map<String, String> settings) {
    this(
        ClickHouseEndpoints.parse(requireNonNull(url, "url")),
        user,
        password,
        requestTimeout,
        tls,
        settings);
  }

  /**
   * A client of {@code endpoints}, sharing what is known about them with every other client of the
   * same instance (e.g. a short-timeout client for pings next to the insert client).
   */
  public ClickHouseHttpClient(
      ClickHouseEndpoints endpoints, String user, String password, Duration requestTimeout) {
    this(endpoints, user, password, requestTimeout, null, Map.of());
  }

  /** A client of {@code endpoints} with its own TLS context and INSERT settings (see above). */
  public ClickHouseHttpClient(
      ClickHouseEndpoints endpoints,
      String user,
      String password,
      Duration requestTimeout,
      SSLContext tls,
      Map<String, String> settings) {
    requireNonNull(endpoints, "endpoints");
    requireNonNull(user, "user");
    requireNonNull(password, "password");
    requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
    }
    this.endpoints = endpoints;
    this.user = user;
    this.password = password;
    this.requestTimeout = requestTimeout;
    StringBuilder params = new StringBuilder();
    requireNonNull(settings, "settings")
        .forEach(
            (name, value) ->
                params
                    .append('&')
                    .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    this.settingsParams = params.toString();
    HttpClient.Builder builder = HttpClient.newBuilder();
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http =
        builder
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The base URL requests go to first (the endpoint that answered last). */
  /**
   * Whether INSERTs should carry an {@code insert_deduplication_token}: set at startup when the
   * server knows the setting ({@link #hasSetting}); off by default (ClickHouse 18.16 refuses
   * unknown settings).
   */
  public boolean sendsDeduplicationTokens() {
    return deduplicationTokens;
  }

  /** See {@link #sendsDeduplicationTokens()}. */
  public void sendDeduplicationTokens(boolean on) {
    this.deduplicationTokens = on;
  }

  /** Whether the server knows setting {@code name} (a validated identifier). */
  public boolean hasSetting(String name) throws ClickHouseException {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("name: " + name + " (expected: an identifier)");
    }
    return !query("SELECT name FROM system.settings WHERE name = '" + name + "' FORMAT TSV")
        .isBlank();
  }

  public String url() {
    return endpoints.preferredUrl();
  }

  /** The endpoints and what is known about them. */
  public ClickHouseEndpoints endpoints() {
    return endpoints;
  }

  /**
   * Runs one SQL statement (sent as the POST body) and returns the reply body as UTF-8 text.
   *
   * @throws ClickHouseException on an error reply or when the server cannot be reached
   */
  public String query(String sql) throws ClickHouseException {
    return query(sql, Map.of());
  }

  /**
   * {@link #query(String)} with ClickHouse settings for this query only, sent as URL parameters
   * (names must be identifiers).
   */
  public String query(String sql, Map<String, String> settings) throws ClickHouseException {
    requireNonNull(sql, "sql");
    StringBuilder params = new StringBuilder("/");
    for (Map.Entry<String, String> s : new TreeMap<>(settings).entrySet()) {
      if (!s.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("setting: " + s.getKey() + " (expected: an identifier)");
      }
      params
          .append(params.length() == 1 ? '?' : '&')
          .append(s.getKey())
          .append('=')
          .append(URLEncoder.encode(s.getValue(), StandardCharsets.UTF_8));
    }
    String path = params.toString();
    HttpResponse<byte[]> response =
        send(
            url ->
                request(URI.create(url + path))
                    .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                    .build(),
            "query",
            true);
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /**
   * Runs {@code SELECT 1} with setting {@code name=value} as a URL parameter, as INSERTs send it:
   * fails with the server's message when the server does not know the setting or refuses the value.
   */
  public void checkSetting(String name, String value) throws ClickHouseException {
    String params =
        "/?"
            + URLEncoder.encode(name, StandardCharsets.UTF_8)
            + "="
            + URLEncoder.encode(value, StandardCharsets.UTF_8);
    send(
        url ->
            request(URI.create(url + params))
                .POST(HttpRequest.BodyPublishers.ofString("SELECT 1"))
                .build(),
        "setting check",
        true);
  }

  /**
   * Pings every endpoint ({@code GET /ping}), marks each up or down accordingly, and returns
   * whether at least one answered; never throws.
   */
  public boolean ping() {
    boolean any = false;
    for (int i = 0; i < endpoints.size(); i++) {
      if (ping(endpoints.url(i))) {
        endpoints.markUp(i);
        any = true;
      } else {
        endpoints.markDown(i);
      }
    }
    return any;
  }

  /** Whether {@code GET /ping} at {@code url} answers {@code Ok.}; never throws. */
  private boolean ping(String url) {
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
    insert(insertSql, null, body, offset, length);
  }

  /**
   * {@link #insert(String, byte[], int, int)} with an {@code insert_deduplication_token} (when not
   * null) among its settings; see {@link #sendsDeduplicationTokens()}.
   */
  public void insert(
      String insertSql, String deduplicationToken, byte[] body, int offset, int length)
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
    insertCompressed(insertSql, deduplicationToken, compressed, 0, n);
  }

  /**
   * Sends {@code compressed[offset, offset + length)} — RowBinary rows in ClickHouse's native LZ4
   * blocks ({@link NativeCompression}) — as the data of {@code insertSql}, as it is (no copy).
   * Returns once ClickHouse acknowledged the insert; the array must not change until then. {@code
   * deduplicationToken}: the INSERT's {@code insert_deduplication_token} setting, or null for none
   * (see {@link #sendsDeduplicationTokens()}).
   *
   * @throws ClickHouseException as {@link #insert}
   */
  public void insertCompressed(
      String insertSql, String deduplicationToken, byte[] compressed, int offset, int length)
      throws ClickHouseException {
    requireNonNull(insertSql, "insertSql");
    requireNonNull(compressed, "compressed");
    String query =
        "/?decompress=1"
            + settingsParams
            + (deduplicationToken == null
                ? ""
                : "&insert_deduplication_token="
                    + URLEncoder.encode(deduplicationToken, StandardCharsets.UTF_8))
            + "&query="
            + URLEncoder.encode(insertSql, StandardCharsets.UTF_8);
    send(
        url ->
            request(URI.create(url + query))
                .header("Content-Type", "application/octet-stream")
                .POST(new ArrayBodyPublisher(compressed, offset, length))
                .build(),
        "insert",
        false);
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

  /**
   * Sends the request built for each endpoint in {@link ClickHouseEndpoints#order()} until one
   * answers. {@code idempotent}: whether a request that failed after it was sent may be sent to the
   * next endpoint at once (a query) or must go back to the caller (an INSERT).
   */
  private HttpResponse<byte[]> send(
      Function<String, HttpRequest> build, String what, boolean idempotent)
      throws ClickHouseException {
    ClickHouseException failure = null;
    for (int i : endpoints.order()) {
      String url = endpoints.url(i);
      HttpResponse<byte[]> response;
      try {
        response = http.send(build.apply(url), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        endpoints.markDown(i);
        ClickHouseException io = ClickHouseException.io("ClickHouse " + what + " at " + url, e);
        if (failure != null) {
          io.addSuppressed(failure);
        }
        failure = io;
        if (idempotent || notSent(e)) {
          continue;
        }
        throw failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ClickHouseException.io("ClickHouse " + what + " at " + url, e);
      }
      endpoints.markUp(i);
      if (response.statusCode() != 200) {
        throw ClickHouseException.fromResponse(
            "ClickHouse " + what + " at " + url,
            response.statusCode(),
            new String(response.body(), StandardCharsets.UTF_8));
      }
      return response;
    }
    throw requireNonNull(failure, "failure");
  }

  /** Whether the connection could not be opened, so the server saw nothing of the request. */
  static boolean notSent(IOException e) {
    return e instanceof ConnectException
        || e instanceof HttpConnectTimeoutException
        || e.getCause() instanceof ConnectException;
  }

  /** Releases the HTTP client's connections and threads; idempotent. */
  @Override
  public void close() {
    http.close();
  }
}
