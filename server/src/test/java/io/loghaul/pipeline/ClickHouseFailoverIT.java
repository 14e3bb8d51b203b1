package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.clickhouse.ClickHouseTable;
import io.loghaul.embedded.ManagedClickHouse;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import io.loghaul.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two real clickhouse-server processes as {@code clickhouse.url=A,B}: A is killed with SIGKILL
 * while records stream in; inserts move to B, /readyz stays ready, {@code clickhouse_endpoint_up}
 * shows A down, and after A's restart every record is stored, none twice on one server. The two
 * servers are independent (no replication), so the batch A stored without its reply reaching
 * loghaul may be on both: at most one batch.
 */
class ClickHouseFailoverIT {
  @RegisterExtension static final RealServers servers = new RealServers();
  private static ManagedClickHouse second;

  @BeforeAll
  static void startSecondServer() {
    second = ManagedClickHouse.start(servers.dir().resolve("clickhouse-b"), FreePorts.freePort());
  }

  @AfterAll
  static void stopSecondServer() {
    if (second != null) {
      second.close();
    }
  }

  @Test
  void insertsMoveToTheEndpointThatAnswersAndNoRecordIsLostOrTwiceOnOneServer() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    ManagedClickHouse first = servers.clickhouse();
    String a = first.url();
    String b = second.url();
    int perPhase = 3_000;
    int batchRows = 300;
    try (ClickHouseHttpClient clientB =
        new ClickHouseHttpClient(b, "default", "", Duration.ofSeconds(60))) {
      // independent servers: the table exists on each (on a cluster, ON CLUSTER DDL does this)
      ClickHouseTable.ensure(clientB, "default", table, true);
      try (LoghaulServer loghaul =
          TestLoghaul.start(
              servers,
              "--clickhouse.url=" + a + "," + b,
              "--kafka.topics=" + topic,
              "--clickhouse.table=" + table,
              "--kafka.group=" + group,
              "--batch.max-rows=" + batchRows)) {
        long now = System.currentTimeMillis();
        send(topic, now, 0, perPhase);
        await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == perPhase);
        assertThat(endpointUp(loghaul, a)).isEqualTo(1);
        assertThat(endpointUp(loghaul, b)).isEqualTo(1);

        // mid-stream: the records are on their way when A dies
        for (int i = perPhase; i < 3 * perPhase; i++) {
          servers
              .kafkaClient()
              .sendAsync(topic, null, LogRecords.realistic(now, i).getBytes(UTF_8));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) > perPhase);
        first.kill();
        servers.kafkaClient().flush();

        await().atMost(Duration.ofSeconds(120)).until(() -> committed(group) == 3L * perPhase);
        assertThat(endpointUp(loghaul, a)).isZero();
        assertThat(endpointUp(loghaul, b)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> readyz(loghaul) == 200);
        assertThat(clientB.query("SELECT count() FROM " + table).trim()).isNotEqualTo("0");

        first.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> endpointUp(loghaul, a) == 1);
      }
      List<String> onA = positions(servers.ch(), table);
      List<String> onB = positions(clientB, table);
      assertThat(new HashSet<>(onA)).as("no record twice on A").hasSameSizeAs(onA);
      assertThat(new HashSet<>(onB)).as("no record twice on B").hasSameSizeAs(onB);
      Set<String> all = new HashSet<>(onA);
      all.addAll(onB);
      assertThat(all).as("every record on one of the servers").hasSize(3 * perPhase);
      // Independent servers: an INSERT that A stored but whose reply the SIGKILL cut is sent again
      // to B (loghaul cannot ask A, it is down). That batch, and only that one, is then on both;
      // replicated tables behind the endpoints deduplicate it instead (docs/clusters.md).
      Set<String> both = new HashSet<>(onA);
      both.retainAll(new HashSet<>(onB));
      System.out.println(
          "ClickHouseFailoverIT: "
              + onA.size()
              + " rows on A, "
              + onB.size()
              + " on B, "
              + both.size()
              + " on both");
      assertThat(both)
          .as("rows on both servers: at most the batch in flight when A died")
          .hasSizeLessThanOrEqualTo(batchRows);
    }
  }

  private static void send(String topic, long now, int from, int to) {
    for (int i = from; i < to; i++) {
      servers.kafkaClient().sendAsync(topic, null, LogRecords.realistic(now, i).getBytes(UTF_8));
    }
    servers.kafkaClient().flush();
  }

  private static long committed(String group) throws Exception {
    return servers.kafkaClient().committed(group).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  private static double endpointUp(LoghaulServer loghaul, String url) {
    return loghaul.registry().get("clickhouse.endpoint.up").tag("endpoint", url).gauge().value();
  }

  private static int readyz(LoghaulServer loghaul) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + loghaul.adminPort() + "/readyz"))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  private static List<String> positions(ClickHouseHttpClient client, String table)
      throws Exception {
    String tsv = client.query("SELECT kafka_partition, kafka_offset FROM " + table + " FORMAT TSV");
    List<String> rows = new ArrayList<>();
    for (String line : tsv.split("\n")) {
      if (!line.isBlank()) {
        rows.add(line);
      }
    }
    return rows;
  }
}
