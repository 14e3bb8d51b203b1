package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The log table of docs/clickhouse-table.md: its validated, quoted name, its DDL and INSERT
 * statement per {@link ServerProfile}, and {@link #ensure} to create or check it at startup.
 * Immutable.
 *
 * <p>On a cluster ({@code clickhouse.cluster}, docs/clusters.md) the table is two: {@code
 * <table>_local}, a ReplicatedMergeTree on every node (ZooKeeper path {@code
 * /clickhouse/tables/{shard}/<database>.<table>_local}, replica name {@code {replica}}, both macros
 * of the node's config), and {@code <table>}, a Distributed table over it, which is what loghaul
 * inserts into and queries. Rows go to the shard {@value #SHARDING_KEY} picks: a function of the
 * row, so a batch sent again splits into the same per-shard blocks, which the replicated table
 * recognises and drops.
 *
 * <p>Identifiers come from configuration only; anything but {@code [A-Za-z_][A-Za-z0-9_]*} of at
 * most {@value #MAX_IDENTIFIER_LENGTH} characters is refused, so quoting can never be escaped.
 */
public final class ClickHouseTable {
  static final int MAX_IDENTIFIER_LENGTH = 128;

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Suffix of the replicated per-shard table on a cluster. */
  public static final String LOCAL_SUFFIX = "_local";

  /**
   * Which shard a row goes to: partition {@code p} of every topic to shard {@code p mod shards}
   * (with equal weights), so all rows of one Kafka partition live on one shard, a topic whose
   * partition count is a multiple of the shard count spreads evenly, and a batch sent again splits
   * into the same per-shard blocks.
   */
  static final String SHARDING_KEY = "kafka_partition";

  private static final String LEVEL_ENUM =
      "Enum8('TRACE' = 1, 'DEBUG' = 2, 'INFO' = 3, 'WARN' = 4, 'ERROR' = 5, 'FATAL' = 6)";

  private final String database;
  private final String table;
  private final ServerProfile profile;
  private final String cluster; // null: one server
  private final List<String> replicas; // host:tcp-port of every replica of the cluster

  private ClickHouseTable(String database, String table, ServerProfile profile, String cluster) {
    this(database, table, profile, cluster, List.of());
  }

  private ClickHouseTable(
      String database, String table, ServerProfile profile, String cluster, List<String> replicas) {
    this.database = checkIdentifier("clickhouse.database", database);
    this.table = checkIdentifier("clickhouse.table", table);
    this.profile = requireNonNull(profile, "profile");
    this.cluster = cluster == null ? null : checkIdentifier("clickhouse.cluster", cluster);
    this.replicas = List.copyOf(replicas);
  }

  /**
   * A table of this name and layout, without asking any server.
   *
   * @throws IllegalArgumentException when a name is not a plain identifier
   */
  public static ClickHouseTable of(String database, String table, ServerProfile profile) {
    return new ClickHouseTable(database, table, profile, null);
  }

  /**
   * A table of this name and layout on {@code cluster} ({@code null}: one server), without asking
   * any server.
   *
   * @throws IllegalArgumentException when a name is not a plain identifier
   */
  public static ClickHouseTable of(
      String database, String table, ServerProfile profile, String cluster) {
    return new ClickHouseTable(database, table, profile, cluster);
  }

  /** {@link #ensure(ClickHouseHttpClient, String, String, boolean, String)} on one server. */
  public static ClickHouseTable ensure(
      ClickHouseHttpClient client, String database, String table, boolean create)
      throws ClickHouseException {
    return ensure(client, database, table, create, null);
  }

  /**
   * Connects the configured table at startup: reads {@code SELECT version()}, picks the profile,
   * runs {@code CREATE TABLE IF NOT EXISTS} when {@code create} is set, then checks the table
   * exists and has the columns loghaul writes. The returned profile is the layout of the table as
   * found, so a table created on 18.16 keeps being written correctly after a server upgrade.
   *
   * <p>With a {@code cluster}, first checks the server knows it ({@code system.clusters}), creates
   * both tables {@code ON CLUSTER} (existing ones are kept as they are) and checks that {@code
   * <table>} is a Distributed table.
   *
   * @throws IllegalArgumentException when a name is not a plain identifier
   * @throws IllegalStateException when the table is missing (and {@code create} is off) or lacks
   *     columns (the message names {@code clickhouse.table}), or the cluster is unknown or the
   *     table not Distributed (the message names {@code clickhouse.cluster})
   * @throws ClickHouseException when the server fails or cannot be reached
   */
  public static ClickHouseTable ensure(
      ClickHouseHttpClient client, String database, String table, boolean create, String cluster)
      throws ClickHouseException {
    requireNonNull(client, "client");
    ServerProfile serverProfile = ServerProfile.forVersion(client.query("SELECT version()"));
    ClickHouseTable wanted = new ClickHouseTable(database, table, serverProfile, cluster);
    if (cluster != null) {
      checkCluster(client, cluster);
    }
    if (create) {
      for (String ddl : wanted.createTableStatements(serverProfile)) {
        client.query(ddl);
      }
    }
    if (cluster != null) {
      wanted.checkDistributed(client);
    }
    // Identifiers are validated, so they are safe inside string literals.
    String tsv =
        client.query(
            "SELECT name, type FROM system.columns WHERE database = '"
                + wanted.database
                + "' AND table = '"
                + wanted.table
                + "' FORMAT TSV");
    Map<String, String> columns = new HashMap<>();
    for (String line : tsv.split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        columns.put(line.substring(0, tab), line.substring(tab + 1));
      }
    }
    if (columns.isEmpty()) {
      throw new IllegalStateException(
          "clickhouse.table: "
              + wanted.qualifiedName()
              + " does not exist on "
              + client.url()
              + " (expected: an existing table, or clickhouse.create-table=true)");
    }
    ServerProfile layout =
        columns.containsKey("attributes.key") ? ServerProfile.LEGACY : ServerProfile.MODERN;
    for (String column : columnNames(layout)) {
      if (!columns.containsKey(column)) {
        throw new IllegalStateException(
            "clickhouse.table: "
                + wanted.qualifiedName()
                + " has no column "
                + column
                + " (expected: the columns of docs/clickhouse-table.md: "
                + String.join(", ", columnNames(layout))
                + ")");
      }
    }
    String timestampType = columns.get("timestamp");
    if (layout == ServerProfile.MODERN && !timestampType.startsWith("DateTime64(9")) {
      throw new IllegalStateException(
          "clickhouse.table: "
              + wanted.qualifiedName()
              + " column timestamp is "
              + timestampType
              + " (expected: DateTime64(9, 'UTC') with a Map attributes column)");
    }
    if (layout == ServerProfile.LEGACY
        && !timestampType.startsWith("DateTime(")
        && !timestampType.equals("DateTime")) {
      throw new IllegalStateException(
          "clickhouse.table: "
              + wanted.qualifiedName()
              + " column timestamp is "
              + timestampType
              + " (expected: DateTime('UTC') with a Nested attributes column)");
    }
    return new ClickHouseTable(
        wanted.database,
        wanted.table,
        layout,
        cluster,
        cluster == null ? List.of() : replicas(client, cluster));
  }

  /** {@code host:port} (native protocol) of every replica of every shard of {@code cluster}. */
  private static List<String> replicas(ClickHouseHttpClient client, String cluster)
      throws ClickHouseException {
    List<String> out = new ArrayList<>();
    for (String line :
        client
            .query(
                "SELECT host_name, port FROM system.clusters WHERE cluster = '"
                    + cluster
                    + "' ORDER BY shard_num, replica_num FORMAT TSV")
            .split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        out.add(line.substring(0, tab) + ':' + line.substring(tab + 1).strip());
      }
    }
    return out;
  }

  private static void checkCluster(ClickHouseHttpClient client, String cluster)
      throws ClickHouseException {
    List<String> known =
        client
            .query("SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster FORMAT TSV")
            .lines()
            .filter(l -> !l.isBlank())
            .toList();
    if (!known.contains(cluster)) {
      throw new IllegalStateException(
          "clickhouse.cluster: "
              + cluster
              + " is not a cluster of "
              + client.url()
              + " (expected: one of system.clusters, remote_servers in the server config: "
              + (known.isEmpty() ? "none configured" : String.join(", ", known))
              + ")");
    }
  }

  private void checkDistributed(ClickHouseHttpClient client) throws ClickHouseException {
    String engine =
        client
            .query(
                "SELECT engine FROM system.tables WHERE database = '"
                    + database
                    + "' AND name = '"
                    + table
                    + "' FORMAT TSV")
            .strip();
    if (!engine.isEmpty() && !engine.equals("Distributed")) {
      throw new IllegalStateException(
          "clickhouse.cluster: "
              + qualifiedName()
              + " is a "
              + engine
              + " table (expected: Distributed over "
              + localName()
              + ", as docs/clusters.md creates it; drop or rename the old table, or unset"
              + " clickhouse.cluster)");
    }
  }

  /** The layout rows must be encoded in (see {@link RowBinaryEncoder}). */
  public ServerProfile profile() {
    return profile;
  }

  public String database() {
    return database;
  }

  public String table() {
    return table;
  }

  /** The cluster the table lives on, or {@code null} on one server. */
  public String cluster() {
    return cluster;
  }

  /** {@code `database`.`table`}: the table inserted into and queried (Distributed on a cluster). */
  public String qualifiedName() {
    return '`' + database + "`.`" + table + '`';
  }

  /**
   * What the crash duplicate check reads ({@link ClickHouseStoredRows}): the table itself on one
   * server; on a cluster {@code remote()} over every replica's {@code <table>_local}, each as a
   * shard of its own. Not the Distributed table: it reads one replica per shard, and the replica
   * that did not receive an INSERT fetches it a moment later, so a question asked in between would
   * miss rows that are stored.
   */
  public String storedRowsSource() {
    if (cluster == null || replicas.isEmpty()) {
      return qualifiedName();
    }
    return "remote("
        + ClickHouseStoredRows.quote(String.join(",", replicas))
        + ", "
        + database
        + ", "
        + table
        + LOCAL_SUFFIX
        + ")";
  }

  /** {@code `database`.`table_local`}: the replicated table on every node of the cluster. */
  public String localName() {
    return '`' + database + "`.`" + table + LOCAL_SUFFIX + '`';
  }

  /**
   * The statements that create the table for {@code profile}: {@link
   * #createTableSql(ServerProfile)} on one server; on a cluster the replicated local table and the
   * Distributed table over it, both {@code ON CLUSTER}.
   */
  public List<String> createTableStatements(ServerProfile profile) {
    requireNonNull(profile, "profile");
    if (cluster == null) {
      return List.of(createTableSql(profile));
    }
    String onCluster = " ON CLUSTER `" + cluster + '`';
    List<String> out = new ArrayList<>();
    out.add(
        "CREATE TABLE IF NOT EXISTS "
            + localName()
            + onCluster
            + " (\n"
            + columnsDdl(profile)
            + ") ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/"
            + database
            + '.'
            + table
            + LOCAL_SUFFIX
            + "', '{replica}')\n"
            + "PARTITION BY toDate(timestamp)\n"
            + "ORDER BY (service_name, timestamp)");
    out.add(
        "CREATE TABLE IF NOT EXISTS "
            + qualifiedName()
            + onCluster
            + " (\n"
            + columnsDdl(profile)
            + ") ENGINE = Distributed('"
            + cluster
            + "', '"
            + database
            + "', '"
            + table
            + LOCAL_SUFFIX
            + "', "
            + SHARDING_KEY
            + ")");
    return List.copyOf(out);
  }

  /**
   * The {@code CREATE TABLE IF NOT EXISTS} statement of docs/clickhouse-table.md#ddl for this
   * table's profile.
   */
  public String createTableSql() {
    return createTableSql(profile);
  }

  /**
   * The {@code CREATE TABLE IF NOT EXISTS} statement of docs/clickhouse-table.md#ddl for {@code
   * profile}.
   */
  public String createTableSql(ServerProfile profile) {
    requireNonNull(profile, "profile");
    return "CREATE TABLE IF NOT EXISTS "
        + qualifiedName()
        + " (\n"
        + columnsDdl(profile)
        + ") ENGINE = MergeTree\n"
        + "PARTITION BY toDate(timestamp)\n"
        // 18.16 accepts this new-style MergeTree syntax as is (index_granularity defaults to 8192)
        + "ORDER BY (service_name, timestamp)";
  }

  private static String columnsDdl(ServerProfile profile) {
    boolean modern = profile == ServerProfile.MODERN;
    String lowCardinalityString = modern ? "LowCardinality(String)" : "String";
    return "  timestamp "
        + (modern ? "DateTime64(9, 'UTC')" : "DateTime('UTC')")
        + ",\n"
        + "  timestamp_ns UInt64,\n"
        + "  service_name "
        + lowCardinalityString
        + ",\n"
        + "  level "
        + LEVEL_ENUM
        + ",\n"
        + "  message String,\n"
        + "  trace_id String,\n"
        + "  span_id String,\n"
        + "  attributes "
        + (modern ? "Map(LowCardinality(String), String)" : "Nested(key String, value String)")
        + ",\n"
        + "  kafka_topic "
        + lowCardinalityString
        + ",\n"
        + "  kafka_partition UInt32,\n"
        + "  kafka_offset UInt64\n";
  }

  /** The {@code INSERT ... FORMAT RowBinary} statement for this table's profile. */
  public String insertSql() {
    return insertSql(profile);
  }

  /**
   * The {@code INSERT ... FORMAT RowBinary} statement whose columns {@link RowBinaryEncoder}
   * writes.
   */
  public String insertSql(ServerProfile profile) {
    requireNonNull(profile, "profile");
    StringBuilder sb = new StringBuilder("INSERT INTO ").append(qualifiedName()).append(" (");
    String[] names = columnNames(profile);
    for (int i = 0; i < names.length; i++) {
      sb.append(i == 0 ? "" : ", ").append('`').append(names[i]).append('`');
    }
    return sb.append(") FORMAT RowBinary").toString();
  }

  private static String[] columnNames(ServerProfile profile) {
    String attributes =
        profile == ServerProfile.MODERN ? "attributes" : "attributes.key\u0000attributes.value";
    return ("timestamp\u0000timestamp_ns\u0000service_name\u0000level\u0000message\u0000trace_id\u0000span_id\u0000"
            + attributes
            + "\u0000kafka_topic\u0000kafka_partition\u0000kafka_offset")
        .split("\u0000");
  }

  /**
   * Returns {@code name} if it is a plain identifier.
   *
   * @throws IllegalArgumentException naming {@code key} otherwise
   */
  static String checkIdentifier(String key, String name) {
    requireNonNull(name, key);
    if (name.length() > MAX_IDENTIFIER_LENGTH || !IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(
          key
              + ": \""
              + printable(name)
              + "\" (expected: [A-Za-z_][A-Za-z0-9_]*, at most "
              + MAX_IDENTIFIER_LENGTH
              + " characters)");
    }
    return name;
  }

  private static String printable(String s) {
    String cut =
        s.length() > MAX_IDENTIFIER_LENGTH + 8
            ? s.substring(0, MAX_IDENTIFIER_LENGTH + 8) + "..."
            : s;
    StringBuilder sb = new StringBuilder();
    cut.codePoints()
        .forEach(
            cp -> {
              if (cp < 0x20 || cp == 0x7F) {
                sb.append(String.format("\\u%04x", cp));
              } else {
                sb.append(Character.toChars(cp));
              }
            });
    return sb.toString();
  }

  @Override
  public String toString() {
    return qualifiedName() + " (" + profile + (cluster == null ? "" : ", cluster " + cluster) + ")";
  }
}
