package io.loghaul.testing;

import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.embedded.ManagedClickHouse;
import io.loghaul.embedded.kafka.EmbeddedKafka;
import io.loghaul.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker (in-process KRaft) and a real clickhouse-server child process on free ports
 * in a temporary directory, shared by one integration-test class. Use it as a JUnit extension —
 * {@code @RegisterExtension static final RealServers servers = new RealServers();} starts them
 * before the class's first test and stops them after its last — or call {@link #start()} and {@link
 * #close()} yourself.
 */
public final class RealServers implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private EmbeddedKafka kafka;
  private ManagedClickHouse clickhouse;
  private ClickHouseHttpClient client;
  private KafkaTestClient kafkaClient;

  /** Not started yet: register it as an extension, or use {@link #start()}. */
  public RealServers() {}

  /** Starts both servers now. */
  public static RealServers start() throws Exception {
    RealServers servers = new RealServers();
    servers.startServers();
    return servers;
  }

  private void startServers() throws Exception {
    dir = Files.createTempDirectory("loghaul-it-");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), FreePorts.freePort());
    try {
      clickhouse = ManagedClickHouse.start(dir.resolve("clickhouse"), FreePorts.freePort());
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    client = new ClickHouseHttpClient(clickhouse.url(), "default", "", Duration.ofSeconds(60));
    kafkaClient = new KafkaTestClient(kafka.bootstrapServers());
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    startServers();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
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
    if (dir == null) {
      return;
    }
    try {
      kafkaClient.close();
      client.close();
    } finally {
      try {
        clickhouse.close();
      } finally {
        kafka.close();
        deleteTree(dir);
        dir = null;
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
