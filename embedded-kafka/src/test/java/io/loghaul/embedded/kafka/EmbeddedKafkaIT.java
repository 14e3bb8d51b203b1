package io.loghaul.embedded.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loghaul.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real in-process broker: one per class, fresh topic names per test. */
class EmbeddedKafkaIT {

  @TempDir static Path dataDir;

  static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() throws IOException {
    kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), FreePorts.freePort());
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) kafka.close();
  }

  @Test
  void servesClientsOnTheLoopbackPort() {
    assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
  }

  @Test
  void producesAndConsumesARecord() throws Exception {
    String topic = freshTopic();
    createTopic(kafka, topic, 2);

    produce(kafka, topic, "hello");

    assertThat(consumeAll(kafka, topic, 1)).containsExactly("hello");
  }

  @Test
  void doesNotCreateTopicsAutomatically() throws Exception {
    String topic = freshTopic();
    try (Admin admin = admin(kafka)) {
      assertThatThrownBy(() -> admin.describeTopics(List.of(topic)).allTopicNames().get())
          .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }
  }

  @Test
  void keepsTopicsAndRecordsAcrossStopAndRestart() throws Exception {
    String topic = freshTopic();
    createTopic(kafka, topic, 1);
    produce(kafka, topic, "before");

    kafka.stop();
    kafka.stop(); // stopping a stopped broker is harmless
    kafka.restart();

    try (Admin admin = admin(kafka)) {
      assertThat(admin.listTopics().names().get()).contains(topic);
    }
    produce(kafka, topic, "after");
    assertThat(consumeAll(kafka, topic, 2)).containsExactly("before", "after");
  }

  @Test
  void reopensTheSameDataDirectoryInANewInstance(@TempDir Path dir) throws Exception {
    String topic = freshTopic();
    Path data = dir.resolve("kafka");
    try (EmbeddedKafka first = EmbeddedKafka.start(data, FreePorts.freePort())) {
      createTopic(first, topic, 1);
      produce(first, topic, "kept");
    }

    // a new process-like start on the same directory: new client and controller ports
    try (EmbeddedKafka second = EmbeddedKafka.start(data, FreePorts.freePort())) {
      assertThat(consumeAll(second, topic, 1)).containsExactly("kept");
    }
  }

  @Test
  void closeIsIdempotentAndRestartAfterCloseFails(@TempDir Path dir) {
    EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), FreePorts.freePort());

    broker.close();
    broker.close();

    assertThatThrownBy(broker::restart)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("embedded Kafka is closed");
  }

  @Test
  void rejectsAnInvalidPort(@TempDir Path dir) {
    assertThatThrownBy(() -> EmbeddedKafka.start(dir, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: 0 (expected: 1..65535)");
  }

  private static String freshTopic() {
    return "t-" + UUID.randomUUID();
  }

  private static Admin admin(EmbeddedKafka broker) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static void createTopic(EmbeddedKafka broker, String topic, int partitions)
      throws Exception {
    try (Admin admin = admin(broker)) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static RecordMetadata produce(EmbeddedKafka broker, String topic, String value)
      throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      // Always partition 0, so records written in a row are read back in that order.
      return producer
          .send(new ProducerRecord<>(topic, 0, null, value.getBytes(UTF_8)))
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> consumeAll(EmbeddedKafka broker, String topic, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "g-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(Set.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(new String(r.value(), UTF_8));
        }
      }
    }
    return values;
  }
}
