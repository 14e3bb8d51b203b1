package io.loghaul.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics loghaul needs when they are missing ({@code kafka.create-topics}): the
 * consumed topics and the ingest topic with {@code kafka.topic-partitions} partitions, and the
 * dead-letter topic sized so it accepts records as large as its sources accept (plus room for the
 * {@code loghaul.*} headers). On a cluster a created topic gets replication min(3, brokers) and
 * {@code min.insync.replicas} min(2, brokers), so an acks=all produce survives the loss of one
 * broker (docs/clusters.md). Existing topics are left as they are.
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  /** Room for the DLQ headers and batch overhead on top of the largest source record. */
  static final int DLQ_HEADROOM_BYTES = 64 * 1024;

  private static final long TIMEOUT_SECONDS = 30;

  private final Admin admin;

  /**
   * The size a dead letter may reach when loghaul does not create the topics ({@code
   * kafka.create-topics=false}) and so never looks at their limits: the largest accepted value, as
   * much again for its key and headers, plus the DLQ header room.
   */
  public static int unprovisionedDlqMaxBytes(int maxRecordBytes) {
    return maxRecordBytes * 2 + DLQ_HEADROOM_BYTES;
  }

  /** Replication of a topic loghaul creates on a cluster of {@code brokers}: min(3, brokers). */
  static short replicationFactor(int brokers) {
    return (short) Math.max(1, Math.min(3, brokers));
  }

  /** {@code min.insync.replicas} of a topic loghaul creates: min(2, brokers). */
  static int minInsyncReplicas(int brokers) {
    return Math.max(1, Math.min(2, brokers));
  }

  public TopicProvisioner(Admin admin) {
    this.admin = requireNonNull(admin, "admin");
  }

  /**
   * Ensures every topic exists; returns the size a dead letter may reach (the largest source record
   * plus header room), for the DLQ producer's {@code max.request.size}. An existing DLQ topic keeps
   * its own limit; the broker then refuses what exceeds it and the pipeline stops committing there.
   */
  public int ensure(Collection<String> sources, String ingestTopic, String dlqTopic, int partitions)
      throws InterruptedException {
    try {
      int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
      short replication = replicationFactor(brokers);
      String minInsync = Integer.toString(minInsyncReplicas(brokers));
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Set<String> data = new LinkedHashSet<>(sources);
      data.add(ingestTopic);
      data.remove(dlqTopic);
      List<NewTopic> missing = new ArrayList<>();
      for (String t : data) {
        if (!existing.contains(t)) {
          missing.add(
              new NewTopic(t, partitions, replication)
                  .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync)));
        }
      }
      create(missing);
      int dlqMax = maxMessageBytes(data) + DLQ_HEADROOM_BYTES;
      if (!existing.contains(dlqTopic)) {
        create(
            List.of(
                new NewTopic(dlqTopic, partitions, replication)
                    .configs(
                        Map.of(
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                            Integer.toString(dlqMax),
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                            minInsync))));
      }
      return dlqMax;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "kafka.create-topics: could not create topics: " + e.getMessage(), e);
    }
  }

  private void create(List<NewTopic> topics)
      throws InterruptedException, TimeoutException, ExecutionException {
    if (topics.isEmpty()) {
      return;
    }
    try {
      admin.createTopics(topics).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      for (NewTopic t : topics) {
        log.info(
            "Created topic {} ({} partitions, replication {}, min.insync.replicas {})",
            t.name(),
            t.numPartitions(),
            t.replicationFactor(),
            t.configs().get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG));
      }
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    List<String> names = new ArrayList<>();
    for (NewTopic t : topics) {
      names.add(t.name());
    }
    awaitLeaders(admin, names, TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
  }

  /**
   * Waits until the leader of every partition of {@code topics} serves requests. Producing to a
   * partition in the moment after its creation, before its leader is ready, fails with
   * NOT_LEADER_OR_FOLLOWER, and an idempotent producer whose first batch failed that way while a
   * later one got in stays stuck on OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (seen
   * with 4.1.1). The metadata (describeTopics) can name a leader before that leader accepts
   * requests, so this asks each leader for its log end offset, which it answers only once it leads.
   */
  public static void awaitLeaders(Admin admin, Collection<String> topics, long timeoutMillis)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (true) {
      try {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin
            .describeTopics(topics)
            .allTopicNames()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .forEach(
                (name, d) -> {
                  for (TopicPartitionInfo p : d.partitions()) {
                    request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest());
                  }
                });
        admin.listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        // not known to, or not yet led by, the broker
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "partitions of " + topics + " have no serving leader after " + timeoutMillis + " ms");
      }
      Thread.sleep(50);
    }
  }

  /**
   * The largest {@code max.message.bytes} among {@code topics} (topic config or broker default).
   */
  private int maxMessageBytes(Collection<String> topics)
      throws InterruptedException, TimeoutException, ExecutionException {
    List<ConfigResource> resources = new ArrayList<>();
    for (String t : topics) {
      resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
    }
    Map<ConfigResource, Config> configs =
        new HashMap<>(
            admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    int max = 1_048_588; // Kafka's default message.max.bytes
    for (Config c : configs.values()) {
      ConfigEntry e = c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      if (e != null && e.value() != null) {
        max = Math.max(max, Integer.parseInt(e.value()));
      }
    }
    return max;
  }
}
