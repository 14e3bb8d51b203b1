package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.embedded.kafka.EmbeddedKafka;
import io.loghaul.kafka.KafkaClients;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testkit.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KafkaSourceReader} against a real broker: found, gone (three ways), unavailable. */
class KafkaSourceReaderIT {
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static KafkaTestClient client;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), FreePorts.freePort());
    client = new KafkaTestClient(kafka.bootstrapServers());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static KafkaSourceReader reader(String bootstrap, Duration timeout) {
    return new KafkaSourceReader(
        () -> new KafkaConsumer<>(new KafkaClients(bootstrap).sourceReaderConsumer()), timeout);
  }

  private static String topic(int partitions) throws Exception {
    String topic = KafkaTestClient.uniqueName("src");
    client.createTopic(topic, partitions, Map.of());
    return topic;
  }

  private static void send(String topic, int partition, int i) throws Exception {
    RecordHeaders headers = new RecordHeaders();
    headers.add("x-origin", ("h" + i).getBytes(UTF_8));
    client.send(topic, partition, "k" + i, ("v" + partition + "-" + i).getBytes(UTF_8), headers);
  }

  private static ConsumerRecord<byte[], byte[]> found(SourceReader.Result r) {
    assertThat(r).isInstanceOf(SourceReader.Found.class);
    return ((SourceReader.Found) r).record();
  }

  @Test
  void readsRecordsBackByPositionInAnyOrderAcrossPartitions() throws Exception {
    String topic = topic(2);
    for (int i = 0; i < 20; i++) {
      send(topic, i % 2, i);
    }
    TopicPartition p0 = new TopicPartition(topic, 0);
    TopicPartition p1 = new TopicPartition(topic, 1);
    try (KafkaSourceReader reader = reader(kafka.bootstrapServers(), Duration.ofSeconds(30))) {
      ConsumerRecord<byte[], byte[]> r = found(reader.read(p0, 1));
      assertThat(r.topic()).isEqualTo(topic);
      assertThat(r.partition()).isZero();
      assertThat(r.offset()).isEqualTo(1);
      assertThat(new String(r.key(), UTF_8)).isEqualTo("k2");
      assertThat(new String(r.value(), UTF_8)).isEqualTo("v0-2");
      assertThat(new String(r.headers().lastHeader("x-origin").value(), UTF_8)).isEqualTo("h2");
      assertThat(r.timestamp()).isPositive();
      assertThat(new String(found(reader.read(p0, 7)).value(), UTF_8))
          .as("ahead")
          .isEqualTo("v0-14");
      assertThat(new String(found(reader.read(p0, 3)).value(), UTF_8)).as("back").isEqualTo("v0-6");
      assertThat(new String(found(reader.read(p1, 9)).value(), UTF_8)).isEqualTo("v1-19");
      assertThat(new String(found(reader.read(p0, 0)).value(), UTF_8)).isEqualTo("v0-0");
    }
  }

  @Test
  void aRecordRetentionDeletedIsGoneAndTheOnesAfterItAreFound() throws Exception {
    String topic = topic(1);
    for (int i = 0; i < 6; i++) {
      send(topic, 0, i);
    }
    TopicPartition p0 = new TopicPartition(topic, 0);
    client
        .admin()
        .deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(3)))
        .all()
        .get(30, TimeUnit.SECONDS);
    try (KafkaSourceReader reader = reader(kafka.bootstrapServers(), Duration.ofSeconds(30))) {
      SourceReader.Result gone = reader.read(p0, 1);
      assertThat(gone).isInstanceOf(SourceReader.Gone.class);
      assertThat(((SourceReader.Gone) gone).why())
          .isEqualTo("deleted by retention: " + p0 + " starts at offset 3 now");
      assertThat(new String(found(reader.read(p0, 4)).value(), UTF_8)).isEqualTo("v0-4");
    }
  }

  @Test
  void aRecordOfAnAbortedTransactionIsGone() throws Exception {
    String topic = topic(1);
    send(topic, 0, 0);
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            KafkaTestClient.uniqueName("tx"),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class);
    long aborted;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      producer.initTransactions();
      producer.beginTransaction();
      aborted =
          producer
              .send(new ProducerRecord<>(topic, 0, null, "aborted".getBytes(UTF_8)))
              .get(30, TimeUnit.SECONDS)
              .offset();
      producer.abortTransaction();
    }
    send(topic, 0, 1);
    TopicPartition p0 = new TopicPartition(topic, 0);
    try (KafkaSourceReader reader = reader(kafka.bootstrapServers(), Duration.ofSeconds(30))) {
      SourceReader.Result gone = reader.read(p0, aborted);
      assertThat(gone).isInstanceOf(SourceReader.Gone.class);
      assertThat(((SourceReader.Gone) gone).why()).contains("aborted transaction");
      assertThat(new String(found(reader.read(p0, 0)).value(), UTF_8)).isEqualTo("v0-0");
    }
  }

  @Test
  void withoutABrokerAReadIsUnavailableAfterItsTimeout() {
    String nobody = "127.0.0.1:" + FreePorts.freePort();
    try (KafkaSourceReader reader = reader(nobody, Duration.ofSeconds(1))) {
      SourceReader.Result r = reader.read(new TopicPartition("logs", 0), 5);
      assertThat(r).isInstanceOf(SourceReader.Unavailable.class);
      assertThat(((SourceReader.Unavailable) r).why()).contains("logs-0");
    }
  }
}
