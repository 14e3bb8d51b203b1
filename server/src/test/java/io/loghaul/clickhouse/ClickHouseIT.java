package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.loghaul.embedded.ManagedClickHouse;
import io.loghaul.schema.Level;
import io.loghaul.schema.LogEntry;
import io.loghaul.testkit.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The ClickHouse side against a real clickhouse-server (the Debian 18.16 package here). */
class ClickHouseIT {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final byte[] TOPIC = "logs".getBytes(StandardCharsets.UTF_8);

  @TempDir static Path dir;
  static ManagedClickHouse server;
  static ClickHouseHttpClient client;

  String table;

  @BeforeAll
  static void startServer() {
    server = ManagedClickHouse.start(dir.resolve("clickhouse"), FreePorts.freePort());
    client = new ClickHouseHttpClient(server.url(), "default", "", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void freshTableName(TestInfo test) {
    table = "t" + TABLES.incrementAndGet() + "_" + test.getTestMethod().orElseThrow().getName();
  }

  @Test
  void ensureCreatesTheLegacyTableOn18_16() throws Exception {
    ClickHouseTable t = ClickHouseTable.ensure(client, "default", table, true);

    assertThat(client.query("SELECT version()").strip()).startsWith("18.16.");
    assertThat(t.profile()).isEqualTo(ServerProfile.LEGACY);
    assertThat(t.qualifiedName()).isEqualTo("`default`.`" + table + "`");
    String ddl = client.query("SHOW CREATE TABLE " + t.qualifiedName() + " FORMAT TSVRaw");
    assertThat(ddl)
        .contains("timestamp DateTime('UTC')")
        .contains("timestamp_ns UInt64")
        .contains("service_name String")
        .contains(
            "level Enum8('TRACE' = 1, 'DEBUG' = 2, 'INFO' = 3, 'WARN' = 4, 'ERROR' = 5, 'FATAL' = 6)")
        .contains("`attributes.key` Array(String)")
        .contains("`attributes.value` Array(String)")
        .contains("kafka_topic String")
        .contains("kafka_partition UInt32")
        .contains("kafka_offset UInt64")
        .contains(
            "ENGINE = MergeTree PARTITION BY toDate(timestamp) ORDER BY (service_name, timestamp)");
  }

  @Test
  void ensureIsIdempotentAndFindsAnExistingTable() throws Exception {
    ClickHouseTable.ensure(client, "default", table, true);

    assertThat(ClickHouseTable.ensure(client, "default", table, true).profile())
        .isEqualTo(ServerProfile.LEGACY);
    assertThat(ClickHouseTable.ensure(client, "default", table, false).profile())
        .isEqualTo(ServerProfile.LEGACY);
  }

  @Test
  void ensureRefusesAMissingTableWhenNotAllowedToCreateIt() {
    assertThatThrownBy(() -> ClickHouseTable.ensure(client, "default", table, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clickhouse.table: `default`.`" + table + "` does not exist")
        .hasMessageContaining("clickhouse.create-table=true");
  }

  @Test
  void ensureRefusesATableWithoutTheExpectedColumns() throws Exception {
    client.query(
        "CREATE TABLE `default`.`"
            + table
            + "` (timestamp DateTime, `attributes.key` Array(String)) "
            + "ENGINE = MergeTree PARTITION BY toDate(timestamp) ORDER BY timestamp");

    assertThatThrownBy(() -> ClickHouseTable.ensure(client, "default", table, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "clickhouse.table: `default`.`" + table + "` has no column timestamp_ns");
  }

  @Test
  void insertedRowsComeBackWithExactValues() throws Exception {
    ClickHouseTable t = ClickHouseTable.ensure(client, "default", table, true);
    RowBinaryEncoder encoder = new RowBinaryEncoder(t.profile());
    RowBuffer rows = new RowBuffer();
    encoder.encode(RowBinaryEncoderTest.fullEntry(), TOPIC, 3, 42, rows);
    LogEntry minimal = new LogEntry();
    minimal.setTimestampNanos(1_795_316_253_000_000_001L);
    minimal.setLevel(Level.TRACE);
    minimal.setServiceName(minimal.appendUtf8("boot"), 4);
    minimal.setMessage(minimal.appendUtf8(""), 0);
    encoder.encode(minimal, "logs.other".getBytes(StandardCharsets.UTF_8), 0, 43, rows);

    client.insert(t.insertSql(), rows.array(), 0, rows.size());

    String tsv =
        client.query(
            "SELECT toUnixTimestamp(timestamp), timestamp, timestamp_ns, service_name, level, "
                + "message, trace_id, span_id, attributes.key, attributes.value, kafka_topic, kafka_partition, kafka_offset "
                + "FROM "
                + t.qualifiedName()
                + " ORDER BY kafka_offset FORMAT TSV");
    assertThat(tsv.split("\n"))
        .containsExactly(
            "1795316252\t2026-11-22 02:57:32\t1795316252123456789\tcheckout\tWARN\théllo ✓\t"
                + "4bf92f3577b34da6a3ce929d0e0e4736\t00f067aa0ba902b7\t['http.status','user']\t['200','{\"tier\":\"gold\"}']\t"
                + "logs\t3\t42",
            "1795316253\t2026-11-22 02:57:33\t1795316253000000001\tboot\tTRACE\t\t\t\t[]\t[]\tlogs.other\t0\t43");
  }

  @Test
  void insertsTwoHundredThousandRowsInManyCompressedBlocks() throws Exception {
    ClickHouseTable t = ClickHouseTable.ensure(client, "default", table, true);
    RowBinaryEncoder encoder = new RowBinaryEncoder(t.profile());
    RowBuffer rows = new RowBuffer(1 << 20);
    LogEntry e = RowBinaryEncoderTest.fullEntry();
    long base = e.timestampNanos();
    for (int i = 0; i < 200_000; i++) {
      e.setTimestampNanos(base + i * 1_000_003L);
      encoder.encode(e, TOPIC, i % 8, i, rows);
    }
    assertThat(rows.size()).isGreaterThan(4 * NativeCompression.MAX_BLOCK_BYTES);

    client.insert(t.insertSql(), rows.array(), 0, rows.size());

    assertThat(
            client
                .query(
                    "SELECT count(), sum(kafka_offset), max(timestamp_ns), uniqExact(kafka_partition), "
                        + "sum(length(attributes.key)) FROM "
                        + t.qualifiedName()
                        + " FORMAT TSV")
                .strip())
        .isEqualTo("200000\t19999900000\t" + (base + 199_999 * 1_000_003L) + "\t8\t400000");
  }

  @Test
  void reportsNestedArraysOfDifferentLengthsAsBadData() throws Exception {
    // 18.16 does not check Enum8 codes in RowBinary (an unknown level is stored as is), so the
    // refused row here breaks the other row-level rule it enforces: Nested arrays of equal length.
    ClickHouseTable t = ClickHouseTable.ensure(client, "default", table, true);
    RowBuffer rows = new RowBuffer();
    new RowBinaryEncoder(t.profile()).encode(RowBinaryEncoderTest.fullEntry(), TOPIC, 0, 1, rows);
    rows.writeUInt32LE(1_795_316_252L);
    rows.writeUInt64LE(1_795_316_252_000_000_000L);
    writeString(rows, "svc");
    rows.writeByte(Level.INFO.code());
    writeString(rows, "msg");
    writeString(rows, "");
    writeString(rows, "");
    rows.writeVarUInt(2); // two keys ...
    writeString(rows, "a");
    writeString(rows, "b");
    rows.writeVarUInt(1); // ... one value
    writeString(rows, "x");
    writeString(rows, "logs");
    rows.writeUInt32LE(0);
    rows.writeUInt64LE(2);

    ClickHouseException failure =
        catchThrowableOfType(
            ClickHouseException.class,
            () -> client.insert(t.insertSql(), rows.array(), 0, rows.size()));

    assertThat(failure.code()).isEqualTo(190);
    assertThat(failure.badData()).as(failure.getMessage()).isTrue();
    assertThat(failure.retryable()).isFalse();
    assertThat(failure.httpStatus()).isBetween(400, 599);
    assertThat(failure.getMessage()).contains("Code: 190").contains("attributes");
    assertThat(client.query("SELECT count() FROM " + t.qualifiedName()).strip()).isEqualTo("0");
  }

  @Test
  void reportsRowsAViewRefusesWithThrowIfAsBadData() throws Exception {
    ClickHouseTable t = ClickHouseTable.ensure(client, "default", table, true);
    client.query(
        "CREATE MATERIALIZED VIEW `default`.`"
            + table
            + "_check` ENGINE = Memory AS "
            + "SELECT throwIf(message = 'poison') AS refused FROM "
            + t.qualifiedName());
    LogEntry e = RowBinaryEncoderTest.fullEntry();
    e.setMessage(e.appendUtf8("poison"), 6);
    RowBuffer rows = new RowBuffer();
    new RowBinaryEncoder(t.profile()).encode(e, TOPIC, 0, 1, rows);

    ClickHouseException failure =
        catchThrowableOfType(
            ClickHouseException.class,
            () -> client.insert(t.insertSql(), rows.array(), 0, rows.size()));

    assertThat(failure.code()).isEqualTo(395);
    assertThat(failure.badData()).isTrue();
  }

  @Test
  void reportsAMissingTableAsRetryableNotBadData() {
    ClickHouseTable t = ClickHouseTable.of("default", table, ServerProfile.LEGACY);
    RowBuffer rows = new RowBuffer();
    new RowBinaryEncoder(ServerProfile.LEGACY)
        .encode(RowBinaryEncoderTest.fullEntry(), TOPIC, 0, 1, rows);

    ClickHouseException failure =
        catchThrowableOfType(
            ClickHouseException.class,
            () -> client.insert(t.insertSql(), rows.array(), 0, rows.size()));

    assertThat(failure.code()).isEqualTo(60);
    assertThat(failure.badData()).isFalse();
    assertThat(failure.retryable()).isTrue();
  }

  @Test
  void reportsAStoppedServerAsRetryableAndComesBackWithItsDataAfterRestart() throws Exception {
    ClickHouseTable t = ClickHouseTable.ensure(client, "default", table, true);
    RowBuffer rows = new RowBuffer();
    new RowBinaryEncoder(t.profile()).encode(RowBinaryEncoderTest.fullEntry(), TOPIC, 0, 1, rows);
    client.insert(t.insertSql(), rows.array(), 0, rows.size());
    int port = server.httpPort();

    try {
      server.stop();
      server.stop(); // idempotent

      assertThat(client.ping()).isFalse();
      ClickHouseException failure =
          catchThrowableOfType(
              ClickHouseException.class,
              () -> client.insert(t.insertSql(), rows.array(), 0, rows.size()));
      assertThat(failure.httpStatus()).isEqualTo(-1);
      assertThat(failure.retryable()).isTrue();
      assertThat(failure.badData()).isFalse();
    } finally {
      server.restart();
    }

    assertThat(server.httpPort()).isEqualTo(port);
    assertThat(client.ping()).isTrue();
    assertThat(client.query("SELECT count() FROM " + t.qualifiedName()).strip()).isEqualTo("1");
    client.insert(t.insertSql(), rows.array(), 0, rows.size());
    assertThat(client.query("SELECT count() FROM " + t.qualifiedName()).strip()).isEqualTo("2");
  }

  @Test
  void comesBackAfterACrash() throws Exception {
    ClickHouseTable t = ClickHouseTable.ensure(client, "default", table, true);
    RowBuffer rows = new RowBuffer();
    new RowBinaryEncoder(t.profile()).encode(RowBinaryEncoderTest.fullEntry(), TOPIC, 0, 1, rows);
    client.insert(t.insertSql(), rows.array(), 0, rows.size());

    try {
      server.kill();
      assertThat(server.isRunning()).isFalse();
      assertThat(client.ping()).isFalse();
    } finally {
      server.restart();
    }

    assertThat(client.query("SELECT count() FROM " + t.qualifiedName()).strip()).isEqualTo("1");
  }

  private static void writeString(RowBuffer out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeString(b, 0, b.length);
  }
}
