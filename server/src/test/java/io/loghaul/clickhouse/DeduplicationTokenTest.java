package io.loghaul.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DeduplicationTokenTest {
  private static RowOrigins sources(Object... topicPartitionOffset) {
    RowOrigins s = new RowOrigins(16);
    for (int i = 0; i < topicPartitionOffset.length; i += 3) {
      s.add(
          (String) topicPartitionOffset[i],
          (Integer) topicPartitionOffset[i + 1],
          ((Number) topicPartitionOffset[i + 2]).longValue());
    }
    return s;
  }

  @Test
  void namesEachTopicPartitionWithItsFirstAndLastOffsetInOrder() {
    RowOrigins s = sources("logs", 3, 10L, "app", 1, 7L, "logs", 0, 5L, "logs", 3, 12L);

    assertThat(DeduplicationToken.of(s, 0, 4)).isEqualTo("app:1:7-7,logs:0:5-5,logs:3:10-12");
  }

  @Test
  void isTheSameForTheSameRowsAndDiffersForOtherRows() {
    RowOrigins s = sources("logs", 0, 1L, "logs", 0, 2L, "logs", 1, 9L, "logs", 0, 3L);

    assertThat(DeduplicationToken.of(s, 0, 4)).isEqualTo(DeduplicationToken.of(s, 0, 4));
    assertThat(DeduplicationToken.of(s, 0, 2)).isEqualTo("logs:0:1-2");
    assertThat(DeduplicationToken.of(s, 2, 4)).isEqualTo("logs:0:3-3,logs:1:9-9");
    assertThat(DeduplicationToken.of(s, 0, 2)).isNotEqualTo(DeduplicationToken.of(s, 0, 3));
  }

  @Test
  void hashesALongTokenToAFixedLength() {
    Object[] many = new Object[3 * 40];
    for (int p = 0; p < 40; p++) {
      many[3 * p] = "a-rather-long-topic-name";
      many[3 * p + 1] = p;
      many[3 * p + 2] = 1_000_000L + p;
    }
    RowOrigins s = sources(many);

    String token = DeduplicationToken.of(s, 0, 40);
    assertThat(token).startsWith("sha256:").hasSize("sha256:".length() + 64);
    assertThat(DeduplicationToken.of(s, 0, 40)).isEqualTo(token);
    assertThat(DeduplicationToken.of(s, 0, 39)).isNotEqualTo(token);
  }

  @Test
  void refusesAnEmptyRange() {
    assertThatThrownBy(() -> DeduplicationToken.of(sources("t", 0, 1L), 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theClientSendsTheTokenAsASettingOnlyWhenGivenOneAndAsksTheServerWhetherItKnowsIt()
      throws Exception {
    List<String> queries = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
          String query = exchange.getRequestURI().getRawQuery();
          queries.add(query == null ? "" : query);
          byte[] answer =
              body.contains("system.settings") && body.contains("'insert_deduplication_token'")
                  ? "insert_deduplication_token\n".getBytes(UTF_8)
                  : new byte[0];
          exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    server.start();
    try (ClickHouseHttpClient client =
        new ClickHouseHttpClient(
            "http://127.0.0.1:" + server.getAddress().getPort(),
            "default",
            "",
            Duration.ofSeconds(10))) {
      assertThat(client.sendsDeduplicationTokens()).isFalse();
      assertThat(client.hasSetting("insert_deduplication_token")).isTrue();
      assertThat(client.hasSetting("no_such_setting")).isFalse();

      byte[] body = {1, 2, 3};
      client.insert("INSERT INTO t FORMAT RowBinary", "logs:0:1-2,a b:3:4-4", body, 0, 3);
      client.insert("INSERT INTO t FORMAT RowBinary", body, 0, 3);

      assertThat(queries.get(queries.size() - 2))
          .contains("&insert_deduplication_token=logs%3A0%3A1-2%2Ca+b%3A3%3A4-4&");
      assertThat(queries.get(queries.size() - 1)).doesNotContain("insert_deduplication_token");
    } finally {
      server.stop(0);
    }
  }
}
