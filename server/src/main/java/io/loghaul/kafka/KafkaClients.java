package io.loghaul.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.loghaul.config.ConfigException;
import io.loghaul.config.LoghaulConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * The settings of every Kafka client loghaul makes, each built on one {@link #base} (where to
 * connect; security settings and pass-through client properties belong there, once for all
 * clients). Raw keys and values everywhere: loghaul never interprets a key and decodes values
 * itself. The pipeline's consumer hands them out as {@link java.nio.ByteBuffer} views of the
 * fetched bytes (no copy per record; see {@link #pipelineConsumer}), every other client as byte
 * arrays.
 *
 * <p>Each method returns a new mutable map, for {@code new KafkaConsumer<>(map)} and the like.
 * Immutable and thread-safe.
 */
public final class KafkaClients {
  /** How long the OTLP producer's {@code send} may block waiting for metadata. */
  public static final long OTLP_MAX_BLOCK_MS = 500;

  /**
   * Room for headers and batch framing above {@code schema.max-record-bytes} per produce request.
   */
  static final int OTLP_REQUEST_OVERHEAD_BYTES = 64 * 1024;

  private final String bootstrapServers;
  private final LoghaulConfig.KafkaSecurity security;

  /** The typed security keys as client properties: the same for every client. */
  private final Map<String, Object> securityProperties;

  /** Plaintext clients of {@code bootstrapServers}, e.g. the embedded broker. */
  public KafkaClients(String bootstrapServers) {
    this(bootstrapServers, LoghaulConfig.KafkaSecurity.NONE);
  }

  /**
   * @param bootstrapServers {@code host:port[,host:port...]}: the external or embedded broker
   * @param security how every client authenticates and encrypts, and the pass-through properties
   * @throws UncheckedIOException if a certificate or key file cannot be read
   */
  public KafkaClients(String bootstrapServers, LoghaulConfig.KafkaSecurity security) {
    this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers");
    this.security = requireNonNull(security, "security");
    this.securityProperties = securityProperties(security);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * What every client shares: where Kafka is, which client this is in the broker's logs, and how it
   * authenticates and encrypts.
   */
  private Map<String, Object> base(String clientId) {
    Map<String, Object> c = new HashMap<>();
    c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    c.putAll(securityProperties);
    return c;
  }

  /**
   * {@code c} with the {@code kafka.client.*} properties this kind of client knows ({@code known}),
   * and those no kind knows (such as a callback handler's own settings), on top: they may retune
   * what loghaul chose. The loader has already refused those loghaul depends on.
   */
  private Map<String, Object> withClientProperties(Map<String, Object> c, Set<String> known) {
    security
        .clientProperties()
        .forEach(
            (name, value) -> {
              if (known.contains(name) || !KNOWN_TO_ANY.contains(name)) {
                c.put(name, value);
              }
            });
    return c;
  }

  private static final Set<String> KNOWN_TO_ANY =
      union(
          ConsumerConfig.configNames(),
          ProducerConfig.configNames(),
          AdminClientConfig.configNames());

  private static Set<String> union(Set<String> a, Set<String> b, Set<String> c) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    all.addAll(c);
    return Set.copyOf(all);
  }

  /** The client properties of the typed security keys. */
  private static Map<String, Object> securityProperties(LoghaulConfig.KafkaSecurity s) {
    Map<String, Object> c = new HashMap<>();
    c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, s.protocol());
    if (s.saslMechanism() != null) {
      c.put(SaslConfigs.SASL_MECHANISM, s.saslMechanism());
    }
    if (s.saslUsername() != null) {
      String module =
          s.saslMechanism().equals("PLAIN")
              ? "org.apache.kafka.common.security.plain.PlainLoginModule"
              : "org.apache.kafka.common.security.scram.ScramLoginModule";
      c.put(
          SaslConfigs.SASL_JAAS_CONFIG,
          new Password(
              module
                  + " required username=\""
                  + jaasEscape(s.saslUsername())
                  + "\" password=\""
                  + jaasEscape(s.saslPassword())
                  + "\";"));
    }
    if (s.caFile() != null) {
      c.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
      c.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, s.caFile().toAbsolutePath().toString());
    }
    if (s.certFile() != null) {
      c.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
      c.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, read(s.certFile()));
      c.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, new Password(read(s.keyFile())));
    }
    return Map.copyOf(c);
  }

  /** A JAAS quoted string's content: its tokenizer takes backslash escapes. */
  private static String jaasEscape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * The pipeline's consumer in {@code group}: manual commits, from the earliest offset, committed
   * records only, cooperative rebalancing; keys and values as {@link java.nio.ByteBuffer} views.
   *
   * <p>How long a view is valid (kafka-clients 4.1.1; re-check on upgrades). {@link
   * ByteBufferDeserializer#deserialize(String, org.apache.kafka.common.header.Headers,
   * java.nio.ByteBuffer)} returns the buffer {@code CompletedFetch.parseRecord} passes it: {@code
   * Record.key()}/{@code value()}, a {@code slice()} made by {@code
   * DefaultRecord.readFrom(ByteBuffer, ...)}, so a heap buffer with a non-zero {@code
   * arrayOffset()}. What it slices: for a compressed batch, {@code
   * DefaultRecord.readFrom(InputStream, ...)} first copies each record out of the decompression
   * stream into its own {@code ByteBuffer.allocate(sizeInBytes)} (the stream's reused {@code
   * BufferSupplier} buffers are never handed out); for an uncompressed batch, the fetch response's
   * receive buffer, which the consumer's {@code Selector} allocates from {@code MemoryPool.NONE} (a
   * plain {@code ByteBuffer.allocate}, never returned to a pool). Neither is reused by Kafka after
   * a later {@code poll}: a view stays valid as long as it is referenced, and referencing it keeps
   * its whole backing array alive (for an uncompressed fetch, the whole response). So the pipeline
   * parses a view in place while it handles the record and keeps no view beyond that: a batch keeps
   * only the record's position, dead letters copy the bytes out ({@code RecordCopies}), and only
   * the poll backlog holds the records themselves until they are handled, as it held their byte
   * arrays before. Should a later client recycle these buffers (a pooled {@code MemoryPool}, a
   * reused decompression target), that last point must be revisited: the backlog outlives a poll
   * under back-pressure.
   *
   * @param batchMaxDelayMs {@code batch.max-delay-ms}, which bounds how long a fetch may wait
   */
  public Map<String, Object> pipelineConsumer(String group, long batchMaxDelayMs) {
    Map<String, Object> c = base("loghaul-pipeline");
    c.put(ConsumerConfig.GROUP_ID_CONFIG, requireNonNull(group, "group"));
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
    // Rows wait up to batch.max-delay-ms for their INSERT anyway, so let the broker gather a
    // worthwhile fetch instead of answering every poll with a handful of records: at a trickle
    // of records, fetch.min.bytes=1 costs a fetch round trip (broker and consumer CPU) per poll.
    c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 1024);
    c.put(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        (int) Math.max(10, Math.min(250, batchMaxDelayMs / 4)));
    c.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    return withClientProperties(c, ConsumerConfig.configNames());
  }

  /**
   * The pipeline's second consumer, which reads back the record of a row ClickHouse refused (a
   * batch keeps only its rows' positions): no group and no commits (it is assigned one partition at
   * a time and seeks), committed records only, as the pipeline's consumer reads them, and {@code
   * auto.offset.reset=none}, so a record retention deleted is reported, not replaced by another;
   * keys and values as byte arrays of their own.
   */
  public Map<String, Object> sourceReaderConsumer() {
    return withClientProperties(
        reader("loghaul-source-reader", "none", 1_000), ConsumerConfig.configNames());
  }

  /**
   * A consumer of byte-array keys and values that commits nothing by itself, reads committed
   * records only and creates no topic by asking for it.
   */
  private Map<String, Object> reader(String clientId, String offsetReset, int maxPollRecords) {
    Map<String, Object> c = base(clientId);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    return c;
  }

  /**
   * The OTLP publisher's producer (docs/otlp.md): acks=all, idempotent, lz4, sends that block at
   * most {@value #OTLP_MAX_BLOCK_MS} ms for metadata.
   *
   * @param maxInflightBytes {@code otlp.max-inflight-bytes}: the buffer is kept larger, so the
   *     publisher's in-flight budget, not buffer exhaustion, is what pushes back
   * @param maxRecordBytes {@code schema.max-record-bytes}, the largest value it will send
   */
  public Map<String, Object> otlpProducer(long maxInflightBytes, int maxRecordBytes) {
    Map<String, Object> c = base("loghaul-otlp-ingest");
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, OTLP_MAX_BLOCK_MS);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // fewer, fuller produce requests: at thousands of small OTLP requests a second the default 16
    // KiB
    // batches fill after ~13 records and each one costs a broker round trip
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes + OTLP_REQUEST_OVERHEAD_BYTES);
    c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, maxInflightBytes + (8L << 20)));
    return withClientProperties(c, ProducerConfig.configNames());
  }

  /**
   * The dead-letter producer: acks=all, idempotent, uncompressed so the DLQ topic's {@code
   * max.message.bytes} is judged on the record as it came.
   *
   * @param maxRequestBytes the largest dead letter (see {@code TopicProvisioner})
   */
  public Map<String, Object> dlqProducer(int maxRequestBytes) {
    Map<String, Object> c = base("loghaul-dlq");
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return withClientProperties(c, ProducerConfig.configNames());
  }

  /**
   * The DLQ tools' reader ({@code ./loghaul dlq}): assigned partitions, never a group member, no
   * commits of its own, committed records only, and no topic created by asking for it.
   *
   * @param group the group whose committed offsets it reads (the replay's), or null for none
   */
  public Map<String, Object> dlqToolConsumer(String group) {
    Map<String, Object> c = reader("loghaul-dlq-tool", "earliest", 500);
    if (group != null) {
      c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return c;
  }

  /**
   * The DLQ replay's producer: transactional, so a chunk of replayed letters and the replay group's
   * new position are committed together (docs/dead-letters.md#progress-and-crashes); acks=all, lz4.
   *
   * @param transactionalId stable per replay group, so a second replay fences the first
   * @param maxRequestBytes the largest replayed record with its headers
   */
  public Map<String, Object> dlqReplayProducer(String transactionalId, int maxRequestBytes) {
    Map<String, Object> c = base("loghaul-dlq-replay");
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, requireNonNull(transactionalId, "transactionalId"));
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    return c;
  }

  /** The admin client that creates topics at startup. */
  public Map<String, Object> admin() {
    return withClientProperties(base("loghaul-admin"), AdminClientConfig.configNames());
  }

  /**
   * The health probe's admin client: every call bounded by {@code timeoutMillis}, and quick to
   * reconnect once the broker is back so readiness returns soon after.
   */
  public Map<String, Object> probeAdmin(long timeoutMillis) {
    Map<String, Object> c = base("loghaul-probe");
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
    c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    return withClientProperties(c, AdminClientConfig.configNames());
  }

  /**
   * Connects an admin client with these settings and asks for the cluster's brokers, so a wrong
   * password, an untrusted certificate or a protocol that does not match the listener stops startup
   * with the key to fix instead of surfacing later as client warnings or a hang.
   *
   * @param timeout how long the brokers get to answer
   * @throws ConfigException naming the key to fix
   */
  public void checkConnection(Duration timeout) throws ConfigException, InterruptedException {
    Map<String, Object> c = admin();
    c.put(CommonClientConfigs.CLIENT_ID_CONFIG, "loghaul-connection-check");
    c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    Admin admin;
    try {
      admin = Admin.create(c);
    } catch (KafkaException e) {
      throw settingsRefused(e);
    }
    try (admin) {
      int ms = (int) timeout.toMillis();
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(ms))
          .nodes()
          .get(ms + 5_000L, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw connectionRefused(e.getCause(), timeout);
    } catch (TimeoutException e) {
      throw connectionRefused(e, timeout);
    }
  }

  /** Client settings Kafka itself refused (an unreadable PEM file, an unknown property value). */
  private ConfigException settingsRefused(KafkaException e) {
    String message = rootMessage(e);
    String key = "kafka.security.protocol";
    if (message.contains("truststore")) {
      key = "kafka.tls.ca-file";
    } else if (message.contains("keystore") || message.contains("private key")) {
      key = "kafka.tls.cert-file";
    } else if (message.toLowerCase(Locale.ROOT).contains("jaas") || message.contains("sasl")) {
      key =
          security.saslUsername() != null ? "kafka.sasl.username" : "kafka.client.sasl.jaas.config";
    }
    return new ConfigException(
        key, key + ": the Kafka client refused the security settings (" + message + ")");
  }

  /** What a failed first contact with the brokers means, as the key to fix. */
  private ConfigException connectionRefused(Throwable cause, Duration timeout) {
    String protocol = security.protocol();
    if (cause instanceof SaslAuthenticationException) {
      String key =
          security.passwordKey() != null ? security.passwordKey() : "kafka.client.sasl.jaas.config";
      return new ConfigException(
          key,
          key
              + ": the brokers at "
              + bootstrapServers
              + " refused SASL "
              + mechanism()
              + " authentication"
              + (security.saslUsername() != null ? " as '" + security.saslUsername() + "'" : "")
              + " (expected: the right password for kafka.sasl.username; broker said: "
              + rootMessage(cause)
              + ")");
    }
    if (cause instanceof SslAuthenticationException) {
      String message = rootMessage(cause);
      String lower = message.toLowerCase(Locale.ROOT);
      if (lower.contains("pkix")
          || lower.contains("certification path")
          || lower.contains("trust")) {
        return new ConfigException(
            "kafka.tls.ca-file",
            "kafka.tls.ca-file: "
                + (security.caFile() == null ? "unset" : security.caFile().toString())
                + " (expected: the CA that signed the certificate of the brokers at "
                + bootstrapServers
                + "; TLS said: "
                + message
                + ")");
      }
      if (lower.contains("subject alternative") || lower.contains("no name matching")) {
        return new ConfigException(
            "kafka.bootstrap",
            "kafka.bootstrap: "
                + bootstrapServers
                + " (expected: host names the brokers' certificates name; TLS said: "
                + message
                + ")");
      }
      if (lower.contains("bad_certificate")
          || lower.contains("certificate_required")
          || lower.contains("unknown_ca")
          || lower.contains("certificate_unknown")) {
        return new ConfigException(
            "kafka.tls.cert-file",
            "kafka.tls.cert-file: "
                + (security.certFile() == null ? "unset" : security.certFile().toString())
                + " (expected: a client certificate the brokers at "
                + bootstrapServers
                + " accept; TLS said: "
                + message
                + ")");
      }
      return new ConfigException(
          "kafka.security.protocol",
          "kafka.security.protocol: "
              + protocol
              + " (expected: the protocol of the listener at "
              + bootstrapServers
              + "; the TLS handshake failed: "
              + message
              + ")");
    }
    if (cause instanceof AuthenticationException) {
      return new ConfigException(
          "kafka.security.protocol",
          "kafka.security.protocol: "
              + protocol
              + " (expected: the protocol of the listener at "
              + bootstrapServers
              + "; authentication failed: "
              + rootMessage(cause)
              + ")");
    }
    String key =
        protocol.equals(LoghaulConfig.KafkaSecurity.PLAINTEXT)
            ? "kafka.bootstrap"
            : "kafka.security.protocol";
    return new ConfigException(
        key,
        key
            + ": "
            + (key.equals("kafka.bootstrap") ? bootstrapServers : protocol)
            + " (expected: brokers at "
            + bootstrapServers
            + " that answer over "
            + protocol
            + "; none did within "
            + timeout.toSeconds()
            + " s: check kafka.bootstrap, "
            + "and that kafka.security.protocol matches the listener; "
            + cause.getClass().getSimpleName()
            + ")");
  }

  private String mechanism() {
    return security.saslMechanism() != null
        ? security.saslMechanism()
        : String.valueOf(security.clientProperties().get("sasl.mechanism"));
  }

  /** The innermost message of {@code t}'s causes: Kafka wraps the handshake's own reason. */
  private static String rootMessage(Throwable t) {
    String message = t.getMessage();
    for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
      if (c.getMessage() != null) message = c.getMessage();
      if (c.getCause() == c) break;
    }
    return message == null ? t.getClass().getSimpleName() : message;
  }
}
