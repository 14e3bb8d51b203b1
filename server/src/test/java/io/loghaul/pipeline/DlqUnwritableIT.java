package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.dlq.DlqHeaders;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dead letter the DLQ refuses blocks commits of its own partition only, and is retried, never
 * skipped, whether the schema check or ClickHouse rejected the record.
 */
class DlqUnwritableIT {
  @RegisterExtension static final RealServers servers = new RealServers();

  @Test
  void aPartitionStopsCommittingAtARecordTheDlqRefusesWhileOthersFlow() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String dlq = topic + ".dlq";
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    KafkaTestClient kafka = servers.kafkaClient();
    kafka.createTopic(topic, 3, Map.of());
    kafka.createTopic(dlq, 1, Map.of("max.message.bytes", "1024"));
    long now = System.currentTimeMillis();
    for (int i = 0; i < 5; i++) {
      kafka.send(topic, 0, LogRecords.valid(now, "p0", i));
    }
    byte[] tooBigForDlq =
        ("{\"junk\":\"" + "x".repeat(3000) + "\"").getBytes(UTF_8); // json_syntax, 3 KB
    long badOffset = kafka.send(topic, 0, "k", tooBigForDlq, new RecordHeaders()).offset();
    for (int i = 5; i < 10; i++) {
      kafka.send(topic, 0, LogRecords.valid(now, "p0", i));
    }
    for (int p = 1; p < 3; p++) {
      for (int i = 0; i < 10; i++) {
        kafka.send(topic, p, LogRecords.valid(now, "p" + p, i));
      }
    }
    TopicPartition p0 = new TopicPartition(topic, 0);
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--kafka.dlq-topic=" + dlq,
            "--clickhouse.table=" + table,
            "--kafka.group=" + group)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                Map<TopicPartition, Long> c = kafka.committed(group);
                return Long.valueOf(10).equals(c.get(new TopicPartition(topic, 1)))
                    && Long.valueOf(10).equals(c.get(new TopicPartition(topic, 2)));
              });
      await().atMost(Duration.ofSeconds(30)).until(() -> servers.count(table) >= 20);
      Thread.sleep(3_000); // several DLQ retries happen meanwhile
      assertThat(kafka.committed(group).get(p0)).as("p0 committed offset").isEqualTo(badOffset);
      assertThat(kafka.readAll(dlq, 1, Duration.ofSeconds(2))).isEmpty();

      // the DLQ accepts it once its limit is raised: the retry writes it and p0 moves on
      kafka
          .admin()
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, dlq),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("max.message.bytes", "1048576"),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Long.valueOf(11).equals(kafka.committed(group).get(p0)));
      var letters = kafka.readAll(dlq, 1, Duration.ofSeconds(30));
      assertThat(letters).hasSize(1);
      assertThat(letters.get(0).value()).isEqualTo(tooBigForDlq);
      assertThat(servers.count(table)).isEqualTo(30);
    }
  }

  @Test
  void aRowClickHouseRefusesWaitsForTheDlqOnItsOwnPartitionWhileTheOthersKeepFlowing()
      throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String dlq = topic + ".dlq";
    String table = KafkaTestClient.uniqueName("t");
    String group = KafkaTestClient.uniqueName("g");
    KafkaTestClient kafka = servers.kafkaClient();
    kafka.createTopic(topic, 3, Map.of());
    kafka.createTopic(dlq, 1, Map.of("max.message.bytes", "1024"));
    // ClickHouse evaluates the check per row and refuses "poison" rows as bad data
    servers
        .ch()
        .query(
            "CREATE TABLE default."
                + table
                + " (timestamp DateTime('UTC'), timestamp_ns UInt64, "
                + "service_name String, level Enum8('TRACE' = 1, 'DEBUG' = 2, 'INFO' = 3, 'WARN' = 4, 'ERROR' = 5, 'FATAL' = 6), "
                + "message String, trace_id String, span_id String, attributes Nested(key String, value String), "
                + "kafka_topic String, kafka_partition UInt32, kafka_offset UInt64, "
                + "poison UInt8 MATERIALIZED throwIf(message LIKE '%poison%')) "
                + "ENGINE = MergeTree PARTITION BY toDate(timestamp) ORDER BY (service_name, timestamp)");
    long now = System.currentTimeMillis();
    for (int i = 0; i < 3; i++) {
      kafka.send(topic, 0, LogRecords.valid(now, "p0", i));
    }
    // valid for the schema, refused by ClickHouse, and too large for the DLQ topic
    byte[] poison =
        ("{\"timestamp\":"
                + now
                + ",\"service_name\":\"p0\",\"level\":\"INFO\",\"message\":\"poison "
                + "x".repeat(3000)
                + "\"}")
            .getBytes(UTF_8);
    long poisonOffset = kafka.send(topic, 0, "k", poison, new RecordHeaders()).offset();
    for (int i = 3; i < 6; i++) {
      kafka.send(topic, 0, LogRecords.valid(now, "p0", i));
    }
    for (int p = 1; p < 3; p++) {
      for (int i = 0; i < 10; i++) {
        kafka.send(topic, p, LogRecords.valid(now, "p" + p, i));
      }
    }
    TopicPartition p0 = new TopicPartition(topic, 0);
    TopicPartition p1 = new TopicPartition(topic, 1);
    TopicPartition p2 = new TopicPartition(topic, 2);
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--kafka.dlq-topic=" + dlq,
            "--clickhouse.table=" + table,
            "--clickhouse.create-table=false",
            "--kafka.group=" + group)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == 26);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                Map<TopicPartition, Long> c = kafka.committed(group);
                return Long.valueOf(10).equals(c.get(p1)) && Long.valueOf(10).equals(c.get(p2));
              });

      // while the letter waits, new batches of the other partitions are inserted and committed
      for (int p = 1; p < 3; p++) {
        for (int i = 10; i < 20; i++) {
          kafka.send(topic, p, LogRecords.valid(now, "p" + p, i));
        }
      }
      // a retry has failed too, so p0 is paused by now: this record waits for the DLQ
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> loghaul.registry().get("dlq.produce.failures").counter().count() >= 2);
      kafka.send(topic, 0, LogRecords.valid(now, "p0", 6));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                Map<TopicPartition, Long> c = kafka.committed(group);
                return Long.valueOf(20).equals(c.get(p1)) && Long.valueOf(20).equals(c.get(p2));
              });
      assertThat(servers.count(table)).isEqualTo(46);
      assertThat(kafka.committed(group).get(p0)).as("p0 committed offset").isEqualTo(poisonOffset);
      assertThat(kafka.readAll(dlq, 1, Duration.ofSeconds(2))).isEmpty();

      // the DLQ accepts it once its limit is raised: the retry writes it and p0 moves on
      kafka
          .admin()
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, dlq),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("max.message.bytes", "1048576"),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Long.valueOf(8).equals(kafka.committed(group).get(p0)));
      var letters = kafka.readAll(dlq, 1, Duration.ofSeconds(30));
      assertThat(letters).hasSize(1);
      assertThat(letters.get(0).value()).isEqualTo(poison);
      assertThat(
              new String(letters.get(0).headers().lastHeader(DlqHeaders.ERROR_TYPE).value(), UTF_8))
          .isEqualTo("clickhouse_rejected");
      await().atMost(Duration.ofSeconds(30)).until(() -> servers.count(table) == 47);
    }
  }
}
