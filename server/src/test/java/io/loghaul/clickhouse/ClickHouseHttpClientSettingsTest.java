package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@code clickhouse.settings.*} reach every INSERT as URL parameters; the password never does. */
class ClickHouseHttpClientSettingsTest {
  @Test
  void sendsTheSettingsWithEveryInsertAndThePasswordOnlyAsAHeader() throws Exception {
    List<URI> uris = new CopyOnWriteArrayList<>();
    List<String> keys = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          uris.add(exchange.getRequestURI());
          keys.add(exchange.getRequestHeaders().getFirst("X-ClickHouse-Key"));
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try (ClickHouseHttpClient client =
        new ClickHouseHttpClient(
            "http://127.0.0.1:" + server.getAddress().getPort(),
            "writer",
            "s3cret",
            Duration.ofSeconds(10),
            null,
            Map.of("insert_quorum", "2", "max_insert_block_size", "65536"))) {
      client.insert("INSERT INTO t FORMAT RowBinary", new byte[] {1, 2, 3}, 0, 3);
      client.query("SELECT 1");
    } finally {
      server.stop(0);
    }

    assertThat(uris.get(0).getQuery())
        .contains("insert_quorum=2")
        .contains("max_insert_block_size=65536")
        .contains("query=INSERT+INTO+t+FORMAT+RowBinary");
    assertThat(uris.get(1).getRawQuery()).isNull();
    assertThat(uris).allSatisfy(u -> assertThat(u.toString()).doesNotContain("s3cret"));
    assertThat(keys).containsOnly("s3cret");
  }
}
