package io.loghaul.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.record.UncommittedRows;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The state a crash between an INSERT and its commit leaves behind — rows in ClickHouse, the
 * group's offset still before them, the commit metadata naming them — and what the next owner does
 * with it: it skips exactly the rows ClickHouse holds and inserts the rest.
 */
class DuplicateWindowIT {
  @RegisterExtension static final RealServers servers = new RealServers();

  private static final int RECORDS = 20;

  /** Runs loghaul until every record is in {@code table} and committed, then stops it. */
  private static void ingestOnce(String topic, String table, String group) throws Exception {
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--clickhouse.table=" + table,
            "--kafka.group=" + group)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == RECORDS);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Long.valueOf(RECORDS)
                      .equals(
                          servers
                              .kafkaClient()
                              .committed(group)
                              .get(new TopicPartition(topic, 0))));
    }
  }

  /** Rewinds the (inactive) group to offset 0, as if the commit after the INSERT never happened. */
  private static void rewind(String topic, String group, String metadata) throws Exception {
    servers
        .kafkaClient()
        .admin()
        .alterConsumerGroupOffsets(
            group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0, metadata)))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  private static String prepare(String topic, long now) throws Exception {
    servers.kafkaClient().createTopic(topic, 1, Map.of());
    for (int i = 0; i < RECORDS; i++) {
      servers.kafkaClient().send(topic, 0, LogRecords.valid(now, "dup", i));
    }
    return topic;
  }

  @Test
  void aRestartAfterACrashSkipsExactlyTheRowsClickHouseAlreadyHolds() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    long now = System.currentTimeMillis();
    prepare(topic, now);
    ingestOnce(topic, table, group);
    // half of the crashed batch made it into ClickHouse: drop offsets 10..19 again
    servers.ch().query("ALTER TABLE default." + table + " DELETE WHERE kafka_offset >= 10");
    await().atMost(Duration.ofSeconds(30)).until(() -> servers.count(table) == 10);
    long nanos = now * 1_000_000L;
    rewind(topic, group, new UncommittedRows(0, RECORDS - 1, nanos, nanos).toMetadata());

    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--clickhouse.table=" + table,
            "--kafka.group=" + group)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == RECORDS);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Long.valueOf(RECORDS)
                      .equals(
                          servers
                              .kafkaClient()
                              .committed(group)
                              .get(new TopicPartition(topic, 0))));
      assertThat(loghaul.pipeline().replaySkipped()).isEqualTo(10);
      assertThat(loghaul.registry().get("logs.replay.skipped").counter().count()).isEqualTo(10.0);
      Thread.sleep(500); // a duplicate would be inserted within a batch delay
    }
    assertThat(servers.count(table)).isEqualTo(RECORDS);
    assertThat(servers.query("SELECT uniqExact(kafka_offset) FROM " + table))
        .isEqualTo(Integer.toString(RECORDS));
  }

  @Test
  void withoutTheMetadataTheSameRewindInsertsEveryRowAgain() throws Exception {
    // the control: it is the metadata, not luck, that prevents the duplicates above
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    prepare(topic, System.currentTimeMillis());
    ingestOnce(topic, table, group);
    rewind(topic, group, "");
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--clickhouse.table=" + table,
            "--kafka.group=" + group)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == 2L * RECORDS);
      assertThat(loghaul.pipeline().replaySkipped()).isZero();
    }
  }
}
