package io.loghaul.testing;

import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.embedded.EmbeddedKafka;
import io.loghaul.embedded.ManagedClickHouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real Kafka broker (in-process KRaft) and a real clickhouse-server child process on free ports
 * in a temporary directory, for one integration-test class. Close it in {@code @AfterAll}.
 */
public final class RealServers implements AutoCloseable {
  private final Path dir;
  private final EmbeddedKafka kafka;
  private final ManagedClickHouse clickhouse;
  private final ClickHouseHttpClient client;
  private final KafkaTestClient kafkaClient;

  private RealServers(Path dir, EmbeddedKafka kafka, ManagedClickHouse clickhouse) {
    this.dir = dir;
    this.kafka = kafka;
    this.clickhouse = clickhouse;
    this.client = new ClickHouseHttpClient(clickhouse.url(), "default", "", Duration.ofSeconds(60));
    this.kafkaClient = new KafkaTestClient(kafka.bootstrapServers());
  }

  public static RealServers start() throws Exception {
    Path dir = Files.createTempDirectory("loghaul-it-");
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), FreePorts.freePort());
    ManagedClickHouse ch;
    try {
      ch = ManagedClickHouse.start(dir.resolve("clickhouse"), FreePorts.freePort());
    } catch (Exception e) {
      kafka.close();
      throw e;
    }
    return new RealServers(dir, kafka, ch);
  }

  public Path dir() {
    return dir;
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public String bootstrap() {
    return kafka.bootstrapServers();
  }

  public ManagedClickHouse clickhouse() {
    return clickhouse;
  }

  public ClickHouseHttpClient ch() {
    return client;
  }

  public KafkaTestClient kafkaClient() {
    return kafkaClient;
  }

  /** The answer of a query as trimmed text. */
  public String query(String sql) throws Exception {
    return client.query(sql).trim();
  }

  public long count(String table) throws Exception {
    String r = query("SELECT count() FROM " + table);
    return Long.parseLong(r);
  }

  @Override
  public void close() throws Exception {
    try {
      kafkaClient.close();
      client.close();
    } finally {
      try {
        clickhouse.close();
      } finally {
        kafka.close();
        deleteTree(dir);
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
