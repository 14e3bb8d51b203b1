package io.loghaul.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.record.UncommittedRows;
import io.loghaul.schema.LogEntry;
import io.loghaul.testing.ClickHouseCluster;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code clickhouse.cluster} on a real cluster of 2 shards × 2 replicas (four clickhouse-server
 * processes and an in-process ZooKeeper, started once for the class): the tables ON CLUSTER, exact
 * totals through the Distributed table, every replica holding its shard's rows, a batch sent twice
 * stored once, and nothing lost or doubled when one replica is SIGKILLed mid-stream or a whole
 * shard is down for a while.
 */
class ClickHouseClusterIT {
  @RegisterExtension static final RealServers servers = new RealServers();
  private static ClickHouseCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ClickHouseCluster.start(servers.dir().resolve("cluster"), 2, 2);
  }

  @AfterEach
  void restartWhatATestStopped() {
    cluster.restartStopped();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void anUnknownClusterIsAStartupErrorNamingTheKey() {
    assertThatThrownBy(
            () ->
                ClickHouseTable.ensure(
                    cluster.client(0),
                    "default",
                    KafkaTestClient.uniqueName("t"),
                    true,
                    "no_such_cluster"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clickhouse.cluster: no_such_cluster is not a cluster of")
        .hasMessageContaining(ClickHouseCluster.NAME);
  }

  @Test
  void createsTheReplicatedAndTheDistributedTableOnEveryNodeAndKeepsThemOnTheNextStart()
      throws Exception {
    String table = KafkaTestClient.uniqueName("t");
    ClickHouseTable t = ensure(table);
    assertThat(t.cluster()).isEqualTo(ClickHouseCluster.NAME);

    for (int i = 0; i < 4; i++) {
      assertThat(
              cluster.query(
                  i,
                  "SELECT name, engine FROM system.tables WHERE database = 'default' AND name IN ('"
                      + table
                      + "', '"
                      + table
                      + "_local') ORDER BY name FORMAT TSV"))
          .isEqualTo(table + "\tDistributed\n" + table + "_local\tReplicatedMergeTree");
    }
    String local = cluster.query(2, "SHOW CREATE TABLE default." + table + "_local FORMAT TSVRaw");
    assertThat(local)
        .contains("ReplicatedMergeTree('/clickhouse/tables/{shard}/default." + table + "_local'")
        .contains("PARTITION BY toDate(timestamp) ORDER BY (service_name, timestamp)");
    insertRows(t, 0, 10);
    // a second start checks the existing tables and keeps their rows
    ClickHouseTable again =
        ClickHouseTable.ensure(cluster.client(3), "default", table, true, ClickHouseCluster.NAME);
    assertThat(again.profile()).isEqualTo(t.profile());
    awaitReplicasInSync(table);
    assertThat(count(3, table)).isEqualTo(10);
  }

  @Test
  void refusesAPlainTableWhereTheDistributedOneShouldBe() throws Exception {
    String table = KafkaTestClient.uniqueName("t");
    ClickHouseTable.ensure(cluster.client(0), "default", table, true);

    assertThatThrownBy(
            () ->
                ClickHouseTable.ensure(
                    cluster.client(0), "default", table, false, ClickHouseCluster.NAME))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clickhouse.cluster: `default`.`" + table + "` is a MergeTree table")
        .hasMessageContaining("expected: Distributed");
  }

  @Test
  void aBatchSentTwiceIsStoredOnce() throws Exception {
    String table = KafkaTestClient.uniqueName("t");
    ClickHouseTable t = ensure(table);
    RowBuffer rows = encode(t, 0, 2_000);

    try (ClickHouseHttpClient sync = syncClient(cluster.server(0).url())) {
      sync.insert(t.insertSql(), rows.array(), 0, rows.size());
      // the same bytes again, as after an INSERT whose reply was lost; through another node
      try (ClickHouseHttpClient other = syncClient(cluster.server(3).url())) {
        other.insert(t.insertSql(), rows.array(), 0, rows.size());
      }
      sync.insert(t.insertSql(), rows.array(), 0, rows.size());
    }

    // the replica that did not receive a block fetches it a moment later
    awaitReplicasInSync(table);
    assertThat(localCount(0, table) + localCount(2, table)).isEqualTo(2000);
    assertThat(count(1, table)).isEqualTo(2000);
    assertThat(
            cluster.query(
                1, "SELECT uniqExact(kafka_partition, kafka_offset) FROM " + t.qualifiedName()))
        .isEqualTo("2000");
  }

  @Test
  void aCompressedBatchOfManyBlocksSentTwiceIsStoredOnce() throws Exception {
    String table = KafkaTestClient.uniqueName("t");
    ClickHouseTable t = ensure(table);
    int rows = 8_000;
    Batch batch = CompressedBatchIT.fill(CompressedBatchIT.pool(t), rows, Set.of());
    batch.seal();
    Batch.Body body = batch.body(0, rows);
    assertThat(body.rawBytes()).isGreaterThan(3L * Batch.BLOCK_BYTES);

    try (ClickHouseHttpClient sync = syncClient(cluster.server(0).url());
        ClickHouseHttpClient other = syncClient(cluster.server(3).url())) {
      // what LoghaulServer does: a token where the servers know the setting (not on 18.16)
      boolean tokens = sync.hasSetting("insert_deduplication_token");
      String token = tokens ? batch.deduplicationToken(0, rows) : null;
      sync.insertCompressed(t.insertSql(), token, body.array(), body.offset(), body.length());
      // the same blocks again, as after an INSERT whose reply was lost; through another node
      other.insertCompressed(t.insertSql(), token, body.array(), body.offset(), body.length());
    }

    awaitReplicasInSync(table);
    for (int i = 0; i < 4; i++) {
      assertThat(count(i, table)).as("through the Distributed table on " + i).isEqualTo(rows);
    }
    assertThat(cluster.query(1, "SELECT uniqExact(kafka_offset) FROM " + t.qualifiedName()))
        .isEqualTo(Integer.toString(rows));
  }

  @Test
  void theCrashDuplicateCheckSeesTheRowsOfEveryShard() throws Exception {
    String table = KafkaTestClient.uniqueName("t");
    ClickHouseTable t = ensure(table);
    insertRows(t, 0, 600); // partition i % 6, offset i: partition 1 lives on shard 2
    long base = RowBinaryEncoderTest.fullEntry().timestampNanos();
    UncommittedRows window = new UncommittedRows(0, 599, base, base + 600 * 1_000_003L);

    // asked through a node of shard 1, which holds none of partition 1's rows itself
    long[] stored =
        new ClickHouseStoredRows(cluster.client(0), t)
            .storedOffsets(new TopicPartition("logs", 1), window);

    assertThat(stored).hasSize(100).contains(1L, 7L, 595L);
    assertThat(
            cluster.query(
                0, "SELECT count() FROM default." + table + "_local WHERE kafka_partition = 1"))
        .isEqualTo("0");
  }

  @Test
  void recordsThroughLoghaulLandOnBothShardsAndEveryReplicaHoldsItsShardsRows() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    int records = 4_000;
    try (LoghaulServer loghaul = start(topic, table, KafkaTestClient.uniqueName("g"))) {
      send(topic, 0, records);
      await().atMost(Duration.ofSeconds(120)).until(() -> count(0, table) == records);
    }
    assertExactlyOnce(table, records);
  }

  @Test
  void aReplicaKilledMidStreamLosesNothingDoublesNothingAndCatchesUp() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    int records = 6_000;
    try (LoghaulServer loghaul = start(topic, table, group)) {
      send(topic, 0, records / 3);
      await().atMost(Duration.ofSeconds(120)).until(() -> count(1, table) > 0);
      // records keep coming while replica 1 of shard 1 dies
      for (int i = records / 3; i < records; i++) {
        servers
            .kafkaClient()
            .sendAsync(topic, null, LogRecords.realistic(now(), i).getBytes(UTF_8));
      }
      cluster.server(0, 0).kill();
      servers.kafkaClient().flush();
      // every record acknowledged by ClickHouse; a block only the dead replica held when it died
      // (its sibling had not fetched it yet, and drops the re-sent copy as a duplicate) comes back
      // with it
      await().atMost(Duration.ofSeconds(180)).until(() -> committed(group) == records);
      cluster.server(0, 0).restart();
      await().atMost(Duration.ofSeconds(120)).until(() -> count(3, table) == records);
    }
    assertExactlyOnce(table, records);
  }

  @Test
  void aShardDownPausesTheStreamWithoutARebalanceAndItResumesWithNothingLost() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    int records = 4_000;
    try (LoghaulServer loghaul = start(topic, table, group)) {
      send(topic, 0, records / 2);
      await().atMost(Duration.ofSeconds(120)).until(() -> count(0, table) == records / 2);
      Set<String> members = members(group);
      long shard2Before = localCount(2, table);

      cluster.server(1, 0).kill();
      cluster.server(1, 1).kill();
      send(topic, records / 2, records);
      // shard 2 is gone for 20 s: its rows cannot be written (the rows of shard 1 can)
      Thread.sleep(20_000);
      assertThat(localCount(0, table) + shard2Before).as("shard 2's rows wait").isLessThan(records);
      assertThat(members(group)).as("the same consumer, no rebalance").isEqualTo(members);

      cluster.server(1, 0).restart();
      cluster.server(1, 1).restart();
      await().atMost(Duration.ofSeconds(180)).until(() -> count(0, table) == records);
      assertThat(members(group)).as("the same consumer, no rebalance").isEqualTo(members);
    }
    assertExactlyOnce(table, records);
  }

  // ---------------------------------------------------------------------------------------------

  private static ClickHouseTable ensure(String table) throws Exception {
    return ClickHouseTable.ensure(
        cluster.client(0), "default", table, true, ClickHouseCluster.NAME);
  }

  private static LoghaulServer start(String topic, String table, String group) throws Exception {
    return TestLoghaul.start(
        servers,
        "--clickhouse.url=" + cluster.urls(),
        "--clickhouse.cluster=" + ClickHouseCluster.NAME,
        "--kafka.topics=" + topic,
        "--kafka.topic-partitions=6",
        "--clickhouse.table=" + table,
        "--kafka.group=" + group,
        "--batch.max-rows=250");
  }

  private static long committed(String group) throws Exception {
    return servers.kafkaClient().committed(group).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private static void send(String topic, int from, int to) {
    long now = now();
    for (int i = from; i < to; i++) {
      servers.kafkaClient().sendAsync(topic, null, LogRecords.realistic(now, i).getBytes(UTF_8));
    }
    servers.kafkaClient().flush();
  }

  /** Rows in the Distributed table, asked of server {@code i}. */
  private static long count(int i, String table) throws Exception {
    return Long.parseLong(cluster.query(i, "SELECT count() FROM default." + table));
  }

  /** Rows in server {@code i}'s own replica. */
  private static long localCount(int i, String table) throws Exception {
    return Long.parseLong(cluster.query(i, "SELECT count() FROM default." + table + "_local"));
  }

  private static void awaitReplicasInSync(String table) {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                localCount(0, table) == localCount(1, table)
                    && localCount(2, table) == localCount(3, table));
  }

  private static void assertExactlyOnce(String table, int records) throws Exception {
    awaitReplicasInSync(table);
    long shard1 = localCount(0, table);
    long shard2 = localCount(2, table);
    System.out.println(
        "ClickHouseClusterIT " + table + ": shard 1 " + shard1 + " rows, shard 2 " + shard2);
    assertThat(shard1).as("rows on shard 1").isPositive();
    assertThat(shard2).as("rows on shard 2").isPositive();
    assertThat(shard1 + shard2).isEqualTo(records);
    for (int i = 0; i < 4; i++) {
      assertThat(count(i, table))
          .as("total through the Distributed table on " + i)
          .isEqualTo(records);
      assertThat(
              cluster.query(
                  i, "SELECT uniqExact(kafka_topic, kafka_partition, kafka_offset) FROM " + table))
          .as("no row twice")
          .isEqualTo(Integer.toString(records));
    }
    // the replicas of one shard hold the same rows
    for (int shard = 0; shard < 2; shard++) {
      String sql =
          "SELECT groupBitXor(cityHash64(kafka_topic, kafka_partition, kafka_offset)) FROM default."
              + table
              + "_local";
      assertThat(cluster.query(shard * 2, sql)).isEqualTo(cluster.query(shard * 2 + 1, sql));
    }
  }

  private static Set<String> members(String group) throws Exception {
    Map<String, ConsumerGroupDescription> groups =
        servers.kafkaClient().admin().describeConsumerGroups(Set.of(group)).all().get();
    return groups.get(group).members().stream()
        .map(MemberDescription::consumerId)
        .collect(Collectors.toSet());
  }

  private static ClickHouseHttpClient syncClient(String url) {
    return new ClickHouseHttpClient(
        url, "default", "", Duration.ofSeconds(60), null, Map.of("insert_distributed_sync", "1"));
  }

  private static RowBuffer encode(ClickHouseTable t, int from, int to) {
    RowBinaryEncoder encoder = new RowBinaryEncoder(t.profile());
    RowBuffer rows = new RowBuffer(1 << 20);
    LogEntry e = RowBinaryEncoderTest.fullEntry();
    long base = e.timestampNanos();
    byte[] topic = "logs".getBytes(UTF_8);
    for (int i = from; i < to; i++) {
      e.setTimestampNanos(base + i * 1_000_003L);
      encoder.encode(e, topic, i % 6, i, rows);
    }
    return rows;
  }

  private static void insertRows(ClickHouseTable t, int from, int to) throws Exception {
    RowBuffer rows = encode(t, from, to);
    try (ClickHouseHttpClient sync = syncClient(cluster.server(0).url())) {
      sync.insert(t.insertSql(), rows.array(), 0, rows.size());
    }
  }
}
