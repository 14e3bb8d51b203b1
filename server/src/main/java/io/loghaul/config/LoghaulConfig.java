package io.loghaul.config;

import static java.util.Objects.requireNonNull;

import io.loghaul.ingest.ListenerLimits;
import io.loghaul.ingest.OtlpTls;
import io.loghaul.schema.SchemaLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole validated configuration of one loghaul process (docs/configuration.md). Built once at
 * startup by {@link ConfigLoader}; immutable.
 *
 * @param adminPort 1..65535, or {@link #AUTO_PORT}
 * @param portsFile where the bound listener ports are written once bound, or null for nowhere
 * @param embeddedAllowed false: {@code kafka.bootstrap} and {@code clickhouse.url} were required
 *     (checked when loading), nothing embedded is started
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
    Path portsFile,
    Tracing tracing,
    Redaction redaction,
    boolean embeddedAllowed) {

  /**
   * The value of a listener port ({@code admin.port}, {@code otlp.grpc.port}, {@code
   * otlp.http.port}) given as {@code auto}: bind any free port (tests, several instances on one
   * host); the bound ports are logged and written to {@code admin.ports-file}.
   */
  public static final int AUTO_PORT = -1;

  public LoghaulConfig {
    requireNonNull(dataDir, "dataDir");
    requireNonNull(kafka, "kafka");
    requireNonNull(clickhouse, "clickhouse");
    requireNonNull(batch, "batch");
    requireNonNull(schema, "schema");
    requireNonNull(otlp, "otlp");
    requireNonNull(adminHost, "adminHost");
    requireNonNull(tracing, "tracing");
    requireNonNull(redaction, "redaction");
  }

  /** The port to bind for a listener port value: {@link #AUTO_PORT} becomes 0 (any free port). */
  public static int bindPort(int port) {
    return port == AUTO_PORT ? 0 : port;
  }

  /**
   * Kafka settings.
   *
   * @param bootstrap external bootstrap servers, or {@code null} for the embedded broker
   */
  public record Kafka(
      String bootstrap,
      int embeddedPort,
      Integer embeddedControllerPortSetting,
      List<String> topics,
      String ingestTopic,
      String dlqTopic,
      String group,
      boolean createTopics,
      int topicPartitions,
      KafkaSecurity security) {
    public Kafka {
      topics = List.copyOf(topics);
      requireNonNull(security, "security");
    }

    public boolean embedded() {
      return bootstrap == null;
    }

    /**
     * The embedded broker's controller port: {@code kafka.embedded.controller-port}, else client
     * port + 1.
     */
    public int embeddedControllerPort() {
      return controllerPort(embeddedPort, embeddedControllerPortSetting);
    }

    /**
     * {@code setting}, or {@code embeddedPort + 1} when it is null (may exceed 65535: the loader
     * checks).
     */
    public static int controllerPort(int embeddedPort, Integer setting) {
      return setting != null ? setting : embeddedPort + 1;
    }
  }

  /**
   * How every Kafka client authenticates and encrypts (docs/configuration.md#securing-kafka),
   * validated at load time: the combination is consistent and the files are readable PEM.
   *
   * @param protocol {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
   * @param saslMechanism {@code PLAIN}, {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512}, or null
   * @param saslUsername null unless a mechanism is set
   * @param saslPassword null unless a username is set; a secret
   * @param passwordKey the key the password came from ({@code kafka.sasl.password} or {@code
   *     kafka.sasl.password-file}), for error messages
   * @param caFile PEM CA certificates for the brokers' certificates, or null for the JVM's
   * @param certFile PEM client certificate chain (mutual TLS), or null
   * @param keyFile PEM PKCS#8 key of {@code certFile}, or null
   * @param clientProperties {@code kafka.client.<property>} values by property name
   */
  public record KafkaSecurity(
      String protocol,
      String saslMechanism,
      String saslUsername,
      String saslPassword,
      String passwordKey,
      Path caFile,
      Path certFile,
      Path keyFile,
      Map<String, String> clientProperties) {
    public static final String PLAINTEXT = "PLAINTEXT";

    /** No security: what the embedded broker and a default setup use. */
    public static final KafkaSecurity NONE =
        new KafkaSecurity(PLAINTEXT, null, null, null, null, null, null, null, Map.of());

    public KafkaSecurity {
      requireNonNull(protocol, "protocol");
      clientProperties = Collections.unmodifiableMap(new TreeMap<>(clientProperties));
    }

    public boolean sasl() {
      return protocol.startsWith("SASL_");
    }

    public boolean tls() {
      return protocol.endsWith("SSL");
    }

    @Override
    public String toString() {
      // never print the password or a secret client property
      return "KafkaSecurity[protocol="
          + protocol
          + ", saslMechanism="
          + saslMechanism
          + ", saslUsername="
          + saslUsername
          + ", caFile="
          + caFile
          + ", certFile="
          + certFile
          + ", keyFile="
          + keyFile
          + ", clientProperties="
          + clientProperties.keySet()
          + "]";
    }
  }

  /**
   * ClickHouse settings.
   *
   * @param url HTTP base URL such as {@code http://host:8123}, or {@code null} for a managed local
   *     server
   * @param cluster the {@code remote_servers} cluster the table lives on, or {@code null} for one
   *     server
   */
  public record ClickHouse(
      String url,
      int managedHttpPort,
      String user,
      String password,
      String database,
      String table,
      boolean createTable,
      Duration insertTimeoutSetting,
      Path caFile,
      Path certFile,
      Path keyFile,
      Map<String, String> settings,
      String cluster) {
    /**
     * The part of the default INSERT timeout every batch gets: connection, parsing, a merge stall.
     */
    public static final Duration INSERT_TIMEOUT_BASE = Duration.ofSeconds(5);

    /** ... plus this much per MiB of {@code batch.max-bytes}: sending and writing the batch. */
    public static final Duration INSERT_TIMEOUT_PER_MIB = Duration.ofSeconds(1);

    public ClickHouse {
      settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    /** Without TLS files and extra settings. */
    public ClickHouse(
        String url,
        int managedHttpPort,
        String user,
        String password,
        String database,
        String table,
        boolean createTable,
        Duration insertTimeoutSetting) {
      this(
          url,
          managedHttpPort,
          user,
          password,
          database,
          table,
          createTable,
          insertTimeoutSetting,
          null,
          null,
          null,
          Map.of(),
          null);
    }

    /**
     * The default {@code clickhouse.insert-timeout-ms} for batches of up to {@code batchMaxBytes}:
     * 5 s plus 1 s per MiB (rounded up), e.g. 53 s for the default 48 MiB batches. A generous
     * bound, not an expectation: ClickHouse writes a batch of 100,000 rows in about a second on a
     * healthy server.
     */
    public static Duration defaultInsertTimeout(long batchMaxBytes) {
      long mib = (batchMaxBytes + (1 << 20) - 1) >> 20;
      return INSERT_TIMEOUT_BASE.plus(INSERT_TIMEOUT_PER_MIB.multipliedBy(mib));
    }

    public boolean managed() {
      return url == null;
    }

    /**
     * {@code clickhouse.insert-timeout-ms}, or when unset {@link #defaultInsertTimeout} of {@code
     * batchMaxBytes}.
     */
    public Duration insertTimeout(long batchMaxBytes) {
      return insertTimeoutSetting != null
          ? insertTimeoutSetting
          : defaultInsertTimeout(batchMaxBytes);
    }

    @Override
    public String toString() {
      // never print the password
      return "ClickHouse[url="
          + url
          + ", managedHttpPort="
          + managedHttpPort
          + ", user="
          + user
          + ", database="
          + database
          + ", table="
          + table
          + ", createTable="
          + createTable
          + ", insertTimeoutSetting="
          + insertTimeoutSetting
          + ", caFile="
          + caFile
          + ", certFile="
          + certFile
          + ", keyFile="
          + keyFile
          + ", settings="
          + settings
          + "]";
    }
  }

  /**
   * When a batch is flushed: at this many rows, bytes held in memory (its rows, compressed as they
   * are added, and 16 bytes per row naming its Kafka record), or age of its oldest row. What memory
   * such batches need is {@code io.loghaul.clickhouse.BatchMemory}'s business.
   */
  public record Batch(int maxRows, long maxBytes, long maxDelayMs) {
    public static final int DEFAULT_MAX_ROWS = 100_000;
    public static final long DEFAULT_MAX_BYTES = 48L << 20;
    public static final long DEFAULT_MAX_DELAY_MS = 1000;
  }

  /**
   * OTLP receivers.
   *
   * @param grpcHost address the gRPC listener binds
   * @param grpcPort 0 disables; {@link LoghaulConfig#AUTO_PORT} binds any free port
   * @param httpHost address the HTTP listener binds
   * @param httpPort 0 disables; {@link LoghaulConfig#AUTO_PORT} binds any free port
   * @param maxRequestBytes after decompression
   * @param maxInflightBytes bytes of accepted records waiting for Kafka acknowledgement; over it
   *     requests are refused as retryable
   * @param limits connection caps and timeouts of both listeners
   * @param tls TLS of both listeners, or null for plaintext
   * @param tokensFile {@code TENANT TOKEN} lines every request must present one of, or null for no
   *     authentication
   * @param tenantMaxRecordsPerSecond per tenant; 0 for unlimited
   */
  public record Otlp(
      String grpcHost,
      int grpcPort,
      String httpHost,
      int httpPort,
      long maxRequestBytes,
      long maxInflightBytes,
      ListenerLimits limits,
      boolean deadLetterRejected,
      OtlpTls tls,
      Path tokensFile,
      long tenantMaxRecordsPerSecond) {
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

  /**
   * Redaction of sensitive data (docs/redaction.md).
   *
   * @param rulesFile the YAML rules, or {@code null} for no redaction at all
   * @param hashKeyFile the HMAC key of {@code hash} actions, or {@code null}
   * @param deadLetters whether dead letters' raw values are redacted too
   */
  public record Redaction(Path rulesFile, Path hashKeyFile, boolean deadLetters) {}
}
