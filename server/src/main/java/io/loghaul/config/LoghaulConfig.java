package io.loghaul.config;

import static java.util.Objects.requireNonNull;

import io.loghaul.ingest.ListenerLimits;
import io.loghaul.schema.SchemaLimits;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole validated configuration of one loghaul process (SPEC §2). Built once at startup by
 * {@link ConfigLoader}; immutable.
 */
public record LoghaulConfig(
    Path dataDir,
    Kafka kafka,
    ClickHouse clickhouse,
    Batch batch,
    SchemaLimits schema,
    Otlp otlp,
    String adminHost,
    int adminPort,
    Tracing tracing) {

  public LoghaulConfig {
    requireNonNull(dataDir, "dataDir");
    requireNonNull(kafka, "kafka");
    requireNonNull(clickhouse, "clickhouse");
    requireNonNull(batch, "batch");
    requireNonNull(schema, "schema");
    requireNonNull(otlp, "otlp");
    requireNonNull(adminHost, "adminHost");
    requireNonNull(tracing, "tracing");
  }

  /**
   * Kafka settings.
   *
   * @param bootstrap external bootstrap servers, or {@code null} for the embedded broker
   */
  public record Kafka(
      String bootstrap,
      int embeddedPort,
      List<String> topics,
      String ingestTopic,
      String dlqTopic,
      String group,
      boolean createTopics,
      int topicPartitions) {
    public Kafka {
      topics = List.copyOf(topics);
    }

    public boolean embedded() {
      return bootstrap == null;
    }
  }

  /**
   * ClickHouse settings.
   *
   * @param url HTTP base URL such as {@code http://host:8123}, or {@code null} for a managed local
   *     server
   */
  public record ClickHouse(
      String url,
      int managedHttpPort,
      String user,
      String password,
      String database,
      String table,
      boolean createTable) {

    public boolean managed() {
      return url == null;
    }

    @Override
    public String toString() {
      // never print the password
      return "ClickHouse[url=" + url + ", managedHttpPort=" + managedHttpPort + ", user=" + user
          + ", database=" + database + ", table=" + table + ", createTable=" + createTable + "]";
    }
  }

  /**
   * When a batch is flushed: at this many rows, encoded bytes, or age of its oldest row. What
   * memory such batches need is {@code io.loghaul.clickhouse.BatchMemory}'s business.
   */
  public record Batch(int maxRows, long maxBytes, long maxDelayMs) {
    public static final int DEFAULT_MAX_ROWS = 100_000;
    public static final long DEFAULT_MAX_BYTES = 16L << 20;
    public static final long DEFAULT_MAX_DELAY_MS = 1000;
  }

  /**
   * OTLP receivers.
   *
   * @param grpcHost address the gRPC listener binds
   * @param grpcPort 0 disables
   * @param httpHost address the HTTP listener binds
   * @param httpPort 0 disables
   * @param maxRequestBytes after decompression
   * @param maxInflightBytes bytes of accepted records waiting for Kafka acknowledgement; over it
   *     requests are refused as retryable
   * @param limits connection caps and timeouts of both listeners
   */
  public record Otlp(String grpcHost, int grpcPort, String httpHost, int httpPort, long maxRequestBytes,
      long maxInflightBytes, ListenerLimits limits) {
    public Otlp {
      requireNonNull(grpcHost, "grpcHost");
      requireNonNull(httpHost, "httpHost");
      requireNonNull(limits, "limits");
    }
  }

  /**
   * The server's own traces.
   *
   * @param otlpEndpoint OTLP endpoint to export to, or {@code null} for off
   */
  public record Tracing(String otlpEndpoint, double sampleRatio) {}
}
