package io.loghaul.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.loghaul.testing.ManualClock;
import io.loghaul.testkit.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several ClickHouse endpoints against tiny local HTTP servers that answer like ClickHouse (or
 * refuse connections, or drop a request after reading it): which endpoint a request goes to, and
 * when a down one is tried again.
 */
class ClickHouseFailoverTest {
  private static final String INSERT = "INSERT INTO t FORMAT RowBinary";

  private final ManualClock clock = new ManualClock(0);
  private FakeClickHouse a;
  private FakeClickHouse b;

  @AfterEach
  void stopServers() {
    for (FakeClickHouse f : new FakeClickHouse[] {a, b}) {
      if (f != null) {
        f.stop();
      }
    }
  }

  @Test
  void queriesSkipAnEndpointThatRefusesConnectionsAndStayWithTheOneThatAnswers() throws Exception {
    String dead = "http://127.0.0.1:" + FreePorts.freePort();
    b = FakeClickHouse.start("b");
    ClickHouseEndpoints endpoints = endpoints(dead, b.url());
    try (ClickHouseHttpClient client = client(endpoints)) {
      assertThat(client.query("SELECT 1")).isEqualTo("b");
      assertThat(endpoints.up(0)).isFalse();
      assertThat(endpoints.up(1)).isTrue();
      assertThat(client.url()).isEqualTo(b.url());

      assertThat(client.query("SELECT 1")).isEqualTo("b");
      assertThat(b.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void aDownEndpointIsSkippedUntilItsRetryTimeAndThenProbedAgain() throws Exception {
    int portA = FreePorts.freePort();
    String urlA = "http://127.0.0.1:" + portA;
    b = FakeClickHouse.start("b");
    ClickHouseEndpoints endpoints = endpoints(urlA, b.url());
    try (ClickHouseHttpClient client = client(endpoints)) {
      client.query("SELECT 1");
      assertThat(endpoints.up(0)).isFalse();

      a = FakeClickHouse.start("a", portA);
      clock.advance(Duration.ofSeconds(4));
      assertThat(endpoints.order()).containsExactly(1);
      client.query("SELECT 1");
      assertThat(a.requests.get()).as("skipped before its retry time").isZero();

      clock.advance(Duration.ofSeconds(2));
      assertThat(endpoints.order()).containsExactly(1, 0);
      b.stop();
      assertThat(client.query("SELECT 1")).isEqualTo("a");
      assertThat(endpoints.up(0)).isTrue();
      assertThat(endpoints.up(1)).isFalse();
    }
  }

  @Test
  void anInsertWhoseConnectionWasRefusedGoesToTheNextEndpointAtOnce() throws Exception {
    b = FakeClickHouse.start("b");
    ClickHouseEndpoints endpoints = endpoints("http://127.0.0.1:" + FreePorts.freePort(), b.url());
    try (ClickHouseHttpClient client = client(endpoints)) {
      client.insert(INSERT, new byte[] {1, 2, 3}, 0, 3);
      assertThat(b.inserts.get()).isEqualTo(1);
    }
  }

  @Test
  void anInsertThatFailedAfterItWasSentIsThrownAndTheRetryGoesToTheOtherEndpoint()
      throws Exception {
    a = FakeClickHouse.start("a");
    a.dropRequests = true;
    b = FakeClickHouse.start("b");
    ClickHouseEndpoints endpoints = endpoints(a.url(), b.url());
    try (ClickHouseHttpClient client = client(endpoints)) {
      assertThatThrownBy(() -> client.insert(INSERT, new byte[] {1}, 0, 1))
          .isInstanceOfSatisfying(
              ClickHouseException.class, e -> assertThat(e.retryable()).isTrue());
      assertThat(b.inserts.get())
          .as("not sent twice in one call: ClickHouse may have stored it")
          .isZero();
      assertThat(endpoints.up(0)).isFalse();

      client.insert(INSERT, new byte[] {1}, 0, 1);
      assertThat(b.inserts.get()).isEqualTo(1);
    }
  }

  @Test
  void anErrorReplyIsThrownWithoutFailover() throws Exception {
    a = FakeClickHouse.start("a");
    a.errorReply = true;
    b = FakeClickHouse.start("b");
    ClickHouseEndpoints endpoints = endpoints(a.url(), b.url());
    try (ClickHouseHttpClient client = client(endpoints)) {
      assertThatThrownBy(() -> client.query("SELECT x"))
          .isInstanceOf(ClickHouseException.class)
          .hasMessageContaining("Code: 47");
      assertThat(endpoints.up(0)).as("it answered").isTrue();
      assertThat(b.requests.get()).isZero();
    }
  }

  @Test
  void pingIsTrueWhileAtLeastOneEndpointAnswersAndMarksEach() throws Exception {
    a = FakeClickHouse.start("a");
    b = FakeClickHouse.start("b");
    ClickHouseEndpoints endpoints = endpoints(a.url(), b.url());
    try (ClickHouseHttpClient client = client(endpoints)) {
      assertThat(client.ping()).isTrue();
      assertThat(endpoints.anyUp()).isTrue();

      a.stop();
      assertThat(client.ping()).isTrue();
      assertThat(endpoints.up(0)).isFalse();
      assertThat(endpoints.up(1)).isTrue();
      assertThat(client.query("SELECT 1"))
          .as("the ping moved requests to the answering endpoint")
          .isEqualTo("b");

      b.stop();
      assertThat(client.ping()).isFalse();
      assertThat(endpoints.anyUp()).isFalse();
      assertThatThrownBy(() -> client.query("SELECT 1"))
          .isInstanceOfSatisfying(
              ClickHouseException.class, e -> assertThat(e.retryable()).isTrue());
    }
  }

  @Test
  void parsesACommaSeparatedListAndRefusesAnEmptyOne() {
    assertThat(ClickHouseEndpoints.parse(" http://a:8123/ , https://b:8443").urls())
        .containsExactly("http://a:8123", "https://b:8443");
    assertThatThrownBy(() -> ClickHouseEndpoints.parse(" , "))
        .hasMessageStartingWith("clickhouse.url");
    assertThatThrownBy(() -> ClickHouseEndpoints.parse("a:8123"))
        .hasMessageStartingWith("clickhouse.url");
  }

  private ClickHouseEndpoints endpoints(String... urls) {
    return new ClickHouseEndpoints(List.of(urls), clock, 5_000);
  }

  private static ClickHouseHttpClient client(ClickHouseEndpoints endpoints) {
    return new ClickHouseHttpClient(endpoints, "default", "", Duration.ofSeconds(10));
  }

  /** Answers every query with its name, every INSERT with an empty 200; counts both. */
  private static final class FakeClickHouse {
    final String name;
    final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger inserts = new AtomicInteger();
    volatile boolean dropRequests;
    volatile boolean errorReply;

    private FakeClickHouse(String name, HttpServer server) {
      this.name = name;
      this.server = server;
    }

    static FakeClickHouse start(String name) throws IOException {
      return start(name, 0);
    }

    static FakeClickHouse start(String name, int port) throws IOException {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      FakeClickHouse f = new FakeClickHouse(name, server);
      server.createContext("/", f::handle);
      server.start();
      return f;
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void stop() {
      server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
      exchange.getRequestBody().readAllBytes();
      if (exchange.getRequestURI().getPath().equals("/ping")) {
        reply(exchange, 200, "Ok.\n");
        return;
      }
      requests.incrementAndGet();
      if (dropRequests) {
        exchange.close(); // read, never answered: the client cannot know whether it was stored
        return;
      }
      if (errorReply) {
        reply(exchange, 500, "Code: 47, e.displayText() = DB::Exception: Unknown identifier: x");
        return;
      }
      String query = exchange.getRequestURI().getQuery();
      if (query != null && query.contains("INSERT")) {
        inserts.incrementAndGet();
        reply(exchange, 200, "");
      } else {
        reply(exchange, 200, name);
      }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(UTF_8);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
