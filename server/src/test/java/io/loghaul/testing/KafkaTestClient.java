package io.loghaul.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Real Kafka clients for integration tests: produce, read a topic back, inspect group offsets. */
public final class KafkaTestClient implements AutoCloseable {
  private final String bootstrap;
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;

  public KafkaTestClient(String bootstrap) {
    this.bootstrap = bootstrap;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    this.producer = new KafkaProducer<>(p);
  }

  public static String uniqueName(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  public void createTopic(String name, int partitions, Map<String, String> configs)
      throws Exception {
    admin
        .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
        .all()
        .get(30, TimeUnit.SECONDS);
    io.loghaul.pipeline.TopicProvisioner.awaitLeaders(admin, List.of(name), 30_000);
  }

  public RecordMetadata send(
      String topic, Integer partition, String key, byte[] value, RecordHeaders headers)
      throws Exception {
    return producer
        .send(
            new ProducerRecord<>(
                topic, partition, null, key == null ? null : key.getBytes(UTF_8), value, headers))
        .get(30, TimeUnit.SECONDS);
  }

  public RecordMetadata send(String topic, Integer partition, String json) throws Exception {
    return send(topic, partition, null, json.getBytes(UTF_8), new RecordHeaders());
  }

  /** Sends asynchronously; call {@link #flush()} to wait. */
  public void sendAsync(String topic, Integer partition, byte[] value) {
    producer.send(new ProducerRecord<>(topic, partition, null, value));
  }

  /** Sends a keyed record with headers asynchronously; call {@link #flush()} to wait. */
  public void sendAsyncWithHeaders(String topic, byte[] key, byte[] value, RecordHeaders headers) {
    producer.send(new ProducerRecord<>(topic, null, null, key, value, headers));
  }

  public void flush() {
    producer.flush();
  }

  /**
   * Reads every record of {@code topic} from the beginning until {@code expected} arrived or the
   * timeout.
   */
  public List<ConsumerRecord<byte[], byte[]>> readAll(
      String topic, int expected, Duration timeout) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, uniqueName("reader"));
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Committed offsets of {@code group} (absent partitions have none). */
  public Map<TopicPartition, Long> committed(String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> m =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    Map<TopicPartition, Long> out = new HashMap<>();
    m.forEach(
        (tp, om) -> {
          if (om != null) {
            out.put(tp, om.offset());
          }
        });
    return out;
  }

  /** Log end offsets of every partition of {@code topic}. */
  public Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> req = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      req.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    admin
        .listOffsets(req)
        .all()
        .get(30, TimeUnit.SECONDS)
        .forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  public Set<String> topics() throws Exception {
    return admin.listTopics().names().get(30, TimeUnit.SECONDS);
  }

  public Admin admin() {
    return admin;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
  }
}
