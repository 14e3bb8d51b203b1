package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
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

/** A dead letter the DLQ refuses blocks commits of its own partition only, and is retried, never skipped. */
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
    byte[] tooBigForDlq = ("{\"junk\":\"" + "x".repeat(3000) + "\"").getBytes(UTF_8); // json_syntax, 3 KB
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
    try (LoghaulServer loghaul = TestLoghaul.start(servers, "--kafka.topics=" + topic, "--kafka.dlq-topic=" + dlq,
        "--clickhouse.table=" + table, "--kafka.group=" + group)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        Map<TopicPartition, Long> c = kafka.committed(group);
        return Long.valueOf(10).equals(c.get(new TopicPartition(topic, 1)))
            && Long.valueOf(10).equals(c.get(new TopicPartition(topic, 2)));
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> servers.count(table) >= 20);
      Thread.sleep(3_000); // several DLQ retries happen meanwhile
      assertThat(kafka.committed(group).get(p0)).as("p0 committed offset").isEqualTo(badOffset);
      assertThat(kafka.readAll(dlq, 1, Duration.ofSeconds(2))).isEmpty();

      // the DLQ accepts it once its limit is raised: the retry writes it and p0 moves on
      kafka.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, dlq),
          List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048576"), AlterConfigOp.OpType.SET))))
          .all().get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(60)).until(() -> Long.valueOf(11).equals(kafka.committed(group).get(p0)));
      var letters = kafka.readAll(dlq, 1, Duration.ofSeconds(30));
      assertThat(letters).hasSize(1);
      assertThat(letters.get(0).value()).isEqualTo(tooBigForDlq);
      assertThat(servers.count(table)).isEqualTo(30);
    }
  }
}
