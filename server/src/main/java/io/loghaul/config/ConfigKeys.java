package io.loghaul.config;

import static io.loghaul.config.Parsers.ANY;
import static io.loghaul.config.Parsers.BOOLEAN;
import static io.loghaul.config.Parsers.BOOTSTRAP;
import static io.loghaul.config.Parsers.HOST;
import static io.loghaul.config.Parsers.IDENTIFIER;
import static io.loghaul.config.Parsers.LISTEN_PORT;
import static io.loghaul.config.Parsers.LISTEN_PORT_OR_ZERO;
import static io.loghaul.config.Parsers.NON_EMPTY;
import static io.loghaul.config.Parsers.NON_NEGATIVE_MILLIS;
import static io.loghaul.config.Parsers.PATH;
import static io.loghaul.config.Parsers.PORT;
import static io.loghaul.config.Parsers.POSITIVE_INT;
import static io.loghaul.config.Parsers.POSITIVE_LONG;
import static io.loghaul.config.Parsers.POSITIVE_MILLIS;
import static io.loghaul.config.Parsers.RATIO;
import static io.loghaul.config.Parsers.TOPIC;
import static io.loghaul.config.Parsers.TOPIC_LIST;
import static io.loghaul.config.Parsers.URL;
import static io.loghaul.config.Parsers.URL_LIST;

import io.loghaul.ingest.ListenerLimits;
import io.loghaul.ingest.OtlpTls;
import io.loghaul.schema.SchemaLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Every configuration key, defined once: name, typed default, parser, meaning, and where its value
 * lives in {@link LoghaulConfig} (docs/configuration.md documents them for users). Defaults that a
 * component also needs are that component's constants ({@link SchemaLimits}, {@link
 * ListenerLimits}, {@link LoghaulConfig.Batch}), referenced here rather than written twice.
 *
 * <p>To add a key: a constant here, its place in {@link #TABLE} (the order of {@code --help}), and
 * its use in {@link ConfigLoader#build}. A secret is marked once with {@link Key#asSecret()}; a
 * family of pass-through keys (such as {@code kafka.client.<property>}) is a {@link KeyFamily} in
 * the table's second list, read with {@link Values#get(KeyFamily)}.
 */
final class ConfigKeys {
  private ConfigKeys() {}

  static final Key<Path> DATA_DIR =
      Key.of(
          "data.dir",
          Path.of("./data"),
          PATH,
          "embedded Kafka and managed ClickHouse data",
          LoghaulConfig::dataDir);
  static final Key<Boolean> EMBEDDED_ALLOWED =
      Key.of(
          "embedded.allowed",
          true,
          BOOLEAN,
          "false = production only: kafka.bootstrap and clickhouse.url must both be set (the container"
              + " image's default)",
          LoghaulConfig::embeddedAllowed);

  static final Key<String> KAFKA_BOOTSTRAP =
      Key.optional(
          "kafka.bootstrap",
          BOOTSTRAP,
          "external Kafka (host:port,...); unset = embedded broker",
          c -> c.kafka().bootstrap());
  static final Key<Integer> KAFKA_EMBEDDED_PORT =
      Key.of(
          "kafka.embedded.port",
          9092,
          PORT,
          "embedded broker's client port",
          c -> c.kafka().embeddedPort());
  static final Key<Integer> KAFKA_EMBEDDED_CONTROLLER_PORT =
      Key.optional(
          "kafka.embedded.controller-port",
          PORT,
          "embedded broker's KRaft controller port, on 127.0.0.1 only; unset = kafka.embedded.port + 1",
          c -> c.kafka().embeddedControllerPortSetting());
  static final Key<List<String>> KAFKA_TOPICS =
      Key.of(
          "kafka.topics",
          List.of("logs"),
          TOPIC_LIST,
          "comma-separated topics the pipeline consumes",
          c -> c.kafka().topics());
  static final Key<String> KAFKA_INGEST_TOPIC =
      Key.of(
          "kafka.ingest-topic",
          "logs",
          TOPIC,
          "topic OTLP-ingested records are produced to",
          c -> c.kafka().ingestTopic());
  static final Key<String> KAFKA_DLQ_TOPIC =
      Key.of("kafka.dlq-topic", "logs.dlq", TOPIC, "dead-letter topic", c -> c.kafka().dlqTopic());
  static final Key<String> KAFKA_GROUP =
      Key.of("kafka.group", "loghaul", NON_EMPTY, "consumer group id", c -> c.kafka().group());
  static final Key<Boolean> KAFKA_CREATE_TOPICS =
      Key.of(
          "kafka.create-topics",
          true,
          BOOLEAN,
          "create missing topics at startup",
          c -> c.kafka().createTopics());
  static final Key<Integer> KAFKA_TOPIC_PARTITIONS =
      Key.of(
          "kafka.topic-partitions",
          8,
          POSITIVE_INT,
          "partitions of topics created at startup",
          c -> c.kafka().topicPartitions());

  static final Key<String> KAFKA_SECURITY_PROTOCOL =
      Key.of(
          "kafka.security.protocol",
          LoghaulConfig.KafkaSecurity.PLAINTEXT,
          Parsers.oneOf("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"),
          "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, for every Kafka client",
          c -> c.kafka().security().protocol());
  static final Key<String> KAFKA_SASL_MECHANISM =
      Key.optional(
          "kafka.sasl.mechanism",
          Parsers.oneOf("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"),
          "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (others through kafka.client.*)",
          c -> c.kafka().security().saslMechanism());
  static final Key<String> KAFKA_SASL_USERNAME =
      Key.optional(
          "kafka.sasl.username",
          NON_EMPTY,
          "SASL user name",
          c -> c.kafka().security().saslUsername());
  static final Key<String> KAFKA_SASL_PASSWORD =
      Key.optional(
              "kafka.sasl.password", ANY, "SASL password", c -> c.kafka().security().saslPassword())
          .asSecret();
  static final Key<Path> KAFKA_SASL_PASSWORD_FILE =
      Key.optional(
          "kafka.sasl.password-file",
          PATH,
          "file holding the SASL password (trailing newline stripped)",
          null);
  static final Key<Path> KAFKA_TLS_CA_FILE =
      Key.optional(
          "kafka.tls.ca-file",
          PATH,
          "PEM CA certificates that sign the brokers' certificates; unset = the JVM's trust store",
          c -> c.kafka().security().caFile());
  static final Key<Path> KAFKA_TLS_CERT_FILE =
      Key.optional(
          "kafka.tls.cert-file",
          PATH,
          "PEM client certificate chain (mutual TLS)",
          c -> c.kafka().security().certFile());
  static final Key<Path> KAFKA_TLS_KEY_FILE =
      Key.optional(
          "kafka.tls.key-file",
          PATH,
          "PEM PKCS#8 private key of kafka.tls.cert-file",
          c -> c.kafka().security().keyFile());

  /**
   * Any other Java Kafka client property, given to every client that knows it. Members whose names
   * mention a password, secret, key, token, credentials or JAAS are secrets.
   */
  static final KeyFamily<String> KAFKA_CLIENT =
      new KeyFamily<>(
          "kafka.client.",
          ANY,
          "any Java Kafka client property, passed to every client (e.g. kafka.client.sasl.jaas.config)",
          '.',
          ConfigKeys::secretKafkaProperty,
          c -> c.kafka().security().clientProperties());

  static final Key<String> CLICKHOUSE_URL =
      Key.optional(
          "clickhouse.url",
          URL_LIST,
          "e.g. http://host:8123, or several comma-separated (inserts and queries go to one that "
              + "answers); unset = managed local server",
          c -> c.clickhouse().url());
  static final Key<Integer> CLICKHOUSE_MANAGED_HTTP_PORT =
      Key.of(
          "clickhouse.managed.http-port",
          8123,
          PORT,
          "managed server's HTTP port",
          c -> c.clickhouse().managedHttpPort());
  static final Key<String> CLICKHOUSE_USER =
      Key.of(
          "clickhouse.user", "default", NON_EMPTY, "ClickHouse user", c -> c.clickhouse().user());
  static final Key<String> CLICKHOUSE_PASSWORD =
      Key.of("clickhouse.password", "", ANY, "ClickHouse password", c -> c.clickhouse().password())
          .asSecret();
  static final Key<Path> CLICKHOUSE_PASSWORD_FILE =
      Key.optional(
          "clickhouse.password-file",
          PATH,
          "file holding the ClickHouse password (trailing newline stripped)",
          null);
  static final Key<String> CLICKHOUSE_DATABASE =
      Key.of(
          "clickhouse.database",
          "default",
          IDENTIFIER,
          "database of the table",
          c -> c.clickhouse().database());
  static final Key<String> CLICKHOUSE_TABLE =
      Key.of(
          "clickhouse.table",
          "logs",
          IDENTIFIER,
          "table rows are inserted into",
          c -> c.clickhouse().table());
  static final Key<String> CLICKHOUSE_CLUSTER =
      Key.optional(
          "clickhouse.cluster",
          IDENTIFIER,
          "cluster (remote_servers) to create the table on: <table>_local ReplicatedMergeTree +"
              + " <table> Distributed, DDL ON CLUSTER, synchronous distributed INSERTs; unset = one"
              + " server",
          c -> c.clickhouse().cluster());
  static final Key<Boolean> CLICKHOUSE_CREATE_TABLE =
      Key.of(
          "clickhouse.create-table",
          true,
          BOOLEAN,
          "create the table if missing",
          c -> c.clickhouse().createTable());

  static final Key<Duration> CLICKHOUSE_INSERT_TIMEOUT =
      Key.optional(
          "clickhouse.insert-timeout-ms",
          POSITIVE_MILLIS,
          "time one INSERT may take before it counts as failed (reason timeout) and is"
              + " retried; unset = 5 s + 1 s per MiB of batch.max-bytes (53 s at the default)",
          c -> c.clickhouse().insertTimeoutSetting());
  static final Key<Path> CLICKHOUSE_TLS_CA_FILE =
      Key.optional(
          "clickhouse.tls.ca-file",
          PATH,
          "PEM CA certificates for an https:// clickhouse.url; unset = the JVM's trust store",
          c -> c.clickhouse().caFile());
  static final Key<Path> CLICKHOUSE_TLS_CERT_FILE =
      Key.optional(
          "clickhouse.tls.cert-file",
          PATH,
          "PEM client certificate chain for an https:// clickhouse.url",
          c -> c.clickhouse().certFile());
  static final Key<Path> CLICKHOUSE_TLS_KEY_FILE =
      Key.optional(
          "clickhouse.tls.key-file",
          PATH,
          "PEM PKCS#8 private key of clickhouse.tls.cert-file",
          c -> c.clickhouse().keyFile());

  /** ClickHouse settings sent with every INSERT; names are identifiers, so never secrets. */
  static final KeyFamily<String> CLICKHOUSE_SETTINGS =
      new KeyFamily<>(
          "clickhouse.settings.",
          NON_EMPTY,
          "a ClickHouse setting sent with every INSERT (e.g. clickhouse.settings.insert_quorum=2)",
          '_',
          name -> false,
          c -> c.clickhouse().settings());

  static final Key<Integer> BATCH_MAX_ROWS =
      Key.of(
          "batch.max-rows",
          LoghaulConfig.Batch.DEFAULT_MAX_ROWS,
          POSITIVE_INT,
          "flush a batch at this many rows ...",
          c -> c.batch().maxRows());
  static final Key<Long> BATCH_MAX_BYTES =
      Key.of(
          "batch.max-bytes",
          LoghaulConfig.Batch.DEFAULT_MAX_BYTES,
          POSITIVE_LONG,
          "... or when it holds this many bytes (its rows, LZ4-compressed; unset = 48 MiB,"
              + " lowered to fit a smaller heap) ...",
          c -> c.batch().maxBytes());
  static final Key<Long> BATCH_MAX_DELAY_MS =
      Key.of(
          "batch.max-delay-ms",
          LoghaulConfig.Batch.DEFAULT_MAX_DELAY_MS,
          POSITIVE_LONG,
          "... or when its oldest row is this old",
          c -> c.batch().maxDelayMs());

  static final Key<Integer> SCHEMA_MAX_RECORD_BYTES =
      Key.of(
          "schema.max-record-bytes",
          SchemaLimits.DEFAULT_MAX_RECORD_BYTES,
          POSITIVE_INT,
          "whole Kafka record value",
          c -> c.schema().maxRecordBytes());
  static final Key<Integer> SCHEMA_MAX_SERVICE_NAME_BYTES =
      Key.of(
          "schema.max-service-name-bytes",
          SchemaLimits.DEFAULT_MAX_SERVICE_NAME_BYTES,
          POSITIVE_INT,
          "service_name, UTF-8 bytes",
          c -> c.schema().maxServiceNameBytes());
  static final Key<Integer> SCHEMA_MAX_MESSAGE_BYTES =
      Key.of(
          "schema.max-message-bytes",
          SchemaLimits.DEFAULT_MAX_MESSAGE_BYTES,
          POSITIVE_INT,
          "message after JSON unescaping, UTF-8 bytes",
          c -> c.schema().maxMessageBytes());
  static final Key<Integer> SCHEMA_MAX_ATTRIBUTES =
      Key.of(
          "schema.max-attributes",
          SchemaLimits.DEFAULT_MAX_ATTRIBUTES,
          POSITIVE_INT,
          "keys in attributes",
          c -> c.schema().maxAttributes());
  static final Key<Integer> SCHEMA_MAX_ATTRIBUTE_KEY_BYTES =
      Key.of(
          "schema.max-attribute-key-bytes",
          SchemaLimits.DEFAULT_MAX_ATTRIBUTE_KEY_BYTES,
          POSITIVE_INT,
          "one attribute key, UTF-8 bytes",
          c -> c.schema().maxAttributeKeyBytes());
  static final Key<Integer> SCHEMA_MAX_ATTRIBUTE_VALUE_BYTES =
      Key.of(
          "schema.max-attribute-value-bytes",
          SchemaLimits.DEFAULT_MAX_ATTRIBUTE_VALUE_BYTES,
          POSITIVE_INT,
          "one stored (stringified) value",
          c -> c.schema().maxAttributeValueBytes());
  static final Key<Integer> SCHEMA_MAX_DEPTH =
      Key.of(
          "schema.max-depth",
          SchemaLimits.DEFAULT_MAX_DEPTH,
          POSITIVE_INT,
          "nesting depth inside one attribute value",
          c -> c.schema().maxDepth());
  static final Key<Long> SCHEMA_MAX_AGE_SECONDS =
      Key.of(
          "schema.max-age-seconds",
          SchemaLimits.DEFAULT_MAX_AGE_SECONDS,
          POSITIVE_LONG,
          "oldest accepted timestamp, relative to now",
          c -> c.schema().maxAgeSeconds());
  static final Key<Long> SCHEMA_MAX_FUTURE_SECONDS =
      Key.of(
          "schema.max-future-seconds",
          SchemaLimits.DEFAULT_MAX_FUTURE_SECONDS,
          POSITIVE_LONG,
          "newest accepted timestamp, relative to now",
          c -> c.schema().maxFutureSeconds());

  static final Key<Integer> OTLP_GRPC_PORT =
      Key.of(
          "otlp.grpc.port",
          4317,
          LISTEN_PORT_OR_ZERO,
          "OTLP/gRPC port; 0 disables, auto = any free port",
          c -> c.otlp().grpcPort());
  static final Key<Integer> OTLP_HTTP_PORT =
      Key.of(
          "otlp.http.port",
          4318,
          LISTEN_PORT_OR_ZERO,
          "OTLP/HTTP port; 0 disables, auto = any free port",
          c -> c.otlp().httpPort());
  static final Key<String> OTLP_GRPC_HOST =
      Key.of(
          "otlp.grpc.host",
          "0.0.0.0",
          HOST,
          "address the OTLP/gRPC listener binds",
          c -> c.otlp().grpcHost());
  static final Key<String> OTLP_HTTP_HOST =
      Key.of(
          "otlp.http.host",
          "0.0.0.0",
          HOST,
          "address the OTLP/HTTP listener binds",
          c -> c.otlp().httpHost());
  static final Key<Long> OTLP_MAX_REQUEST_BYTES =
      Key.of(
          "otlp.max-request-bytes",
          16L << 20,
          POSITIVE_LONG,
          "largest OTLP request, after decompression",
          c -> c.otlp().maxRequestBytes());
  static final Key<Boolean> OTLP_DEAD_LETTER_REJECTED =
      Key.of(
          "otlp.dead-letter-rejected",
          true,
          BOOLEAN,
          "also send each OTLP log record that fails the schema check to kafka.dlq-topic (the"
              + " client hears partial_success either way)",
          c -> c.otlp().deadLetterRejected());
  static final Key<Long> OTLP_MAX_INFLIGHT_BYTES =
      Key.of(
          "otlp.max-inflight-bytes",
          64L << 20,
          POSITIVE_LONG,
          "accepted OTLP bytes waiting for Kafka acks; beyond it requests are refused",
          c -> c.otlp().maxInflightBytes());
  static final Key<Integer> OTLP_MAX_CONNECTIONS =
      Key.of(
          "otlp.max-connections",
          ListenerLimits.DEFAULT_MAX_CONNECTIONS,
          POSITIVE_INT,
          "open connections per OTLP listener; more are closed as soon as accepted",
          c -> c.otlp().limits().maxConnections());
  static final Key<Integer> OTLP_MAX_HEADER_BYTES =
      Key.of(
          "otlp.max-header-bytes",
          ListenerLimits.DEFAULT_MAX_HEADER_BYTES,
          POSITIVE_INT,
          "HTTP request headers / gRPC header list, bytes",
          c -> c.otlp().limits().maxHeaderBytes());
  static final Key<Duration> OTLP_HTTP_HEADER_TIMEOUT =
      Key.of(
          "otlp.http.header-timeout-ms",
          ListenerLimits.DEFAULT_HEADER_TIMEOUT,
          POSITIVE_MILLIS,
          "OTLP/HTTP: time from a request's first byte to the end of its headers",
          c -> c.otlp().limits().headerTimeout());
  static final Key<Duration> OTLP_HTTP_BODY_TIMEOUT =
      Key.of(
          "otlp.http.body-timeout-ms",
          ListenerLimits.DEFAULT_BODY_TIMEOUT,
          POSITIVE_MILLIS,
          "OTLP/HTTP: time from the end of a request's headers to the end of its body",
          c -> c.otlp().limits().bodyTimeout());
  static final Key<Duration> OTLP_HTTP_IDLE_TIMEOUT =
      Key.of(
          "otlp.http.idle-timeout-ms",
          ListenerLimits.DEFAULT_IDLE_TIMEOUT,
          POSITIVE_MILLIS,
          "OTLP/HTTP: an idle keep-alive connection is closed after this",
          c -> c.otlp().limits().idleTimeout());
  static final Key<Integer> OTLP_GRPC_MAX_CONCURRENT_STREAMS =
      Key.of(
          "otlp.grpc.max-concurrent-streams",
          ListenerLimits.DEFAULT_MAX_CONCURRENT_STREAMS,
          POSITIVE_INT,
          "OTLP/gRPC: concurrent calls per connection",
          c -> c.otlp().limits().maxConcurrentStreams());
  static final Key<Duration> OTLP_GRPC_MIN_PING_INTERVAL =
      Key.of(
          "otlp.grpc.min-ping-interval-ms",
          ListenerLimits.DEFAULT_MIN_PING_INTERVAL,
          POSITIVE_MILLIS,
          "OTLP/gRPC: clients pinging more often, or without calls, get GOAWAY",
          c -> c.otlp().limits().minPingInterval());
  static final Key<Duration> OTLP_GRPC_MAX_CONNECTION_IDLE =
      Key.of(
          "otlp.grpc.max-connection-idle-ms",
          ListenerLimits.DEFAULT_MAX_CONNECTION_IDLE,
          POSITIVE_MILLIS,
          "OTLP/gRPC: a connection without calls is closed after this",
          c -> c.otlp().limits().maxConnectionIdle());
  static final Key<Duration> OTLP_GRPC_MAX_CONNECTION_AGE =
      Key.of(
          "otlp.grpc.max-connection-age-ms",
          ListenerLimits.DEFAULT_MAX_CONNECTION_AGE,
          NON_NEGATIVE_MILLIS,
          "OTLP/gRPC: connections are closed gracefully after this (clients reconnect); 0 = never",
          c -> c.otlp().limits().maxConnectionAge());
  static final Key<Duration> OTLP_GRPC_MAX_CONNECTION_AGE_GRACE =
      Key.of(
          "otlp.grpc.max-connection-age-grace-ms",
          ListenerLimits.DEFAULT_MAX_CONNECTION_AGE_GRACE,
          POSITIVE_MILLIS,
          "OTLP/gRPC: time calls get to finish when their connection reaches its age",
          c -> c.otlp().limits().maxConnectionAgeGrace());

  static final Key<Path> OTLP_TLS_CERT_FILE =
      Key.optional(
          "otlp.tls.cert-file",
          PATH,
          "PEM server certificate chain of both OTLP listeners; unset = plaintext; re-read on change",
          c -> c.otlp().tls() == null ? null : c.otlp().tls().certFile());
  static final Key<Path> OTLP_TLS_KEY_FILE =
      Key.optional(
          "otlp.tls.key-file",
          PATH,
          "PEM PKCS#8 private key of otlp.tls.cert-file; re-read on change",
          c -> c.otlp().tls() == null ? null : c.otlp().tls().keyFile());
  static final Key<Path> OTLP_TLS_CLIENT_CA_FILE =
      Key.optional(
          "otlp.tls.client-ca-file",
          PATH,
          "PEM CA certificates; when set, OTLP clients must present a certificate they signed",
          c -> c.otlp().tls() == null ? null : c.otlp().tls().clientCaFile());
  static final Key<String> OTLP_TLS_MIN_VERSION =
      Key.of(
          "otlp.tls.min-version",
          OtlpTls.DEFAULT_MIN_VERSION,
          Parsers.oneOf("TLSv1.2", "TLSv1.3"),
          "oldest TLS version the OTLP listeners accept: TLSv1.2 or TLSv1.3",
          c -> c.otlp().tls() == null ? OtlpTls.DEFAULT_MIN_VERSION : c.otlp().tls().minVersion());

  static final Key<Path> OTLP_AUTH_TOKENS_FILE =
      Key.optional(
          "otlp.auth.tokens-file",
          PATH,
          "TENANT TOKEN lines; every OTLP request needs a Bearer token of it; unset = no authentication",
          c -> c.otlp().tokensFile());
  static final Key<Long> OTLP_TENANT_MAX_RECORDS_PER_SECOND =
      Key.of(
          "otlp.tenant.max-records-per-second",
          0L,
          Parsers.NON_NEGATIVE_LONG,
          "records per second per tenant over OTLP; more are refused as retryable; 0 = unlimited",
          c -> c.otlp().tenantMaxRecordsPerSecond());

  static final Key<Integer> ADMIN_PORT =
      Key.of(
          "admin.port",
          9464,
          LISTEN_PORT,
          "/metrics, /healthz, /readyz; auto = any free port",
          LoghaulConfig::adminPort);
  static final Key<String> ADMIN_HOST =
      Key.of(
          "admin.host",
          "0.0.0.0",
          HOST,
          "address the admin listener binds",
          LoghaulConfig::adminHost);
  static final Key<Path> ADMIN_PORTS_FILE =
      Key.optional(
          "admin.ports-file",
          PATH,
          "written once all listeners are bound: their bound ports as admin.port=..., otlp.*.port=...",
          LoghaulConfig::portsFile);

  static final Key<String> TRACING_OTLP_ENDPOINT =
      Key.optional(
          "tracing.otlp-endpoint",
          URL,
          "OTLP endpoint for loghaul's own traces; unset = off",
          c -> c.tracing().otlpEndpoint());
  static final Key<Double> TRACING_SAMPLE_RATIO =
      Key.of(
          "tracing.sample-ratio",
          1.0,
          RATIO,
          "share of loghaul's own traces sampled, 0..1",
          c -> c.tracing().sampleRatio());

  static final Key<Path> REDACTION_RULES_FILE =
      Key.optional(
          "redaction.rules-file",
          PATH,
          "YAML redaction rules applied to accepted records (re-read when it changes); unset = none",
          c -> c.redaction().rulesFile());
  static final Key<Path> REDACTION_HASH_KEY_FILE =
      Key.optional(
          "redaction.hash-key-file",
          PATH,
          "file holding the HMAC-SHA256 key of the rules' hash action (16+ bytes)",
          c -> c.redaction().hashKeyFile());
  static final Key<Boolean> REDACTION_DEAD_LETTERS =
      Key.of(
          "redaction.dead-letters",
          false,
          BOOLEAN,
          "also apply the pattern and preset rules to dead letters' raw values",
          c -> c.redaction().deadLetters());

  /**
   * Every key in the order of {@code --help} and the effective configuration, then the families.
   */
  static final KeyTable TABLE =
      new KeyTable(
          List.of(
              DATA_DIR,
              EMBEDDED_ALLOWED,
              KAFKA_BOOTSTRAP,
              KAFKA_EMBEDDED_PORT,
              KAFKA_EMBEDDED_CONTROLLER_PORT,
              KAFKA_TOPICS,
              KAFKA_INGEST_TOPIC,
              KAFKA_DLQ_TOPIC,
              KAFKA_GROUP,
              KAFKA_CREATE_TOPICS,
              KAFKA_TOPIC_PARTITIONS,
              KAFKA_SECURITY_PROTOCOL,
              KAFKA_SASL_MECHANISM,
              KAFKA_SASL_USERNAME,
              KAFKA_SASL_PASSWORD,
              KAFKA_SASL_PASSWORD_FILE,
              KAFKA_TLS_CA_FILE,
              KAFKA_TLS_CERT_FILE,
              KAFKA_TLS_KEY_FILE,
              CLICKHOUSE_URL,
              CLICKHOUSE_MANAGED_HTTP_PORT,
              CLICKHOUSE_USER,
              CLICKHOUSE_PASSWORD,
              CLICKHOUSE_PASSWORD_FILE,
              CLICKHOUSE_DATABASE,
              CLICKHOUSE_TABLE,
              CLICKHOUSE_CLUSTER,
              CLICKHOUSE_CREATE_TABLE,
              CLICKHOUSE_INSERT_TIMEOUT,
              CLICKHOUSE_TLS_CA_FILE,
              CLICKHOUSE_TLS_CERT_FILE,
              CLICKHOUSE_TLS_KEY_FILE,
              BATCH_MAX_ROWS,
              BATCH_MAX_BYTES,
              BATCH_MAX_DELAY_MS,
              SCHEMA_MAX_RECORD_BYTES,
              SCHEMA_MAX_SERVICE_NAME_BYTES,
              SCHEMA_MAX_MESSAGE_BYTES,
              SCHEMA_MAX_ATTRIBUTES,
              SCHEMA_MAX_ATTRIBUTE_KEY_BYTES,
              SCHEMA_MAX_ATTRIBUTE_VALUE_BYTES,
              SCHEMA_MAX_DEPTH,
              SCHEMA_MAX_AGE_SECONDS,
              SCHEMA_MAX_FUTURE_SECONDS,
              OTLP_GRPC_PORT,
              OTLP_HTTP_PORT,
              OTLP_GRPC_HOST,
              OTLP_HTTP_HOST,
              OTLP_MAX_REQUEST_BYTES,
              OTLP_MAX_INFLIGHT_BYTES,
              OTLP_DEAD_LETTER_REJECTED,
              OTLP_MAX_CONNECTIONS,
              OTLP_MAX_HEADER_BYTES,
              OTLP_HTTP_HEADER_TIMEOUT,
              OTLP_HTTP_BODY_TIMEOUT,
              OTLP_HTTP_IDLE_TIMEOUT,
              OTLP_GRPC_MAX_CONCURRENT_STREAMS,
              OTLP_GRPC_MIN_PING_INTERVAL,
              OTLP_GRPC_MAX_CONNECTION_IDLE,
              OTLP_GRPC_MAX_CONNECTION_AGE,
              OTLP_GRPC_MAX_CONNECTION_AGE_GRACE,
              OTLP_TLS_CERT_FILE,
              OTLP_TLS_KEY_FILE,
              OTLP_TLS_CLIENT_CA_FILE,
              OTLP_TLS_MIN_VERSION,
              OTLP_AUTH_TOKENS_FILE,
              OTLP_TENANT_MAX_RECORDS_PER_SECOND,
              ADMIN_PORT,
              ADMIN_HOST,
              ADMIN_PORTS_FILE,
              TRACING_OTLP_ENDPOINT,
              TRACING_SAMPLE_RATIO,
              REDACTION_RULES_FILE,
              REDACTION_HASH_KEY_FILE,
              REDACTION_DEAD_LETTERS),
          List.of(KAFKA_CLIENT, CLICKHOUSE_SETTINGS));

  /** Whether Kafka client property {@code name} holds a secret, judged by its name. */
  static boolean secretKafkaProperty(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("password")
        || n.contains("secret")
        || n.contains("key")
        || n.contains("token")
        || n.contains("credential")
        || n.contains("jaas");
  }
}
