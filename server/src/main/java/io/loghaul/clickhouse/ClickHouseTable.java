package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The log table of docs/clickhouse-table.md: its validated, quoted name, its DDL and INSERT
 * statement per {@link ServerProfile}, and {@link #ensure} to create or check it at startup.
 * Immutable.
 *
 * <p>Identifiers come from configuration only; anything but {@code [A-Za-z_][A-Za-z0-9_]*} of at
 * most {@value #MAX_IDENTIFIER_LENGTH} characters is refused, so quoting can never be escaped.
 */
public final class ClickHouseTable {
  static final int MAX_IDENTIFIER_LENGTH = 128;

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private static final String LEVEL_ENUM =
      "Enum8('TRACE' = 1, 'DEBUG' = 2, 'INFO' = 3, 'WARN' = 4, 'ERROR' = 5, 'FATAL' = 6)";

  private final String database;
  private final String table;
  private final ServerProfile profile;

  private ClickHouseTable(String database, String table, ServerProfile profile) {
    this.database = checkIdentifier("clickhouse.database", database);
    this.table = checkIdentifier("clickhouse.table", table);
    this.profile = requireNonNull(profile, "profile");
  }

  /**
   * A table of this name and layout, without asking any server.
   *
   * @throws IllegalArgumentException when a name is not a plain identifier
   */
  public static ClickHouseTable of(String database, String table, ServerProfile profile) {
    return new ClickHouseTable(database, table, profile);
  }

  /**
   * Connects the configured table at startup: reads {@code SELECT version()}, picks the profile,
   * runs {@code CREATE TABLE IF NOT EXISTS} when {@code create} is set, then checks the table
   * exists and has the columns loghaul writes. The returned profile is the layout of the table as
   * found, so a table created on 18.16 keeps being written correctly after a server upgrade.
   *
   * @throws IllegalArgumentException when a name is not a plain identifier
   * @throws IllegalStateException when the table is missing (and {@code create} is off) or lacks
   *     columns; the message names {@code clickhouse.table}
   * @throws ClickHouseException when the server fails or cannot be reached
   */
  public static ClickHouseTable ensure(
      ClickHouseHttpClient client, String database, String table, boolean create)
      throws ClickHouseException {
    requireNonNull(client, "client");
    ServerProfile serverProfile = ServerProfile.forVersion(client.query("SELECT version()"));
    ClickHouseTable wanted = new ClickHouseTable(database, table, serverProfile);
    if (create) {
      client.query(wanted.createTableSql(serverProfile));
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
    return new ClickHouseTable(wanted.database, wanted.table, layout);
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

  /** {@code `database`.`table`}. */
  public String qualifiedName() {
    return '`' + database + "`.`" + table + '`';
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
    boolean modern = profile == ServerProfile.MODERN;
    String lowCardinalityString = modern ? "LowCardinality(String)" : "String";
    return "CREATE TABLE IF NOT EXISTS "
        + qualifiedName()
        + " (\n"
        + "  timestamp "
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
        + "  kafka_offset UInt64\n"
        + ") ENGINE = MergeTree\n"
        + "PARTITION BY toDate(timestamp)\n"
        // 18.16 accepts this new-style MergeTree syntax as is (index_granularity defaults to 8192)
        + "ORDER BY (service_name, timestamp)";
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
    return qualifiedName() + " (" + profile + ")";
  }
}
