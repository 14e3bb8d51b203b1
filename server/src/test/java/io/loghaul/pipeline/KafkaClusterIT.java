package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.testing.KafkaCluster;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Topic provisioning on a real three-broker KRaft cluster (docs/clusters.md). */
class KafkaClusterIT {
  private static KafkaCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = KafkaCluster.start(3);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void createdTopicsAreReplicatedThreeTimesWithTwoInsyncReplicasAndSurviveTheLossOfOneBroker()
      throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
      new TopicProvisioner(admin).ensure(List.of("logs"), "logs", "logs.dlq", 3);

      for (String topic : List.of("logs", "logs.dlq")) {
        TopicDescription d =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        assertThat(d.partitions()).hasSize(3).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
        assertThat(c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).as(topic).isEqualTo("2");
      }

      Map<String, Object> p =
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
              cluster.bootstrap(),
              ProducerConfig.ACKS_CONFIG,
              "all",
              ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
              ByteArraySerializer.class,
              ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
              ByteArraySerializer.class);
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
        for (int partition = 0; partition < 3; partition++) {
          producer
              .send(new ProducerRecord<>("logs", partition, null, "before".getBytes(UTF_8)))
              .get(30, TimeUnit.SECONDS);
        }
        cluster.stop(2);
        // Two of three replicas remain in sync: acks=all still succeeds on every partition.
        for (int partition = 0; partition < 3; partition++) {
          producer
              .send(new ProducerRecord<>("logs", partition, null, "after".getBytes(UTF_8)))
              .get(60, TimeUnit.SECONDS);
        }
      }
    }
  }
}
