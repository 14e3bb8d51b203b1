package io.loghaul.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.config.LoghaulConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientsTest {
  private final KafkaClients clients = new KafkaClients("k1:9092,k2:9092");

  private List<Map<String, Object>> everyClient() {
    return List.of(
        clients.pipelineConsumer("g", 1000),
        clients.otlpProducer(64 << 20, 1 << 20),
        clients.dlqProducer(2 << 20),
        clients.admin(),
        clients.probeAdmin(3000),
        clients.dlqToolConsumer("g.dlq-replay"),
        clients.dlqReplayProducer("g.dlq-replay", 1 << 20));
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
            "loghaul-probe",
            "loghaul-dlq-tool",
            "loghaul-dlq-replay");
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

  @Test
  void everyClientGetsTheSecuritySettingsAndThePassThroughProperties(@TempDir Path dir)
      throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    Path cert = Files.writeString(dir.resolve("c.pem"), "CHAIN");
    Path key = Files.writeString(dir.resolve("k.pem"), "KEY");
    KafkaClients secured =
        new KafkaClients(
            "k1:9093",
            new LoghaulConfig.KafkaSecurity(
                "SASL_SSL",
                "SCRAM-SHA-512",
                "lo\"g",
                "pa\\ss",
                "kafka.sasl.password",
                ca,
                cert,
                key,
                Map.of(
                    "linger.ms", "20", "fetch.max.bytes", "1000", "custom.handler.option", "x")));
    List<Map<String, Object>> all =
        List.of(
            secured.pipelineConsumer("g", 1000),
            secured.otlpProducer(64 << 20, 1 << 20),
            secured.dlqProducer(2 << 20),
            secured.admin(),
            secured.probeAdmin(3000));

    assertThat(all)
        .allSatisfy(
            c ->
                assertThat(c)
                    .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
                    .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
                    .containsEntry(
                        SaslConfigs.SASL_JAAS_CONFIG,
                        new Password(
                            "org.apache.kafka.common.security.scram.ScramLoginModule required "
                                + "username=\"lo\\\"g\" password=\"pa\\\\ss\";"))
                    .containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM")
                    .containsEntry(
                        SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, ca.toAbsolutePath().toString())
                    .containsEntry(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, "CHAIN")
                    .containsEntry(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, new Password("KEY"))
                    .containsEntry("custom.handler.option", "x"));
    // each client gets the properties it knows: no "unknown config" warnings
    assertThat(secured.otlpProducer(1 << 20, 1 << 20))
        .containsEntry("linger.ms", "20")
        .doesNotContainKey("fetch.max.bytes");
    assertThat(secured.pipelineConsumer("g", 1000))
        .containsEntry("fetch.max.bytes", "1000")
        .doesNotContainKey("linger.ms");
    assertThat(secured.admin()).doesNotContainKey("linger.ms");
    assertThat(all.toString()).doesNotContain("KEY").doesNotContain("pa\\ss");
  }
}
