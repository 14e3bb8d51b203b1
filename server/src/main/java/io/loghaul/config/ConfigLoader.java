package io.loghaul.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.loghaul.ingest.ListenerLimits;
import io.loghaul.schema.SchemaLimits;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds the {@link LoghaulConfig} of one process from three sources (docs/configuration.md#how-settings-are-given): {@code --key=value}
 * command-line arguments, {@code LOGHAUL_<KEY>} environment variables (upper case, {@code .} and
 * {@code -} become {@code _}), and a Java properties file named by {@code --config=FILE} or {@code
 * LOGHAUL_CONFIG}. For every key the command line beats the environment, which beats the file,
 * which beats the built-in default.
 *
 * <p>Every key is defined once in a table (name, default, parser, meaning), which drives loading,
 * {@link #describe() usage text} and {@link #render(LoghaulConfig) logging}. Loading stops at the
 * first problem (unknown key, unknown {@code LOGHAUL_*} variable, malformed value, conflicting keys)
 * with a {@link ConfigException} whose message reads {@code key: value (expected: ...)}; secret
 * values never appear in messages or rendered output. Values are trimmed (except the password); an
 * empty value of an optional key such as {@code kafka.bootstrap} means unset.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {

  /** Environment variable naming a properties file, the same as {@code --config=FILE}. */
  static final String CONFIG_ENV = "LOGHAUL_CONFIG";

  private static final String CONFIG_KEY = "config";
  private static final String ENV_PREFIX = "LOGHAUL_";

  /** {@code LOGHAUL_*} variables read by the {@code ./loghaul} launcher rather than the server. */
  private static final Set<String> LAUNCHER_ENV = Set.of("LOGHAUL_JAVA_OPTS");

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final int MAX_ECHOED_CHARS = 100;
  private static final String REDACTED = "****";

  private static final List<Key> KEYS =
      List.of(
          key("data.dir", "./data", "embedded Kafka and managed ClickHouse data",
              ConfigLoader::path, c -> c.dataDir()),
          optional("kafka.bootstrap", "external Kafka (host:port,...); unset = embedded broker",
              ConfigLoader::bootstrap, c -> c.kafka().bootstrap()),
          key("kafka.embedded.port", "9092", "embedded broker's client port",
              ConfigLoader::port, c -> c.kafka().embeddedPort()),
          key("kafka.topics", "logs", "comma-separated topics the pipeline consumes",
              ConfigLoader::topicList, c -> String.join(",", c.kafka().topics())),
          key("kafka.ingest-topic", "logs", "topic OTLP-ingested records are produced to",
              ConfigLoader::topic, c -> c.kafka().ingestTopic()),
          key("kafka.dlq-topic", "logs.dlq", "dead-letter topic",
              ConfigLoader::topic, c -> c.kafka().dlqTopic()),
          key("kafka.group", "loghaul", "consumer group id",
              ConfigLoader::nonEmpty, c -> c.kafka().group()),
          key("kafka.create-topics", "true", "create missing topics at startup",
              ConfigLoader::bool, c -> c.kafka().createTopics()),
          key("kafka.topic-partitions", "8", "partitions of topics created at startup",
              ConfigLoader::positiveInt, c -> c.kafka().topicPartitions()),
          optional("clickhouse.url", "e.g. http://host:8123; unset = managed local server",
              ConfigLoader::url, c -> c.clickhouse().url()),
          key("clickhouse.managed.http-port", "8123", "managed server's HTTP port",
              ConfigLoader::port, c -> c.clickhouse().managedHttpPort()),
          key("clickhouse.user", "default", "ClickHouse user",
              ConfigLoader::nonEmpty, c -> c.clickhouse().user()),
          new Key("clickhouse.password", "", "ClickHouse password", ConfigLoader::any,
              c -> c.clickhouse().password(), true, false),
          new Key("clickhouse.password-file", null,
              "file holding the ClickHouse password (trailing newline stripped)",
              ConfigLoader::path, null, false, true),
          key("clickhouse.database", "default", "database of the table",
              ConfigLoader::identifier, c -> c.clickhouse().database()),
          key("clickhouse.table", "logs", "table rows are inserted into",
              ConfigLoader::identifier, c -> c.clickhouse().table()),
          key("clickhouse.create-table", "true", "create the table if missing",
              ConfigLoader::bool, c -> c.clickhouse().createTable()),
          key("batch.max-rows", "100000", "flush a batch at this many rows ...",
              ConfigLoader::positiveInt, c -> c.batch().maxRows()),
          key("batch.max-bytes", "16777216", "... or this many encoded bytes ...",
              ConfigLoader::positiveLong, c -> c.batch().maxBytes()),
          key("batch.max-delay-ms", "1000", "... or when its oldest row is this old",
              ConfigLoader::positiveLong, c -> c.batch().maxDelayMs()),
          key("schema.max-record-bytes", "1048576", "whole Kafka record value",
              ConfigLoader::positiveInt, c -> c.schema().maxRecordBytes()),
          key("schema.max-service-name-bytes", "256", "service_name, UTF-8 bytes",
              ConfigLoader::positiveInt, c -> c.schema().maxServiceNameBytes()),
          key("schema.max-message-bytes", "65536", "message after JSON unescaping, UTF-8 bytes",
              ConfigLoader::positiveInt, c -> c.schema().maxMessageBytes()),
          key("schema.max-attributes", "128", "keys in attributes",
              ConfigLoader::positiveInt, c -> c.schema().maxAttributes()),
          key("schema.max-attribute-key-bytes", "256", "one attribute key, UTF-8 bytes",
              ConfigLoader::positiveInt, c -> c.schema().maxAttributeKeyBytes()),
          key("schema.max-attribute-value-bytes", "16384", "one stored (stringified) value",
              ConfigLoader::positiveInt, c -> c.schema().maxAttributeValueBytes()),
          key("schema.max-depth", "8", "nesting depth inside one attribute value",
              ConfigLoader::positiveInt, c -> c.schema().maxDepth()),
          key("schema.max-age-seconds", "604800", "oldest accepted timestamp, relative to now",
              ConfigLoader::positiveLong, c -> c.schema().maxAgeSeconds()),
          key("schema.max-future-seconds", "900", "newest accepted timestamp, relative to now",
              ConfigLoader::positiveLong, c -> c.schema().maxFutureSeconds()),
          key("otlp.grpc.port", "4317", "OTLP/gRPC port; 0 disables",
              ConfigLoader::portOrZero, c -> c.otlp().grpcPort()),
          key("otlp.http.port", "4318", "OTLP/HTTP port; 0 disables",
              ConfigLoader::portOrZero, c -> c.otlp().httpPort()),
          key("otlp.grpc.host", "0.0.0.0", "address the OTLP/gRPC listener binds",
              ConfigLoader::host, c -> c.otlp().grpcHost()),
          key("otlp.http.host", "0.0.0.0", "address the OTLP/HTTP listener binds",
              ConfigLoader::host, c -> c.otlp().httpHost()),
          key("otlp.max-request-bytes", "16777216", "largest OTLP request, after decompression",
              ConfigLoader::positiveLong, c -> c.otlp().maxRequestBytes()),
          key("otlp.max-inflight-bytes", "67108864",
              "accepted OTLP bytes waiting for Kafka acks; beyond it requests are refused",
              ConfigLoader::positiveLong, c -> c.otlp().maxInflightBytes()),
          key("otlp.max-connections", "4096",
              "open connections per OTLP listener; more are closed as soon as accepted",
              ConfigLoader::positiveInt, c -> c.otlp().limits().maxConnections()),
          key("otlp.max-header-bytes", "8192", "HTTP request headers / gRPC header list, bytes",
              ConfigLoader::positiveInt, c -> c.otlp().limits().maxHeaderBytes()),
          key("otlp.http.header-timeout-ms", "10000",
              "OTLP/HTTP: time from a request's first byte to the end of its headers",
              ConfigLoader::positiveLong, c -> c.otlp().limits().headerTimeout().toMillis()),
          key("otlp.http.body-timeout-ms", "60000",
              "OTLP/HTTP: time from the end of a request's headers to the end of its body",
              ConfigLoader::positiveLong, c -> c.otlp().limits().bodyTimeout().toMillis()),
          key("otlp.http.idle-timeout-ms", "60000",
              "OTLP/HTTP: an idle keep-alive connection is closed after this",
              ConfigLoader::positiveLong, c -> c.otlp().limits().idleTimeout().toMillis()),
          key("otlp.grpc.max-concurrent-streams", "256", "OTLP/gRPC: concurrent calls per connection",
              ConfigLoader::positiveInt, c -> c.otlp().limits().maxConcurrentStreams()),
          key("otlp.grpc.min-ping-interval-ms", "10000",
              "OTLP/gRPC: clients pinging more often, or without calls, get GOAWAY",
              ConfigLoader::positiveLong, c -> c.otlp().limits().minPingInterval().toMillis()),
          key("otlp.grpc.max-connection-idle-ms", "300000",
              "OTLP/gRPC: a connection without calls is closed after this",
              ConfigLoader::positiveLong, c -> c.otlp().limits().maxConnectionIdle().toMillis()),
          key("otlp.grpc.max-connection-age-ms", "1800000",
              "OTLP/gRPC: connections are closed gracefully after this (clients reconnect); 0 = never",
              ConfigLoader::nonNegativeLong, c -> c.otlp().limits().maxConnectionAge().toMillis()),
          key("otlp.grpc.max-connection-age-grace-ms", "30000",
              "OTLP/gRPC: time calls get to finish when their connection reaches its age",
              ConfigLoader::positiveLong, c -> c.otlp().limits().maxConnectionAgeGrace().toMillis()),
          key("admin.port", "9464", "/metrics, /healthz, /readyz",
              ConfigLoader::port, c -> c.adminPort()),
          key("admin.host", "0.0.0.0", "address the admin listener binds",
              ConfigLoader::host, c -> c.adminHost()),
          optional("tracing.otlp-endpoint", "OTLP endpoint for loghaul's own traces; unset = off",
              ConfigLoader::url, c -> c.tracing().otlpEndpoint()),
          key("tracing.sample-ratio", "1.0", "share of loghaul's own traces sampled, 0..1",
              ConfigLoader::ratio, c -> c.tracing().sampleRatio()));

  private static final Map<String, Key> BY_NAME =
      KEYS.stream().collect(Collectors.toUnmodifiableMap(Key::name, k -> k));
  private static final Map<String, Key> BY_ENV =
      KEYS.stream().collect(Collectors.toUnmodifiableMap(k -> envName(k.name()), k -> k));

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
    requireNonNull(args, "args");
    requireNonNull(env, "env");

    Map<String, String> fromArgs = new HashMap<>();
    String configFile = null;
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        // Only the part before '=' is echoed: the rest may be a password typed without "--".
        String shown = eq < 0 ? arg : arg.substring(0, eq) + "=...";
        throw new ConfigException(shown,
            echo(shown) + ": not a setting (expected: --key=value, see --help)");
      }
      String name = arg.substring(2, eq);
      String value = arg.substring(eq + 1);
      if (name.equals(CONFIG_KEY)) {
        configFile = value;
      } else if (BY_NAME.containsKey(name)) {
        fromArgs.put(name, value);
      } else {
        throw unknownKey(name, "on the command line");
      }
    }

    Map<String, String> fromEnv = new HashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String var = e.getKey();
      if (!var.startsWith(ENV_PREFIX) || var.equals(CONFIG_ENV) || LAUNCHER_ENV.contains(var)) {
        continue;
      }
      Key key = BY_ENV.get(var);
      if (key == null) {
        throw new ConfigException(var, var + ": unknown environment variable (expected: "
            + "LOGHAUL_<KEY> for one of the keys listed by --help" + suggestEnv(var) + ")");
      }
      fromEnv.put(key.name(), e.getValue());
    }
    if (configFile == null) {
      configFile = env.get(CONFIG_ENV);
    }

    Map<String, String> fromFile =
        configFile == null || configFile.isBlank() ? Map.of() : readFile(configFile.trim());

    Map<String, Object> parsed = new HashMap<>();
    Map<String, Boolean> given = new HashMap<>();
    for (Key key : KEYS) {
      String raw = fromArgs.get(key.name());
      if (raw == null) raw = fromEnv.get(key.name());
      if (raw == null) raw = fromFile.get(key.name());
      given.put(key.name(), raw != null);
      if (raw == null) raw = key.defaultValue();
      if (raw != null && !key.secret()) raw = raw.trim();
      parsed.put(key.name(), raw == null || (key.optional() && raw.isEmpty())
          ? null
          : key.parser().parse(key.name(), raw));
    }
    return build(parsed, given);
  }

  /**
   * Usage text for {@code --help}: how settings are given, then one line per key with its
   * default and meaning, in the order of docs/configuration.md#keys.
   */
  public static String describe() {
    int width = KEYS.stream().mapToInt(k -> k.name().length()).max().orElse(0) + 2;
    int defaultWidth = KEYS.stream()
        .mapToInt(k -> shownDefault(k).length()).max().orElse(0) + 2;
    StringBuilder out = new StringBuilder()
        .append("Settings: --key=value on the command line, environment variable LOGHAUL_<KEY>\n")
        .append("(upper case, '.' and '-' become '_'), or key=value lines in a properties file\n")
        .append("given with --config=FILE (or LOGHAUL_CONFIG). Command line beats environment\n")
        .append("beats file beats default.\n\n")
        .append(pad("key", width)).append(pad("default", defaultWidth)).append("meaning\n");
    for (Key key : KEYS) {
      out.append(pad(key.name(), width))
          .append(pad(shownDefault(key), defaultWidth))
          .append(key.meaning())
          .append('\n');
    }
    return out.toString();
  }

  /**
   * The effective value of every key, in the order of docs/configuration.md#keys, as text: unset optional keys are
   * {@code (unset)}, a non-empty password is {@code ****}; {@code clickhouse.password-file} is not
   * listed (its content is the password).
   */
  public static Map<String, String> effective(LoghaulConfig config) {
    requireNonNull(config, "config");
    Map<String, String> out = new LinkedHashMap<>();
    for (Key key : KEYS) {
      if (key.current() == null) continue;
      Object value = key.current().apply(config);
      String text = value == null ? "(unset)" : value.toString();
      if (key.secret() && !text.isEmpty()) text = REDACTED;
      out.put(key.name(), text);
    }
    return out;
  }

  /** The effective configuration on one line ({@code key=value, ...}) for the startup log. */
  public static String render(LoghaulConfig config) {
    return effective(config).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** Every key name, in the order of docs/configuration.md#keys. */
  static List<String> keys() {
    return KEYS.stream().map(Key::name).toList();
  }

  /** The default of a key as text, or {@code null} for a key unset by default. */
  static String defaultOf(String name) {
    return BY_NAME.get(name).defaultValue();
  }

  /** {@code kafka.embedded.port} → {@code LOGHAUL_KAFKA_EMBEDDED_PORT}. */
  static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static LoghaulConfig build(Map<String, Object> v, Map<String, Boolean> given)
      throws ConfigException {
    String password = (String) v.get("clickhouse.password");
    Path passwordFile = (Path) v.get("clickhouse.password-file");
    if (passwordFile != null) {
      if (given.get("clickhouse.password") && !password.isEmpty()) {
        throw new ConfigException("clickhouse.password-file",
            "clickhouse.password-file: " + echo(passwordFile.toString())
                + " (expected: not set together with clickhouse.password)");
      }
      password = readPassword(passwordFile);
    }
    checkPortsDistinct(v);

    LoghaulConfig.Kafka kafka = new LoghaulConfig.Kafka(
        (String) v.get("kafka.bootstrap"),
        (int) v.get("kafka.embedded.port"),
        castList(v.get("kafka.topics")),
        (String) v.get("kafka.ingest-topic"),
        (String) v.get("kafka.dlq-topic"),
        (String) v.get("kafka.group"),
        (boolean) v.get("kafka.create-topics"),
        (int) v.get("kafka.topic-partitions"));
    LoghaulConfig.ClickHouse clickhouse = new LoghaulConfig.ClickHouse(
        (String) v.get("clickhouse.url"),
        (int) v.get("clickhouse.managed.http-port"),
        (String) v.get("clickhouse.user"),
        password,
        (String) v.get("clickhouse.database"),
        (String) v.get("clickhouse.table"),
        (boolean) v.get("clickhouse.create-table"));
    LoghaulConfig.Batch batch = new LoghaulConfig.Batch(
        (int) v.get("batch.max-rows"),
        (long) v.get("batch.max-bytes"),
        (long) v.get("batch.max-delay-ms"));
    SchemaLimits schema = new SchemaLimits(
        (int) v.get("schema.max-record-bytes"),
        (int) v.get("schema.max-service-name-bytes"),
        (int) v.get("schema.max-message-bytes"),
        (int) v.get("schema.max-attributes"),
        (int) v.get("schema.max-attribute-key-bytes"),
        (int) v.get("schema.max-attribute-value-bytes"),
        (int) v.get("schema.max-depth"),
        (long) v.get("schema.max-age-seconds"),
        (long) v.get("schema.max-future-seconds"));
    ListenerLimits limits = new ListenerLimits(
        (int) v.get("otlp.max-connections"),
        (int) v.get("otlp.max-header-bytes"),
        millis(v, "otlp.http.header-timeout-ms"),
        millis(v, "otlp.http.body-timeout-ms"),
        millis(v, "otlp.http.idle-timeout-ms"),
        (int) v.get("otlp.grpc.max-concurrent-streams"),
        millis(v, "otlp.grpc.min-ping-interval-ms"),
        millis(v, "otlp.grpc.max-connection-idle-ms"),
        millis(v, "otlp.grpc.max-connection-age-ms"),
        millis(v, "otlp.grpc.max-connection-age-grace-ms"));
    LoghaulConfig.Otlp otlp = new LoghaulConfig.Otlp(
        (String) v.get("otlp.grpc.host"),
        (int) v.get("otlp.grpc.port"),
        (String) v.get("otlp.http.host"),
        (int) v.get("otlp.http.port"),
        (long) v.get("otlp.max-request-bytes"),
        (long) v.get("otlp.max-inflight-bytes"),
        limits);
    LoghaulConfig.Tracing tracing = new LoghaulConfig.Tracing(
        (String) v.get("tracing.otlp-endpoint"),
        (double) v.get("tracing.sample-ratio"));
    return new LoghaulConfig(
        (Path) v.get("data.dir"), kafka, clickhouse, batch, schema, otlp,
        (String) v.get("admin.host"), (int) v.get("admin.port"), tracing);
  }

  private static Duration millis(Map<String, Object> v, String key) {
    return Duration.ofMillis((long) v.get(key));
  }

  /** Two listeners of this process on one port would fail at bind time with a vaguer error. */
  private static void checkPortsDistinct(Map<String, Object> v) throws ConfigException {
    List<String> listeners = new ArrayList<>();
    if (v.get("kafka.bootstrap") == null) listeners.add("kafka.embedded.port");
    if (v.get("clickhouse.url") == null) listeners.add("clickhouse.managed.http-port");
    listeners.addAll(List.of("otlp.grpc.port", "otlp.http.port", "admin.port"));
    Map<Integer, String> used = new HashMap<>();
    for (String key : listeners) {
      int port = (int) v.get(key);
      if (port == 0) continue;
      String other = used.putIfAbsent(port, key);
      if (other != null) {
        throw new ConfigException(key,
            key + ": " + port + " (expected: a port not already used by " + other + ")");
      }
    }
  }

  private static Map<String, String> readFile(String file) throws ConfigException {
    Properties props = new Properties();
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw invalid(CONFIG_KEY, file, "a readable properties file");
    }
    try (Reader in = Files.newBufferedReader(path, UTF_8)) {
      props.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(CONFIG_KEY,
          CONFIG_KEY + ": " + echo(file) + " (expected: a readable properties file; " + e + ")", e);
    }
    Map<String, String> out = new HashMap<>();
    for (String name : new TreeMap<>(propertyMap(props)).keySet()) {
      if (!BY_NAME.containsKey(name)) throw unknownKey(name, "in " + echo(file));
      out.put(name, props.getProperty(name));
    }
    return out;
  }

  private static Map<String, String> propertyMap(Properties props) {
    Map<String, String> out = new HashMap<>();
    for (String name : props.stringPropertyNames()) out.put(name, props.getProperty(name));
    return out;
  }

  private static String readPassword(Path file) throws ConfigException {
    String content;
    try {
      content = Files.readString(file, UTF_8);
    } catch (CharacterCodingException e) {
      throw invalid("clickhouse.password-file", file.toString(), "a UTF-8 text file");
    } catch (IOException e) {
      throw new ConfigException("clickhouse.password-file", "clickhouse.password-file: "
          + echo(file.toString()) + " (expected: a readable file; " + e.getClass().getSimpleName()
          + ")", e);
    }
    int end = content.length();
    while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) end--;
    return content.substring(0, end);
  }

  private static ConfigException unknownKey(String name, String where) {
    return new ConfigException(name, echo(name) + ": unknown key " + where
        + " (expected: one of the keys listed by --help" + suggest(name) + ")");
  }

  private static String suggest(String name) {
    String best = null;
    int bestDistance = 3;
    for (Key key : KEYS) {
      int d = distance(name, key.name());
      if (d < bestDistance) {
        bestDistance = d;
        best = key.name();
      }
    }
    return best == null ? "" : "; did you mean " + best + "?";
  }

  private static String suggestEnv(String var) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : BY_ENV.keySet().stream().sorted().toList()) {
      int d = distance(var, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best == null ? "" : "; did you mean " + best + "?";
  }

  /** Levenshtein distance; names are short and this runs only on the error path. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  // ---- parsers: each returns the typed value or throws naming the key ----

  private static Object any(String key, String value) {
    return value;
  }

  private static Object nonEmpty(String key, String value) throws ConfigException {
    if (value.isEmpty()) throw invalid(key, value, "a non-empty string");
    return value;
  }

  private static Object path(String key, String value) throws ConfigException {
    if (value.isEmpty()) throw invalid(key, value, "a file system path");
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw invalid(key, value, "a file system path");
    }
  }

  private static Object bool(String key, String value) throws ConfigException {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, value, "true or false");
    };
  }

  private static Object positiveInt(String key, String value) throws ConfigException {
    long n = parseLong(key, value, "an integer > 0");
    if (n <= 0) throw invalid(key, value, "> 0");
    if (n > Integer.MAX_VALUE) throw invalid(key, value, "<= " + Integer.MAX_VALUE);
    return (int) n;
  }

  private static Object positiveLong(String key, String value) throws ConfigException {
    long n = parseLong(key, value, "an integer > 0");
    if (n <= 0) throw invalid(key, value, "> 0");
    return n;
  }

  private static Object nonNegativeLong(String key, String value) throws ConfigException {
    long n = parseLong(key, value, "an integer >= 0");
    if (n < 0) throw invalid(key, value, ">= 0");
    return n;
  }

  /** A literal IPv4/IPv6 address or a host name; not resolved here (binding reports that). */
  private static Object host(String key, String value) throws ConfigException {
    if (!HOST.matcher(value).matches()) {
      throw invalid(key, value, "an IP address or host name to bind, e.g. 0.0.0.0, ::, 127.0.0.1");
    }
    return value;
  }

  private static Object port(String key, String value) throws ConfigException {
    long n = parseLong(key, value, "a port 1..65535");
    if (n < 1 || n > 65535) throw invalid(key, value, "1..65535");
    return (int) n;
  }

  private static Object portOrZero(String key, String value) throws ConfigException {
    long n = parseLong(key, value, "a port 0..65535, 0 disables");
    if (n < 0 || n > 65535) throw invalid(key, value, "0..65535, 0 disables");
    return (int) n;
  }

  private static long parseLong(String key, String value, String expected)
      throws ConfigException {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw invalid(key, value, expected);
    }
  }

  private static Object ratio(String key, String value) throws ConfigException {
    double d;
    try {
      d = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw invalid(key, value, "a number in [0, 1]");
    }
    if (!(d >= 0 && d <= 1)) throw invalid(key, value, "a number in [0, 1]");
    return d;
  }

  private static Object topic(String key, String value) throws ConfigException {
    if (!isTopicName(value)) throw invalid(key, value, "a Kafka topic name of [A-Za-z0-9._-]");
    return value;
  }

  private static Object topicList(String key, String value) throws ConfigException {
    List<String> topics = Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(t -> !t.isEmpty())
        .distinct()
        .toList();
    if (topics.isEmpty() || !topics.stream().allMatch(ConfigLoader::isTopicName)) {
      throw invalid(key, value, "a comma-separated list of Kafka topic names of [A-Za-z0-9._-]");
    }
    return topics;
  }

  private static boolean isTopicName(String name) {
    return TOPIC.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  private static Object identifier(String key, String value) throws ConfigException {
    if (!IDENTIFIER.matcher(value).matches()) {
      throw invalid(key, value, "an identifier matching [A-Za-z_][A-Za-z0-9_]*");
    }
    return value;
  }

  private static Object bootstrap(String key, String value) throws ConfigException {
    String expected = "host:port[,host:port...]";
    List<String> servers = new ArrayList<>();
    for (String part : value.split(",")) {
      String server = part.trim();
      int colon = server.lastIndexOf(':');
      if (colon <= 0) throw invalid(key, value, expected);
      long port;
      try {
        port = Long.parseLong(server.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw invalid(key, value, expected);
      }
      if (port < 1 || port > 65535) throw invalid(key, value, expected);
      servers.add(server);
    }
    return String.join(",", servers);
  }

  private static Object url(String key, String value) throws ConfigException {
    URI uri;
    try {
      uri = new URI(value);
    } catch (Exception e) {
      throw invalid(key, value, "an http:// or https:// URL");
    }
    if (uri.getRawUserInfo() != null) {
      // The user info may hold a password: say what is wrong without showing it.
      throw new ConfigException(key, key + ": (not shown, it contains credentials) (expected: an "
          + "http:// or https:// URL without user info; use clickhouse.user and "
          + "clickhouse.password)");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw invalid(key, value, "an http:// or https:// URL");
    }
    String text = value;
    while (text.endsWith("/")) text = text.substring(0, text.length() - 1);
    return text;
  }

  private static ConfigException invalid(String key, String value, String expected) {
    return new ConfigException(key, key + ": " + echo(value) + " (expected: " + expected + ")");
  }

  /** Keeps messages one readable line even when someone pastes a whole file into a flag. */
  private static String echo(String value) {
    if (value.isEmpty()) return "\"\"";
    String oneLine = value.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() <= MAX_ECHOED_CHARS
        ? oneLine
        : oneLine.substring(0, MAX_ECHOED_CHARS) + "...";
  }

  private static String shownDefault(Key key) {
    if (key.defaultValue() == null) return "(unset)";
    if (key.defaultValue().isEmpty()) return "(empty)";
    return key.defaultValue();
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object value) {
    return (List<String>) value;
  }

  private static Key key(String name, String defaultValue, String meaning, Parser parser,
      Function<LoghaulConfig, Object> current) {
    return new Key(name, defaultValue, meaning, parser, current, false, false);
  }

  private static Key optional(String name, String meaning, Parser parser,
      Function<LoghaulConfig, Object> current) {
    return new Key(name, null, meaning, parser, current, false, true);
  }

  /** Turns the raw text of one key into its typed value. */
  @FunctionalInterface
  private interface Parser {
    Object parse(String key, String value) throws ConfigException;
  }

  /**
   * One configuration key.
   *
   * @param defaultValue text parsed like any other source, or {@code null} for unset
   * @param current reads the key's value back from a config, or {@code null} if not shown
   * @param secret never echoed, never trimmed
   * @param optional an empty value means unset
   */
  private record Key(
      String name,
      String defaultValue,
      String meaning,
      Parser parser,
      Function<LoghaulConfig, Object> current,
      boolean secret,
      boolean optional) {}
}
