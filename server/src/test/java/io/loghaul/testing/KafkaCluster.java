package io.loghaul.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.testkit.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Apache Kafka KRaft cluster of several nodes inside this JVM, on loopback, for integration
 * tests of loghaul on a multi-broker cluster. Every node is a combined broker and controller; the
 * controllers form a static quorum ({@code controller.quorum.voters}), so the cluster keeps working
 * while a majority of nodes runs. Internal topics are replicated to every node with {@code
 * min.insync.replicas} 2; the broker-wide {@code min.insync.replicas} stays Kafka's default (1) so
 * what a test sees on a topic is what loghaul set on it.
 *
 * <p>Nodes start in parallel (a node's startup waits for the controller quorum). {@link #stop(int)}
 * takes one node away without a controlled shutdown (its partitions lose their leader until the
 * controller notices, as after a crash; the JVM stays, so its sockets close at once rather than
 * time out); {@link #restart(int)} brings it back on its data; {@link #close()} stops all and
 * deletes the data.
 */
public final class KafkaCluster implements AutoCloseable {
  private static final String HOST = "127.0.0.1";

  private final Path dir;
  private final List<Properties> nodeProperties = new ArrayList<>();
  private final List<KafkaRaftServer> servers = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();

  private KafkaCluster(Path dir, int nodes) {
    this.dir = dir;
    List<Integer> controllerPorts = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      ports.add(FreePorts.freePort());
      controllerPorts.add(FreePorts.freePort());
    }
    StringJoiner voters = new StringJoiner(",");
    for (int i = 0; i < nodes; i++) {
      voters.add((i + 1) + "@" + HOST + ":" + controllerPorts.get(i));
    }
    for (int i = 0; i < nodes; i++) {
      nodeProperties.add(
          properties(
              i + 1,
              ports.get(i),
              controllerPorts.get(i),
              voters.toString(),
              dir.resolve("node-" + (i + 1)),
              Math.min(nodes, 3)));
      servers.add(null);
    }
  }

  /**
   * Formats and starts {@code nodes} nodes under a new temporary directory; returns when all serve.
   */
  public static KafkaCluster start(int nodes) throws Exception {
    KafkaCluster cluster =
        new KafkaCluster(Files.createTempDirectory("loghaul-kafka-cluster-"), nodes);
    try {
      cluster.format();
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        int node = i;
        starts.add(CompletableFuture.runAsync(() -> cluster.startNode(node)));
      }
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      cluster.awaitBrokers(nodes);
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Every node's client address, comma-separated. */
  public String bootstrap() {
    StringJoiner j = new StringJoiner(",");
    for (int port : ports) {
      j.add(HOST + ":" + port);
    }
    return j.toString();
  }

  /** Shuts node {@code index} (0-based) down, keeping its data; without a controlled shutdown. */
  public void stop(int index) {
    KafkaRaftServer s;
    synchronized (this) {
      s = servers.set(index, null);
    }
    if (s != null) {
      s.shutdown();
      s.awaitShutdown();
    }
  }

  /**
   * Starts node {@code index} (0-based) again on the data it kept; returns when every node is
   * registered with the controller again.
   */
  public void restart(int index) throws Exception {
    synchronized (this) {
      if (servers.get(index) != null) {
        throw new IllegalStateException("node " + (index + 1) + " still runs");
      }
    }
    startNode(index);
    awaitBrokers(servers.size());
  }

  /** The node id of node {@code index} (0-based): {@code index + 1}. */
  public static int nodeId(int index) {
    return index + 1;
  }

  private void format() throws IOException {
    String clusterId = Uuid.randomUuid().toString();
    for (Properties p : nodeProperties) {
      Path logDir = Path.of(p.getProperty("log.dirs"));
      Files.createDirectories(logDir);
      Path file = logDir.resolveSibling(logDir.getFileName() + ".properties");
      try (Writer out = Files.newBufferedWriter(file, UTF_8)) {
        p.store(out, "test cluster node");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int status;
      try (PrintStream print = new PrintStream(output, true, UTF_8)) {
        status =
            StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", file.toString()}, print);
      } catch (Exception e) {
        throw new IllegalStateException("format failed: " + output.toString(UTF_8), e);
      }
      if (status != 0) {
        throw new IllegalStateException(
            "format failed (" + status + "): " + output.toString(UTF_8));
      }
    }
  }

  private void startNode(int index) {
    KafkaRaftServer s =
        new KafkaRaftServer(KafkaConfig.fromProps(nodeProperties.get(index), false), Time.SYSTEM);
    synchronized (this) {
      servers.set(index, s);
    }
    s.startup();
  }

  private void awaitBrokers(int nodes) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size() < nodes) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not all " + nodes + " brokers registered within 60 s");
        }
        Thread.sleep(100);
      }
    }
  }

  private static Properties properties(
      int nodeId,
      int port,
      int controllerPort,
      String voters,
      Path logDir,
      int internalReplication) {
    Map<String, String> p = new TreeMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put("controller.quorum.voters", voters);
    p.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    String replication = Integer.toString(internalReplication);
    String minIsr = Integer.toString(Math.min(2, internalReplication));
    p.put("offsets.topic.replication.factor", replication);
    p.put("transaction.state.log.replication.factor", replication);
    p.put("transaction.state.log.min.isr", minIsr);
    p.put("share.coordinator.state.topic.replication.factor", replication);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    p.put("offsets.topic.num.partitions", "4");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
    // A stopped node goes away as a crashed one would: a controlled shutdown needs a controller
    // quorum, and the last nodes of a cluster being closed have none (it would wait for minutes).
    // The controller notices the loss after the session timeout and moves leadership.
    p.put("controlled.shutdown.enable", "false");
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "3000");
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  @Override
  public void close() {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (int i = 0; i < servers.size(); i++) {
      int node = i;
      stops.add(CompletableFuture.runAsync(() -> stop(node)));
    }
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the data directory goes anyway; a node still stopping dies with the test JVM
    }
    try {
      RealServers.deleteTree(dir);
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
