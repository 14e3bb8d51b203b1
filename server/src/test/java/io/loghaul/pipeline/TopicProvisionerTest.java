package io.loghaul.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MockAdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicProvisionerTest {

  @ParameterizedTest
  @CsvSource({"1, 1, 1", "2, 2, 2", "3, 3, 2", "5, 3, 2"})
  void createdTopicsGetReplicationAndMinInsyncFromTheBrokerCount(
      int brokers, short replication, int minInsync) throws Exception {
    try (MockAdminClient admin =
        new EmptyTopicsAdmin(nodes(brokers), new Node(0, "127.0.0.1", 9092))) {
      int dlqMax =
          new TopicProvisioner(admin).ensure(List.of("logs", "more"), "ingest", "logs.dlq", 4);

      for (String topic : List.of("logs", "more", "ingest", "logs.dlq")) {
        TopicDescription d =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic);
        assertThat(d.partitions()).hasSize(4);
        assertThat(d.partitions().get(0).replicas()).as(topic).hasSize(replication);
        assertThat(topicConfig(admin, topic, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG))
            .as(topic)
            .isEqualTo(Integer.toString(minInsync));
      }
      assertThat(topicConfig(admin, "logs.dlq", TopicConfig.MAX_MESSAGE_BYTES_CONFIG))
          .isEqualTo(Integer.toString(dlqMax));
    }
  }

  @Test
  void leavesExistingTopicsAsTheyAre() throws Exception {
    try (MockAdminClient admin = new EmptyTopicsAdmin(nodes(3), new Node(0, "127.0.0.1", 9092))) {
      admin
          .createTopics(List.of(new NewTopic("logs", 2, (short) 1)))
          .all()
          .get(10, TimeUnit.SECONDS);

      new TopicProvisioner(admin).ensure(List.of("logs"), "logs", "logs.dlq", 8);

      TopicDescription d =
          admin
              .describeTopics(List.of("logs"))
              .allTopicNames()
              .get(10, TimeUnit.SECONDS)
              .get("logs");
      assertThat(d.partitions()).hasSize(2);
      assertThat(d.partitions().get(0).replicas()).hasSize(1);
      assertThat(topicConfig(admin, "logs", TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)).isNull();
    }
  }

  @Test
  void defaultsFollowMinOfThreeAndTwo() {
    assertThat(TopicProvisioner.replicationFactor(0)).isEqualTo((short) 1);
    assertThat(TopicProvisioner.replicationFactor(4)).isEqualTo((short) 3);
    assertThat(TopicProvisioner.minInsyncReplicas(1)).isEqualTo(1);
    assertThat(TopicProvisioner.minInsyncReplicas(9)).isEqualTo(2);
  }

  private static String topicConfig(MockAdminClient admin, String topic, String name)
      throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Map<ConfigResource, Config> configs =
        admin.describeConfigs(List.of(r)).all().get(10, TimeUnit.SECONDS);
    ConfigEntry e = configs.get(r).get(name);
    return e == null ? null : e.value();
  }

  /** MockAdminClient whose new partitions answer listOffsets (as empty partitions would). */
  private static final class EmptyTopicsAdmin extends MockAdminClient {
    EmptyTopicsAdmin(List<Node> brokers, Node controller) {
      super(brokers, controller);
    }

    @Override
    public synchronized ListOffsetsResult listOffsets(
        Map<TopicPartition, OffsetSpec> partitions, ListOffsetsOptions options) {
      Map<TopicPartition, Long> zero = new HashMap<>();
      for (TopicPartition p : partitions.keySet()) {
        zero.put(p, 0L);
      }
      updateBeginningOffsets(zero);
      updateEndOffsets(zero);
      return super.listOffsets(partitions, options);
    }
  }

  private static List<Node> nodes(int n) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      nodes.add(new Node(i, "127.0.0.1", 9092 + i));
    }
    return nodes;
  }
}
