package io.loghaul.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The admin HTTP endpoint on {@code admin.port}: {@code GET /metrics} (Prometheus text format),
 * {@code GET /healthz} (the process is alive) and {@code GET /readyz} (200 only while the readiness
 * check passes, else 503 with the reason). Served by the JDK's HTTP server on one small thread;
 * scrapes never touch the record path.
 */
public final class AdminServer implements AutoCloseable {
  private final HttpServer server;

  /**
   * @param readiness returns null when ready, else a short reason why not
   */
  public AdminServer(
      String host, int port, PrometheusMeterRegistry registry, Supplier<String> readiness)
      throws IOException {
    this(host, port, registry, readiness, () -> null);
  }

  /**
   * @param readiness returns null when ready, else a short reason why not
   * @param readyNote returns null, or a remark {@code /readyz} adds to "ready" (e.g. no partitions)
   */
  public AdminServer(
      String host,
      int port,
      PrometheusMeterRegistry registry,
      Supplier<String> readiness,
      Supplier<String> readyNote)
      throws IOException {
    requireNonNull(readyNote, "readyNote");
    requireNonNull(registry, "registry");
    requireNonNull(readiness, "readiness");
    server = HttpServer.create(new InetSocketAddress(host, port), 64);
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "loghaul-admin");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/metrics",
        ex -> {
          if (!allowGet(ex)) {
            return;
          }
          respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
    server.createContext(
        "/healthz",
        ex -> {
          if (allowGet(ex)) {
            respond(ex, 200, "text/plain; charset=utf-8", "ok\n");
          }
        });
    server.createContext(
        "/readyz",
        ex -> {
          if (!allowGet(ex)) {
            return;
          }
          String reason = readiness.get();
          if (reason == null) {
            String note = readyNote.get();
            respond(
                ex,
                200,
                "text/plain; charset=utf-8",
                note == null ? "ready\n" : "ready (" + note + ")\n");
          } else {
            respond(ex, 503, "text/plain; charset=utf-8", "not ready: " + reason + "\n");
          }
        });
    server.start();
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static boolean allowGet(HttpExchange ex) throws IOException {
    String m = ex.getRequestMethod();
    if ("GET".equals(m) || "HEAD".equals(m)) {
      return true;
    }
    ex.getResponseHeaders().add("Allow", "GET, HEAD");
    respond(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
    return false;
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
