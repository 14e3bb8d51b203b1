package io.loghaul.config;

import static io.loghaul.config.ConfigException.echo;
import static io.loghaul.config.ConfigException.invalid;
import static io.loghaul.config.ConfigKeys.ADMIN_HOST;
import static io.loghaul.config.ConfigKeys.ADMIN_PORT;
import static io.loghaul.config.ConfigKeys.ADMIN_PORTS_FILE;
import static io.loghaul.config.ConfigKeys.BATCH_MAX_BYTES;
import static io.loghaul.config.ConfigKeys.BATCH_MAX_DELAY_MS;
import static io.loghaul.config.ConfigKeys.BATCH_MAX_ROWS;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_CLUSTER;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_CREATE_TABLE;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_DATABASE;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_INSERT_TIMEOUT;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_MANAGED_HTTP_PORT;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_PASSWORD;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_PASSWORD_FILE;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_SETTINGS;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_TABLE;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_TLS_CA_FILE;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_TLS_CERT_FILE;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_TLS_KEY_FILE;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_URL;
import static io.loghaul.config.ConfigKeys.CLICKHOUSE_USER;
import static io.loghaul.config.ConfigKeys.DATA_DIR;
import static io.loghaul.config.ConfigKeys.EMBEDDED_ALLOWED;
import static io.loghaul.config.ConfigKeys.KAFKA_BOOTSTRAP;
import static io.loghaul.config.ConfigKeys.KAFKA_CLIENT;
import static io.loghaul.config.ConfigKeys.KAFKA_CREATE_TOPICS;
import static io.loghaul.config.ConfigKeys.KAFKA_DLQ_TOPIC;
import static io.loghaul.config.ConfigKeys.KAFKA_EMBEDDED_CONTROLLER_PORT;
import static io.loghaul.config.ConfigKeys.KAFKA_EMBEDDED_PORT;
import static io.loghaul.config.ConfigKeys.KAFKA_GROUP;
import static io.loghaul.config.ConfigKeys.KAFKA_INGEST_TOPIC;
import static io.loghaul.config.ConfigKeys.KAFKA_SASL_MECHANISM;
import static io.loghaul.config.ConfigKeys.KAFKA_SASL_PASSWORD;
import static io.loghaul.config.ConfigKeys.KAFKA_SASL_PASSWORD_FILE;
import static io.loghaul.config.ConfigKeys.KAFKA_SASL_USERNAME;
import static io.loghaul.config.ConfigKeys.KAFKA_SECURITY_PROTOCOL;
import static io.loghaul.config.ConfigKeys.KAFKA_TLS_CA_FILE;
import static io.loghaul.config.ConfigKeys.KAFKA_TLS_CERT_FILE;
import static io.loghaul.config.ConfigKeys.KAFKA_TLS_KEY_FILE;
import static io.loghaul.config.ConfigKeys.KAFKA_TOPICS;
import static io.loghaul.config.ConfigKeys.KAFKA_TOPIC_PARTITIONS;
import static io.loghaul.config.ConfigKeys.OTLP_AUTH_TOKENS_FILE;
import static io.loghaul.config.ConfigKeys.OTLP_DEAD_LETTER_REJECTED;
import static io.loghaul.config.ConfigKeys.OTLP_GRPC_HOST;
import static io.loghaul.config.ConfigKeys.OTLP_GRPC_MAX_CONCURRENT_STREAMS;
import static io.loghaul.config.ConfigKeys.OTLP_GRPC_MAX_CONNECTION_AGE;
import static io.loghaul.config.ConfigKeys.OTLP_GRPC_MAX_CONNECTION_AGE_GRACE;
import static io.loghaul.config.ConfigKeys.OTLP_GRPC_MAX_CONNECTION_IDLE;
import static io.loghaul.config.ConfigKeys.OTLP_GRPC_MIN_PING_INTERVAL;
import static io.loghaul.config.ConfigKeys.OTLP_GRPC_PORT;
import static io.loghaul.config.ConfigKeys.OTLP_HTTP_BODY_TIMEOUT;
import static io.loghaul.config.ConfigKeys.OTLP_HTTP_HEADER_TIMEOUT;
import static io.loghaul.config.ConfigKeys.OTLP_HTTP_HOST;
import static io.loghaul.config.ConfigKeys.OTLP_HTTP_IDLE_TIMEOUT;
import static io.loghaul.config.ConfigKeys.OTLP_HTTP_PORT;
import static io.loghaul.config.ConfigKeys.OTLP_MAX_CONNECTIONS;
import static io.loghaul.config.ConfigKeys.OTLP_MAX_HEADER_BYTES;
import static io.loghaul.config.ConfigKeys.OTLP_MAX_INFLIGHT_BYTES;
import static io.loghaul.config.ConfigKeys.OTLP_MAX_REQUEST_BYTES;
import static io.loghaul.config.ConfigKeys.OTLP_TENANT_MAX_RECORDS_PER_SECOND;
import static io.loghaul.config.ConfigKeys.OTLP_TLS_CERT_FILE;
import static io.loghaul.config.ConfigKeys.OTLP_TLS_CLIENT_CA_FILE;
import static io.loghaul.config.ConfigKeys.OTLP_TLS_KEY_FILE;
import static io.loghaul.config.ConfigKeys.OTLP_TLS_MIN_VERSION;
import static io.loghaul.config.ConfigKeys.REDACTION_DEAD_LETTERS;
import static io.loghaul.config.ConfigKeys.REDACTION_HASH_KEY_FILE;
import static io.loghaul.config.ConfigKeys.REDACTION_RULES_FILE;
import static io.loghaul.config.ConfigKeys.SCHEMA_MAX_AGE_SECONDS;
import static io.loghaul.config.ConfigKeys.SCHEMA_MAX_ATTRIBUTES;
import static io.loghaul.config.ConfigKeys.SCHEMA_MAX_ATTRIBUTE_KEY_BYTES;
import static io.loghaul.config.ConfigKeys.SCHEMA_MAX_ATTRIBUTE_VALUE_BYTES;
import static io.loghaul.config.ConfigKeys.SCHEMA_MAX_DEPTH;
import static io.loghaul.config.ConfigKeys.SCHEMA_MAX_FUTURE_SECONDS;
import static io.loghaul.config.ConfigKeys.SCHEMA_MAX_MESSAGE_BYTES;
import static io.loghaul.config.ConfigKeys.SCHEMA_MAX_RECORD_BYTES;
import static io.loghaul.config.ConfigKeys.SCHEMA_MAX_SERVICE_NAME_BYTES;
import static io.loghaul.config.ConfigKeys.TABLE;
import static io.loghaul.config.ConfigKeys.TRACING_OTLP_ENDPOINT;
import static io.loghaul.config.ConfigKeys.TRACING_SAMPLE_RATIO;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.loghaul.ingest.ListenerLimits;
import io.loghaul.ingest.OtlpTls;
import io.loghaul.schema.SchemaLimits;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the {@link LoghaulConfig} of one process from three sources (docs/configuration.md):
 * {@code --key=value} command-line arguments, {@code LOGHAUL_<KEY>} environment variables (upper
 * case, {@code .} and {@code -} become {@code _}), and a Java properties file named by {@code
 * --config=FILE} or {@code LOGHAUL_CONFIG}. For every key the command line beats the environment,
 * which beats the file, which beats the built-in default.
 *
 * <p>The keys are defined once in {@link ConfigKeys}; {@link ConfigSources} merges and parses the
 * sources, this class checks what involves several keys (password and password file, listeners on
 * one port) and assembles the records; {@link #describe()} and {@link #render} are the usage text
 * and the startup log line. Loading stops at the first problem with a {@link ConfigException} whose
 * message reads {@code key: value (expected: ...)}; secret values never appear in messages or
 * rendered output.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * Loads and validates the configuration.
   *
   * @param args command-line arguments after the verb, each {@code --key=value}
   * @param env the process environment (usually {@link System#getenv()})
   * @throws ConfigException naming the first unknown key or malformed value
   */
  public static LoghaulConfig load(List<String> args, Map<String, String> env)
      throws ConfigException {
    return load(args, env, Long.MAX_VALUE);
  }

  /**
   * Loads and validates the configuration for a JVM whose heap holds batches of at most {@code
   * batchMaxBytesCap}: when {@code batch.max-bytes} is not given, its default is lowered to that
   * (not below 1 MiB), so a small heap starts with smaller batches; a given value is kept (and
   * checked against the heap by the caller).
   */
  public static LoghaulConfig load(
      List<String> args, Map<String, String> env, long batchMaxBytesCap) throws ConfigException {
    requireNonNull(args, "args");
    requireNonNull(env, "env");
    Values v = ConfigSources.load(TABLE, args, env);
    long maxBytes = v.get(BATCH_MAX_BYTES);
    if (!v.given(BATCH_MAX_BYTES)) {
      maxBytes = Math.max(1L << 20, Math.min(maxBytes, batchMaxBytesCap));
    }
    return build(v, maxBytes);
  }

  /**
   * Usage text for {@code --help}: how settings are given, then one line per key with its default
   * and meaning.
   */
  public static String describe() {
    return ConfigHelp.describe(TABLE);
  }

  /**
   * The effective value of every key, in table order, as text: unset optional keys are {@code
   * (unset)}, a non-empty password is {@code ***}; {@code clickhouse.password-file} is not listed
   * (its content is the password).
   */
  public static Map<String, String> effective(LoghaulConfig config) {
    return EffectiveConfig.of(TABLE, requireNonNull(config, "config"));
  }

  /** The effective configuration on one line ({@code key=value, ...}) for the startup log. */
  public static String render(LoghaulConfig config) {
    return EffectiveConfig.render(TABLE, requireNonNull(config, "config"));
  }

  /** Every key name, in table order. */
  static List<String> keys() {
    return TABLE.keys().stream().map(Key::name).toList();
  }

  /** {@code kafka.embedded.port} → {@code LOGHAUL_KAFKA_EMBEDDED_PORT}. */
  static String envName(String key) {
    return ConfigSources.envName(key);
  }

  static LoghaulConfig build(Values v, long batchMaxBytes) throws ConfigException {
    checkEmbeddedAllowed(v);
    checkEmbeddedKafkaDataDir(v);
    String password = password(v);
    checkPortsDistinct(v);
    LoghaulConfig.Kafka kafka =
        new LoghaulConfig.Kafka(
            v.get(KAFKA_BOOTSTRAP),
            v.get(KAFKA_EMBEDDED_PORT),
            v.get(KAFKA_EMBEDDED_CONTROLLER_PORT),
            v.get(KAFKA_TOPICS),
            v.get(KAFKA_INGEST_TOPIC),
            v.get(KAFKA_DLQ_TOPIC),
            v.get(KAFKA_GROUP),
            v.get(KAFKA_CREATE_TOPICS),
            v.get(KAFKA_TOPIC_PARTITIONS),
            kafkaSecurity(v));
    LoghaulConfig.Batch batch =
        new LoghaulConfig.Batch(v.get(BATCH_MAX_ROWS), batchMaxBytes, v.get(BATCH_MAX_DELAY_MS));
    LoghaulConfig.ClickHouse clickhouse =
        new LoghaulConfig.ClickHouse(
            v.get(CLICKHOUSE_URL),
            v.get(CLICKHOUSE_MANAGED_HTTP_PORT),
            v.get(CLICKHOUSE_USER),
            password,
            v.get(CLICKHOUSE_DATABASE),
            v.get(CLICKHOUSE_TABLE),
            v.get(CLICKHOUSE_CREATE_TABLE),
            v.get(CLICKHOUSE_INSERT_TIMEOUT),
            v.get(CLICKHOUSE_TLS_CA_FILE),
            v.get(CLICKHOUSE_TLS_CERT_FILE),
            v.get(CLICKHOUSE_TLS_KEY_FILE),
            v.get(CLICKHOUSE_SETTINGS),
            v.get(CLICKHOUSE_CLUSTER));
    checkClickHouseSecurity(clickhouse);
    SchemaLimits schema =
        new SchemaLimits(
            v.get(SCHEMA_MAX_RECORD_BYTES),
            v.get(SCHEMA_MAX_SERVICE_NAME_BYTES),
            v.get(SCHEMA_MAX_MESSAGE_BYTES),
            v.get(SCHEMA_MAX_ATTRIBUTES),
            v.get(SCHEMA_MAX_ATTRIBUTE_KEY_BYTES),
            v.get(SCHEMA_MAX_ATTRIBUTE_VALUE_BYTES),
            v.get(SCHEMA_MAX_DEPTH),
            v.get(SCHEMA_MAX_AGE_SECONDS),
            v.get(SCHEMA_MAX_FUTURE_SECONDS));
    ListenerLimits limits =
        new ListenerLimits(
            v.get(OTLP_MAX_CONNECTIONS),
            v.get(OTLP_MAX_HEADER_BYTES),
            v.get(OTLP_HTTP_HEADER_TIMEOUT),
            v.get(OTLP_HTTP_BODY_TIMEOUT),
            v.get(OTLP_HTTP_IDLE_TIMEOUT),
            v.get(OTLP_GRPC_MAX_CONCURRENT_STREAMS),
            v.get(OTLP_GRPC_MIN_PING_INTERVAL),
            v.get(OTLP_GRPC_MAX_CONNECTION_IDLE),
            v.get(OTLP_GRPC_MAX_CONNECTION_AGE),
            v.get(OTLP_GRPC_MAX_CONNECTION_AGE_GRACE));
    LoghaulConfig.Otlp otlp =
        new LoghaulConfig.Otlp(
            v.get(OTLP_GRPC_HOST),
            v.get(OTLP_GRPC_PORT),
            v.get(OTLP_HTTP_HOST),
            v.get(OTLP_HTTP_PORT),
            v.get(OTLP_MAX_REQUEST_BYTES),
            v.get(OTLP_MAX_INFLIGHT_BYTES),
            limits,
            v.get(OTLP_DEAD_LETTER_REJECTED),
            otlpTls(v),
            v.get(OTLP_AUTH_TOKENS_FILE),
            v.get(OTLP_TENANT_MAX_RECORDS_PER_SECOND));
    if (otlp.tenantMaxRecordsPerSecond() > 0 && otlp.tokensFile() == null) {
      throw new ConfigException(
          OTLP_TENANT_MAX_RECORDS_PER_SECOND.name(),
          OTLP_TENANT_MAX_RECORDS_PER_SECOND.name()
              + ": "
              + otlp.tenantMaxRecordsPerSecond()
              + " (expected: 0 unless "
              + OTLP_AUTH_TOKENS_FILE.name()
              + " is set: tenants are who its tokens name)");
    }
    LoghaulConfig.Tracing tracing =
        new LoghaulConfig.Tracing(v.get(TRACING_OTLP_ENDPOINT), v.get(TRACING_SAMPLE_RATIO));
    LoghaulConfig.Redaction redaction =
        new LoghaulConfig.Redaction(
            v.get(REDACTION_RULES_FILE),
            v.get(REDACTION_HASH_KEY_FILE),
            v.get(REDACTION_DEAD_LETTERS));
    return new LoghaulConfig(
        v.get(DATA_DIR),
        kafka,
        clickhouse,
        batch,
        schema,
        otlp,
        v.get(ADMIN_HOST),
        v.get(ADMIN_PORT),
        v.get(ADMIN_PORTS_FILE),
        tracing,
        redaction,
        v.get(EMBEDDED_ALLOWED));
  }

  /**
   * With {@code embedded.allowed=false} (the container image sets it) a missing {@code
   * kafka.bootstrap} or {@code clickhouse.url} is a startup error rather than an embedded broker or
   * a ClickHouse child inside a container that was meant to reach real clusters.
   */
  private static void checkEmbeddedAllowed(Values v) throws ConfigException {
    if (v.get(EMBEDDED_ALLOWED)) return;
    List<String> missing = new ArrayList<>();
    if (v.get(KAFKA_BOOTSTRAP) == null) missing.add(KAFKA_BOOTSTRAP.name());
    if (v.get(CLICKHOUSE_URL) == null) missing.add(CLICKHOUSE_URL.name());
    if (missing.isEmpty()) return;
    throw new ConfigException(
        missing.get(0),
        String.join(", ", missing)
            + ": (unset) (expected: set; production mode needs both kafka.bootstrap and clickhouse.url"
            + " because "
            + EMBEDDED_ALLOWED.name()
            + "=false; set "
            + EMBEDDED_ALLOWED.name()
            + "=true to run an embedded Kafka broker and a managed ClickHouse instead)");
  }

  /**
   * The embedded broker keeps its log under {@code data.dir}, and Kafka reads {@code log.dirs} as a
   * comma-separated list: a comma in the path would scatter the log over other, partly relative,
   * directories.
   */
  private static void checkEmbeddedKafkaDataDir(Values v) throws ConfigException {
    String dir = v.get(DATA_DIR).toAbsolutePath().normalize().toString();
    if (v.get(KAFKA_BOOTSTRAP) == null && dir.indexOf(',') >= 0) {
      throw new ConfigException(
          DATA_DIR.name(),
          DATA_DIR.name()
              + ": "
              + v.get(DATA_DIR)
              + " (expected: a path without ',' while Kafka is embedded, i.e. "
              + KAFKA_BOOTSTRAP.name()
              + " is unset: the broker reads its log directories as a comma-separated list)");
    }
  }

  /**
   * Kafka client properties that a typed key sets, by property (or property prefix, ending in
   * {@code .}), with that key; a {@code kafka.client.*} member setting one is refused when the key
   * is given (or, for {@code *}-marked keys, always: the typed key always sets it).
   */
  private static final Map<String, String> TYPED_KAFKA_PROPERTIES =
      Map.ofEntries(
          Map.entry("bootstrap.servers", "*" + KAFKA_BOOTSTRAP.name()),
          Map.entry("group.id", "*" + KAFKA_GROUP.name()),
          Map.entry("security.protocol", "*" + KAFKA_SECURITY_PROTOCOL.name()),
          Map.entry("sasl.mechanism", KAFKA_SASL_MECHANISM.name()),
          Map.entry("sasl.jaas.config", KAFKA_SASL_USERNAME.name()),
          Map.entry("ssl.truststore.", KAFKA_TLS_CA_FILE.name()),
          Map.entry("ssl.keystore.", KAFKA_TLS_CERT_FILE.name()),
          Map.entry("ssl.key.password", KAFKA_TLS_CERT_FILE.name()));

  /**
   * Client properties loghaul's correctness depends on: never taken from {@code kafka.client.*}.
   */
  private static final List<String> OWNED_KAFKA_PROPERTIES =
      List.of(
          "enable.auto.commit",
          "isolation.level",
          "acks",
          "enable.idempotence",
          "key.serializer",
          "value.serializer",
          "key.deserializer",
          "value.deserializer");

  /**
   * The {@code kafka.security.*}, {@code kafka.sasl.*}, {@code kafka.tls.*} and {@code
   * kafka.client.*} keys, checked together.
   */
  private static LoghaulConfig.KafkaSecurity kafkaSecurity(Values v) throws ConfigException {
    String protocol = v.get(KAFKA_SECURITY_PROTOCOL);
    boolean sasl = protocol.startsWith("SASL_");
    boolean tls = protocol.endsWith("SSL");
    Map<String, String> client = v.get(KAFKA_CLIENT);
    checkClientProperties(v, client);
    if (v.get(KAFKA_BOOTSTRAP) == null && !protocol.equals(LoghaulConfig.KafkaSecurity.PLAINTEXT)) {
      throw invalid(
          KAFKA_SECURITY_PROTOCOL.name(),
          protocol,
          "PLAINTEXT while "
              + KAFKA_BOOTSTRAP.name()
              + " is unset: the embedded broker listens in plaintext only");
    }
    String mechanism = v.get(KAFKA_SASL_MECHANISM);
    String username = v.get(KAFKA_SASL_USERNAME);
    boolean passwordGiven =
        v.get(KAFKA_SASL_PASSWORD) != null || v.get(KAFKA_SASL_PASSWORD_FILE) != null;
    if (!sasl) {
      for (Key<?> key :
          List.of(
              KAFKA_SASL_MECHANISM,
              KAFKA_SASL_USERNAME,
              KAFKA_SASL_PASSWORD,
              KAFKA_SASL_PASSWORD_FILE)) {
        if (v.get(key) != null) {
          throw new ConfigException(
              key.name(),
              key.name()
                  + ": set (expected: unset unless "
                  + KAFKA_SECURITY_PROTOCOL.name()
                  + " is SASL_PLAINTEXT or SASL_SSL; it is "
                  + protocol
                  + ")");
        }
      }
    } else if (mechanism == null && !client.containsKey("sasl.mechanism")) {
      throw new ConfigException(
          KAFKA_SASL_MECHANISM.name(),
          KAFKA_SASL_MECHANISM.name()
              + ": unset (expected: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 with "
              + KAFKA_SECURITY_PROTOCOL.name()
              + "="
              + protocol
              + ", or another mechanism through kafka.client.sasl.mechanism)");
    } else if (mechanism != null && username == null && !client.containsKey("sasl.jaas.config")) {
      throw new ConfigException(
          KAFKA_SASL_USERNAME.name(),
          KAFKA_SASL_USERNAME.name()
              + ": unset (expected: the SASL user name, with "
              + KAFKA_SASL_MECHANISM.name()
              + "="
              + mechanism
              + ")");
    }
    if (username != null && mechanism == null) {
      throw new ConfigException(
          KAFKA_SASL_MECHANISM.name(),
          KAFKA_SASL_MECHANISM.name()
              + ": unset (expected: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 with "
              + KAFKA_SASL_USERNAME.name()
              + ")");
    }
    if (username != null && !passwordGiven) {
      throw new ConfigException(
          KAFKA_SASL_PASSWORD.name(),
          KAFKA_SASL_PASSWORD.name()
              + ": unset (expected: the password of "
              + KAFKA_SASL_USERNAME.name()
              + ", or "
              + KAFKA_SASL_PASSWORD_FILE.name()
              + ")");
    }
    if (username == null && passwordGiven) {
      Key<?> key =
          v.get(KAFKA_SASL_PASSWORD) != null ? KAFKA_SASL_PASSWORD : KAFKA_SASL_PASSWORD_FILE;
      throw new ConfigException(
          key.name(),
          key.name() + ": set (expected: together with " + KAFKA_SASL_USERNAME.name() + ")");
    }
    String password = null;
    String passwordKey = null;
    if (passwordGiven) {
      Path file = v.get(KAFKA_SASL_PASSWORD_FILE);
      if (file != null && v.get(KAFKA_SASL_PASSWORD) != null) {
        throw new ConfigException(
            KAFKA_SASL_PASSWORD_FILE.name(),
            KAFKA_SASL_PASSWORD_FILE.name()
                + ": "
                + echo(file.toString())
                + " (expected: not set together with "
                + KAFKA_SASL_PASSWORD.name()
                + ")");
      }
      password =
          file == null ? v.get(KAFKA_SASL_PASSWORD) : readSecret(KAFKA_SASL_PASSWORD_FILE, file);
      passwordKey = file == null ? KAFKA_SASL_PASSWORD.name() : KAFKA_SASL_PASSWORD_FILE.name();
    }
    Path ca = v.get(KAFKA_TLS_CA_FILE);
    Path cert = v.get(KAFKA_TLS_CERT_FILE);
    Path key = v.get(KAFKA_TLS_KEY_FILE);
    if (!tls) {
      for (Key<Path> k : List.of(KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE, KAFKA_TLS_KEY_FILE)) {
        if (v.get(k) != null) {
          throw new ConfigException(
              k.name(),
              k.name()
                  + ": "
                  + echo(v.get(k).toString())
                  + " (expected: unset unless "
                  + KAFKA_SECURITY_PROTOCOL.name()
                  + " is SSL or SASL_SSL; it is "
                  + protocol
                  + ")");
        }
      }
    }
    checkPemFiles(KAFKA_TLS_CA_FILE, ca, KAFKA_TLS_CERT_FILE, cert, KAFKA_TLS_KEY_FILE, key);
    return new LoghaulConfig.KafkaSecurity(
        protocol, mechanism, username, password, passwordKey, ca, cert, key, client);
  }

  private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /** {@code clickhouse.tls.*} need an https URL; settings names are identifiers. */
  private static void checkClickHouseSecurity(LoghaulConfig.ClickHouse ch) throws ConfigException {
    for (String name : ch.settings().keySet()) {
      if (!SETTING_NAME.matcher(name).matches()) {
        String key = CLICKHOUSE_SETTINGS.prefix() + name;
        throw new ConfigException(
            key, key + ": set (expected: a setting name matching " + "[A-Za-z_][A-Za-z0-9_]*)");
      }
    }
    boolean https = ch.url() != null && ch.url().startsWith("https://");
    for (Key<Path> k :
        List.of(CLICKHOUSE_TLS_CA_FILE, CLICKHOUSE_TLS_CERT_FILE, CLICKHOUSE_TLS_KEY_FILE)) {
      Path p =
          k == CLICKHOUSE_TLS_CA_FILE
              ? ch.caFile()
              : k == CLICKHOUSE_TLS_CERT_FILE ? ch.certFile() : ch.keyFile();
      if (p != null && !https) {
        throw new ConfigException(
            k.name(),
            k.name()
                + ": "
                + echo(p.toString())
                + " (expected: unset unless clickhouse.url is https://...)");
      }
    }
    checkPemFiles(
        CLICKHOUSE_TLS_CA_FILE,
        ch.caFile(),
        CLICKHOUSE_TLS_CERT_FILE,
        ch.certFile(),
        CLICKHOUSE_TLS_KEY_FILE,
        ch.keyFile());
  }

  /** {@code otlp.tls.*}: null when no certificate is given. */
  private static OtlpTls otlpTls(Values v) throws ConfigException {
    Path cert = v.get(OTLP_TLS_CERT_FILE);
    Path key = v.get(OTLP_TLS_KEY_FILE);
    Path clientCa = v.get(OTLP_TLS_CLIENT_CA_FILE);
    checkPair(OTLP_TLS_CERT_FILE, cert, OTLP_TLS_KEY_FILE, key);
    if (cert == null) {
      if (clientCa != null) {
        throw new ConfigException(
            OTLP_TLS_CLIENT_CA_FILE.name(),
            OTLP_TLS_CLIENT_CA_FILE.name()
                + ": "
                + echo(clientCa.toString())
                + " (expected: together with "
                + OTLP_TLS_CERT_FILE.name()
                + " and "
                + OTLP_TLS_KEY_FILE.name()
                + ")");
      }
      if (v.given(OTLP_TLS_MIN_VERSION)) {
        throw new ConfigException(
            OTLP_TLS_MIN_VERSION.name(),
            OTLP_TLS_MIN_VERSION.name()
                + ": "
                + v.get(OTLP_TLS_MIN_VERSION)
                + " (expected: together with "
                + OTLP_TLS_CERT_FILE.name()
                + " and "
                + OTLP_TLS_KEY_FILE.name()
                + ")");
      }
      return null;
    }
    checkPemFiles(
        OTLP_TLS_CLIENT_CA_FILE, clientCa, OTLP_TLS_CERT_FILE, cert, OTLP_TLS_KEY_FILE, key);
    return new OtlpTls(cert, key, clientCa, v.get(OTLP_TLS_MIN_VERSION));
  }

  /** Refuses {@code kafka.client.*} members that a typed key sets or loghaul depends on. */
  private static void checkClientProperties(Values v, Map<String, String> client)
      throws ConfigException {
    for (String property : client.keySet()) {
      String member = KAFKA_CLIENT.prefix() + property;
      if (OWNED_KAFKA_PROPERTIES.contains(property)) {
        throw new ConfigException(
            member,
            member
                + ": set (expected: unset; loghaul sets "
                + property
                + " itself and depends on its value)");
      }
      for (Map.Entry<String, String> typed : TYPED_KAFKA_PROPERTIES.entrySet()) {
        String p = typed.getKey();
        boolean matches = p.endsWith(".") ? property.startsWith(p) : property.equals(p);
        if (!matches) continue;
        boolean always = typed.getValue().startsWith("*");
        String keyName = always ? typed.getValue().substring(1) : typed.getValue();
        if (always || v.get(TABLE.key(keyName)) != null) {
          throw new ConfigException(
              member,
              member
                  + ": set (expected: not set together with "
                  + keyName
                  + ", which sets "
                  + property
                  + "; use "
                  + keyName
                  + " only)");
        }
      }
    }
  }

  /**
   * A CA file, and a certificate chain with its key (given together or not at all), each a readable
   * PEM file of its kind when given.
   */
  private static void checkPemFiles(
      Key<Path> caKey, Path ca, Key<Path> certKey, Path cert, Key<Path> keyKey, Path key)
      throws ConfigException {
    checkPair(certKey, cert, keyKey, key);
    checkPem(caKey, ca, "-----BEGIN CERTIFICATE-----", "PEM certificates");
    checkPem(certKey, cert, "-----BEGIN CERTIFICATE-----", "a PEM certificate chain");
    checkPem(
        keyKey,
        key,
        "-----BEGIN PRIVATE KEY-----",
        "an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); convert with "
            + "openssl pkcs8 -topk8 -nocrypt");
  }

  /** A certificate and its key: both given, or neither. */
  private static void checkPair(Key<Path> certKey, Path cert, Key<Path> keyKey, Path key)
      throws ConfigException {
    if ((cert == null) != (key == null)) {
      Key<Path> missing = cert == null ? certKey : keyKey;
      Key<Path> other = cert == null ? keyKey : certKey;
      throw new ConfigException(
          missing.name(),
          missing.name() + ": unset (expected: set together with " + other.name() + ")");
    }
  }

  /** A readable file starting a {@code marker} block, when given. */
  private static void checkPem(Key<Path> key, Path file, String marker, String expected)
      throws ConfigException {
    if (file == null) return;
    String content = readText(key, file);
    if (!content.contains(marker)) {
      throw invalid(key.name(), file.toString(), expected);
    }
  }

  /** {@code clickhouse.password}, or the content of {@code clickhouse.password-file}. */
  private static String password(Values v) throws ConfigException {
    String password = v.get(CLICKHOUSE_PASSWORD);
    Path file = v.get(CLICKHOUSE_PASSWORD_FILE);
    if (file == null) {
      return password;
    }
    if (v.given(CLICKHOUSE_PASSWORD) && !password.isEmpty()) {
      throw new ConfigException(
          CLICKHOUSE_PASSWORD_FILE.name(),
          CLICKHOUSE_PASSWORD_FILE.name()
              + ": "
              + echo(file.toString())
              + " (expected: not set together with "
              + CLICKHOUSE_PASSWORD.name()
              + ")");
    }
    return readSecret(CLICKHOUSE_PASSWORD_FILE, file);
  }

  /** The content of {@code file} without trailing line breaks. */
  private static String readSecret(Key<Path> key, Path file) throws ConfigException {
    String content = readText(key, file);
    int end = content.length();
    while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) end--;
    return content.substring(0, end);
  }

  /** The UTF-8 text of the file {@code key} names; a startup error naming the key otherwise. */
  private static String readText(Key<Path> key, Path file) throws ConfigException {
    try {
      return Files.readString(file, UTF_8);
    } catch (CharacterCodingException e) {
      throw invalid(key.name(), file.toString(), "a UTF-8 text file");
    } catch (IOException e) {
      throw new ConfigException(
          key.name(),
          key.name()
              + ": "
              + echo(file.toString())
              + " (expected: a readable file; "
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }

  /**
   * Two listeners of this process on one port would fail at bind time with a vaguer error. Ports
   * that are off (0) or chosen when binding ({@code auto}) cannot clash.
   */
  private static void checkPortsDistinct(Values v) throws ConfigException {
    List<Key<Integer>> listeners = new ArrayList<>();
    if (v.get(KAFKA_BOOTSTRAP) == null) listeners.add(KAFKA_EMBEDDED_PORT);
    if (v.get(CLICKHOUSE_URL) == null) listeners.add(CLICKHOUSE_MANAGED_HTTP_PORT);
    listeners.addAll(List.of(OTLP_GRPC_PORT, OTLP_HTTP_PORT, ADMIN_PORT));
    Map<Integer, Key<Integer>> used = new HashMap<>();
    for (Key<Integer> key : listeners) {
      int port = v.get(key);
      if (port == 0 || port == LoghaulConfig.AUTO_PORT) continue;
      Key<Integer> other = used.putIfAbsent(port, key);
      if (other != null) {
        throw portClash(v, other, key, port);
      }
    }
    if (v.get(KAFKA_BOOTSTRAP) == null) {
      int controller =
          LoghaulConfig.Kafka.controllerPort(
              v.get(KAFKA_EMBEDDED_PORT), v.get(KAFKA_EMBEDDED_CONTROLLER_PORT));
      Key<Integer> other = used.get(controller);
      if (other != null && other != KAFKA_EMBEDDED_PORT) {
        throw portClash(v, other, KAFKA_EMBEDDED_CONTROLLER_PORT, controller);
      }
      if (controller > 65535) {
        throw new ConfigException(
            KAFKA_EMBEDDED_CONTROLLER_PORT.name(),
            KAFKA_EMBEDDED_CONTROLLER_PORT.name()
                + ": (unset: kafka.embedded.port + 1 = "
                + controller
                + ") (expected: a port up to 65535; set it, or lower kafka.embedded.port)");
      }
    }
  }

  /**
   * Two listeners on one port: the error names the key the user set (the other one only kept its
   * default), or both when both were set. {@code first} was claimed before {@code second}.
   */
  private static ConfigException portClash(
      Values v, Key<Integer> first, Key<Integer> second, int port) {
    boolean firstGiven = v.given(first);
    boolean secondGiven = v.given(second);
    Key<Integer> blamed = firstGiven && !secondGiven ? first : second;
    Key<Integer> other = blamed == first ? second : first;
    boolean otherGiven = blamed == first ? secondGiven : firstGiven;
    String whose =
        otherGiven
            ? other.name() + ", also set to " + port
            : other.name()
                + ", whose default is "
                + (other == KAFKA_EMBEDDED_CONTROLLER_PORT
                    ? "kafka.embedded.port + 1"
                    : Integer.toString(port));
    return new ConfigException(
        blamed.name(),
        blamed.name() + ": " + port + " (expected: a port not already used by " + whose + ")");
  }
}
