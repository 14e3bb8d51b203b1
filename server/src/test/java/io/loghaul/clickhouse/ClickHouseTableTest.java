package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClickHouseTableTest {

  @Test
  void quotesDatabaseAndTable() {
    ClickHouseTable t = ClickHouseTable.of("default", "logs_2", ServerProfile.LEGACY);

    assertThat(t.qualifiedName()).isEqualTo("`default`.`logs_2`");
    assertThat(t.profile()).isEqualTo(ServerProfile.LEGACY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"_", "a", "Logs", "_x9", "t123456789"})
  void acceptsPlainIdentifiers(String name) {
    assertThat(ClickHouseTable.of(name, name, ServerProfile.MODERN).table()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "x;y", "9logs", "my-logs", "a.b", "a`b", "a b", "naïve", "logs\n", "a'b"})
  void rejectsAnythingButPlainIdentifiers(String name) {
    assertThatThrownBy(() -> ClickHouseTable.of("default", name, ServerProfile.LEGACY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("clickhouse.table: \"")
        .hasMessageContaining("(expected: [A-Za-z_][A-Za-z0-9_]*, at most 128 characters)");
    assertThatThrownBy(() -> ClickHouseTable.of(name, "logs", ServerProfile.LEGACY))
        .hasMessageStartingWith("clickhouse.database: ");
  }

  @Test
  void namesTheOffendingValue() {
    assertThatThrownBy(() -> ClickHouseTable.of("default", "x;y", ServerProfile.LEGACY))
        .hasMessage(
            "clickhouse.table: \"x;y\" (expected: [A-Za-z_][A-Za-z0-9_]*, at most 128 characters)");
  }

  @Test
  void limitsIdentifiersTo128Characters() {
    assertThat(ClickHouseTable.of("d", "t".repeat(128), ServerProfile.LEGACY).table()).hasSize(128);
    assertThatThrownBy(() -> ClickHouseTable.of("d", "t".repeat(129), ServerProfile.LEGACY))
        .hasMessageStartingWith("clickhouse.table: ");
  }

  @Test
  void writesLegacyDdl() {
    assertThat(
            ClickHouseTable.of("default", "logs", ServerProfile.LEGACY)
                .createTableSql(ServerProfile.LEGACY))
        .isEqualTo(
            """
            CREATE TABLE IF NOT EXISTS `default`.`logs` (
              timestamp DateTime('UTC'),
              timestamp_ns UInt64,
              service_name String,
              level Enum8('TRACE' = 1, 'DEBUG' = 2, 'INFO' = 3, 'WARN' = 4, 'ERROR' = 5, 'FATAL' = 6),
              message String,
              trace_id String,
              span_id String,
              attributes Nested(key String, value String),
              kafka_topic String,
              kafka_partition UInt32,
              kafka_offset UInt64
            ) ENGINE = MergeTree
            PARTITION BY toDate(timestamp)
            ORDER BY (service_name, timestamp)""");
  }

  @Test
  void writesModernDdl() {
    assertThat(
            ClickHouseTable.of("db", "logs", ServerProfile.LEGACY)
                .createTableSql(ServerProfile.MODERN))
        .isEqualTo(
            """
            CREATE TABLE IF NOT EXISTS `db`.`logs` (
              timestamp DateTime64(9, 'UTC'),
              timestamp_ns UInt64,
              service_name LowCardinality(String),
              level Enum8('TRACE' = 1, 'DEBUG' = 2, 'INFO' = 3, 'WARN' = 4, 'ERROR' = 5, 'FATAL' = 6),
              message String,
              trace_id String,
              span_id String,
              attributes Map(LowCardinality(String), String),
              kafka_topic LowCardinality(String),
              kafka_partition UInt32,
              kafka_offset UInt64
            ) ENGINE = MergeTree
            PARTITION BY toDate(timestamp)
            ORDER BY (service_name, timestamp)""");
  }

  @Test
  void listsNestedSubcolumnsInLegacyInserts() {
    assertThat(ClickHouseTable.of("default", "logs", ServerProfile.LEGACY).insertSql())
        .isEqualTo(
            "INSERT INTO `default`.`logs` (`timestamp`, `timestamp_ns`, `service_name`, `level`, `message`, "
                + "`trace_id`, `span_id`, `attributes.key`, `attributes.value`, `kafka_topic`, `kafka_partition`, "
                + "`kafka_offset`) FORMAT RowBinary");
  }

  @Test
  void listsTheMapColumnInModernInserts() {
    assertThat(ClickHouseTable.of("default", "logs", ServerProfile.MODERN).insertSql())
        .isEqualTo(
            "INSERT INTO `default`.`logs` (`timestamp`, `timestamp_ns`, `service_name`, `level`, `message`, "
                + "`trace_id`, `span_id`, `attributes`, `kafka_topic`, `kafka_partition`, `kafka_offset`) FORMAT RowBinary");
  }

  @Test
  void writesTheReplicatedAndTheDistributedTableOnACluster() {
    ClickHouseTable t = ClickHouseTable.of("db", "logs", ServerProfile.LEGACY, "prod");

    assertThat(t.qualifiedName()).isEqualTo("`db`.`logs`");
    assertThat(t.localName()).isEqualTo("`db`.`logs_local`");
    assertThat(t.insertSql()).startsWith("INSERT INTO `db`.`logs` (");
    String columns =
        ClickHouseTable.of("db", "logs", ServerProfile.LEGACY)
            .createTableSql()
            .lines()
            .toList()
            .subList(1, 12)
            .stream()
            .reduce("", (a, b) -> a + b + "\n");
    assertThat(t.createTableStatements(ServerProfile.LEGACY))
        .containsExactly(
            "CREATE TABLE IF NOT EXISTS `db`.`logs_local` ON CLUSTER `prod` (\n"
                + columns
                + ") ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/db.logs_local',"
                + " '{replica}')\n"
                + "PARTITION BY toDate(timestamp)\n"
                + "ORDER BY (service_name, timestamp)",
            "CREATE TABLE IF NOT EXISTS `db`.`logs` ON CLUSTER `prod` (\n"
                + columns
                + ") ENGINE = Distributed('prod', 'db', 'logs_local', kafka_partition)");
  }

  @Test
  void writesOneStatementOnOneServer() {
    ClickHouseTable t = ClickHouseTable.of("db", "logs", ServerProfile.MODERN);

    assertThat(t.cluster()).isNull();
    assertThat(t.createTableStatements(ServerProfile.MODERN)).containsExactly(t.createTableSql());
  }

  @Test
  void refusesAClusterNameThatIsNotAnIdentifier() {
    assertThatThrownBy(() -> ClickHouseTable.of("db", "logs", ServerProfile.LEGACY, "a`b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("clickhouse.cluster: ");
  }
}
