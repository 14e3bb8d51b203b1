package io.loghaul.kafka;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The settings of every Kafka client loghaul makes, each built on one {@link #base} (where to
 * connect; security settings and pass-through client properties belong there, once for all
 * clients). Byte-array keys and values everywhere: loghaul never interprets a key and decodes
 * values itself.
 *
 * <p>Each method returns a new mutable map, for {@code new KafkaConsumer<>(map)} and the like.
 * Immutable and thread-safe.
 */
public final class KafkaClients {
  /** How long the OTLP producer's {@code send} may block waiting for metadata. */
  public static final long OTLP_MAX_BLOCK_MS = 500;

  /**
   * Room for headers and batch framing above {@code schema.max-record-bytes} per produce request.
   */
  static final int OTLP_REQUEST_OVERHEAD_BYTES = 64 * 1024;

  private final String bootstrapServers;

  /**
   * @param bootstrapServers {@code host:port[,host:port...]}: the external or embedded broker
   */
  public KafkaClients(String bootstrapServers) {
    this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers");
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** What every client shares: where Kafka is, and which client this is in the broker's logs. */
  private Map<String, Object> base(String clientId) {
    Map<String, Object> c = new HashMap<>();
    c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return c;
  }

  /**
   * The pipeline's consumer in {@code group}: manual commits, from the earliest offset, committed
   * records only, cooperative rebalancing.
   *
   * @param batchMaxDelayMs {@code batch.max-delay-ms}, which bounds how long a fetch may wait
   */
  public Map<String, Object> pipelineConsumer(String group, long batchMaxDelayMs) {
    Map<String, Object> c = base("loghaul-pipeline");
    c.put(ConsumerConfig.GROUP_ID_CONFIG, requireNonNull(group, "group"));
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
    // Rows wait up to batch.max-delay-ms for their INSERT anyway, so let the broker gather a
    // worthwhile fetch instead of answering every poll with a handful of records: at a trickle
    // of records, fetch.min.bytes=1 costs a fetch round trip (broker and consumer CPU) per poll.
    c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 1024);
    c.put(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        (int) Math.max(10, Math.min(250, batchMaxDelayMs / 4)));
    c.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    return c;
  }

  /**
   * The OTLP publisher's producer (docs/otlp.md): acks=all, idempotent, lz4, sends that block at
   * most {@value #OTLP_MAX_BLOCK_MS} ms for metadata.
   *
   * @param maxInflightBytes {@code otlp.max-inflight-bytes}: the buffer is kept larger, so the
   *     publisher's in-flight budget, not buffer exhaustion, is what pushes back
   * @param maxRecordBytes {@code schema.max-record-bytes}, the largest value it will send
   */
  public Map<String, Object> otlpProducer(long maxInflightBytes, int maxRecordBytes) {
    Map<String, Object> c = base("loghaul-otlp-ingest");
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, OTLP_MAX_BLOCK_MS);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // fewer, fuller produce requests: at thousands of small OTLP requests a second the default 16
    // KiB
    // batches fill after ~13 records and each one costs a broker round trip
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes + OTLP_REQUEST_OVERHEAD_BYTES);
    c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, maxInflightBytes + (8L << 20)));
    return c;
  }

  /**
   * The dead-letter producer: acks=all, idempotent, uncompressed so the DLQ topic's {@code
   * max.message.bytes} is judged on the record as it came.
   *
   * @param maxRequestBytes the largest dead letter (see {@code TopicProvisioner})
   */
  public Map<String, Object> dlqProducer(int maxRequestBytes) {
    Map<String, Object> c = base("loghaul-dlq");
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return c;
  }

  /**
   * The DLQ tools' reader ({@code ./loghaul dlq}): assigned partitions, never a group member, no
   * commits of its own, committed records only, and no topic created by asking for it.
   *
   * @param group the group whose committed offsets it reads (the replay's), or null for none
   */
  public Map<String, Object> dlqToolConsumer(String group) {
    Map<String, Object> c = base("loghaul-dlq-tool");
    if (group != null) {
      c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    return c;
  }

  /**
   * The DLQ replay's producer: transactional, so a chunk of replayed letters and the replay group's
   * new position are committed together (docs/dead-letters.md#progress-and-crashes); acks=all, lz4.
   *
   * @param transactionalId stable per replay group, so a second replay fences the first
   * @param maxRequestBytes the largest replayed record with its headers
   */
  public Map<String, Object> dlqReplayProducer(String transactionalId, int maxRequestBytes) {
    Map<String, Object> c = base("loghaul-dlq-replay");
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, requireNonNull(transactionalId, "transactionalId"));
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    return c;
  }

  /** The admin client that creates topics at startup. */
  public Map<String, Object> admin() {
    return base("loghaul-admin");
  }

  /**
   * The health probe's admin client: every call bounded by {@code timeoutMillis}, and quick to
   * reconnect once the broker is back so readiness returns soon after.
   */
  public Map<String, Object> probeAdmin(long timeoutMillis) {
    Map<String, Object> c = base("loghaul-probe");
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
    c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    return c;
  }
}
