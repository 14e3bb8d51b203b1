package io.loghaul.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
  private final KafkaClients clients = new KafkaClients("k1:9092,k2:9092");

  private List<Map<String, Object>> everyClient() {
    return List.of(
        clients.pipelineConsumer("g", 1000),
        clients.otlpProducer(64 << 20, 1 << 20),
        clients.dlqProducer(2 << 20),
        clients.admin(),
        clients.probeAdmin(3000));
  }

  @Test
  void everyClientConnectsToTheSameBootstrapServersUnderItsOwnClientId() {
    assertThat(everyClient())
        .allSatisfy(
            c ->
                assertThat(c)
                    .containsEntry(
                        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "k1:9092,k2:9092"));
    assertThat(everyClient())
        .extracting(c -> c.get(CommonClientConfigs.CLIENT_ID_CONFIG))
        .containsExactly(
            "loghaul-pipeline",
            "loghaul-otlp-ingest",
            "loghaul-dlq",
            "loghaul-admin",
            "loghaul-probe");
  }

  @Test
  void configuresADurableIdempotentOtlpProducer() {
    Map<String, Object> config = clients.otlpProducer(64 << 20, 1 << 20);

    assertThat(config)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500L)
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (1 << 20) + 64 * 1024)
        .containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, (64L << 20) + (8L << 20));
  }

  @Test
  void theDlqToolsReadCommittedRecordsWithoutCommittingAndReplayInTransactions() {
    assertThat(clients.dlqToolConsumer(null))
        .doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG)
        .containsEntry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "k1:9092,k2:9092")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .containsEntry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    assertThat(clients.dlqToolConsumer("g.dlq-replay"))
        .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "g.dlq-replay");
    assertThat(clients.dlqReplayProducer("g.dlq-replay", 3 << 20))
        .containsEntry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "k1:9092,k2:9092")
        .containsEntry(CommonClientConfigs.CLIENT_ID_CONFIG, "loghaul-dlq-replay")
        .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "g.dlq-replay")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 3 << 20);
  }

  @Test
  void configuresAnUncompressedDurableDlqProducer() {
    assertThat(clients.dlqProducer(2 << 20))
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none")
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 << 20);
  }

  @Test
  void theConsumerCommitsByHandAndWaitsForFetchesAQuarterOfTheBatchDelay() {
    assertThat(clients.pipelineConsumer("g", 1000))
        .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "g")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 250);
    assertThat(clients.pipelineConsumer("g", 200))
        .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    assertThat(clients.pipelineConsumer("g", 1))
        .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
  }

  @Test
  void theProbesCallsAreBoundedByItsTimeout() {
    assertThat(clients.probeAdmin(3000))
        .containsEntry(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000)
        .containsEntry(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
  }
}
