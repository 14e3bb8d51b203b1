package io.loghaul.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.testkit.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.Socket;
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
 * A real Apache Kafka KRaft cluster of several nodes, on loopback, for integration tests of loghaul
 * on a multi-broker cluster: inside this JVM ({@link #start}), or each node a child JVM ({@link
 * #startProcesses}) so that a test can kill one with SIGKILL ({@link #kill}). Every node is a
 * combined broker and controller; the controllers form a static quorum ({@code
 * controller.quorum.voters}), so the cluster keeps working while a majority of nodes runs. Internal
 * topics are replicated to every node with {@code min.insync.replicas} 2; the broker-wide {@code
 * min.insync.replicas} stays Kafka's default (1) so what a test sees on a topic is what loghaul set
 * on it.
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
  private final List<Process> processes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final boolean childProcesses;

  private KafkaCluster(Path dir, int nodes, boolean childProcesses) {
    this.dir = dir;
    this.childProcesses = childProcesses;
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
      processes.add(null);
    }
  }

  /**
   * Formats and starts {@code nodes} nodes under a new temporary directory; returns when all serve.
   */
  public static KafkaCluster start(int nodes) throws Exception {
    return start(nodes, false);
  }

  /**
   * Like {@link #start(int)}, but every node is a child JVM ({@code kafka.Kafka} on this JVM's
   * class path, output in {@code node-N.out} of the cluster's directory), so {@link #kill} is a
   * real SIGKILL.
   */
  public static KafkaCluster startProcesses(int nodes) throws Exception {
    return start(nodes, true);
  }

  private static KafkaCluster start(int nodes, boolean childProcesses) throws Exception {
    KafkaCluster cluster =
        new KafkaCluster(
            Files.createTempDirectory("loghaul-kafka-cluster-"), nodes, childProcesses);
    try {
      cluster.format();
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        int node = i;
        starts.add(CompletableFuture.runAsync(() -> cluster.startNode(node)));
      }
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
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

  /**
   * Takes node {@code index} (0-based) away, keeping its data: a child JVM gets SIGKILL; a node in
   * this JVM shuts down without a controlled shutdown.
   */
  public void stop(int index) {
    KafkaRaftServer s;
    Process p;
    synchronized (this) {
      s = servers.set(index, null);
      p = processes.set(index, null);
    }
    if (s != null) {
      s.shutdown();
      s.awaitShutdown();
    }
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * SIGKILL to node {@code index} (0-based), as a crash; only for {@link #startProcesses} clusters.
   */
  public void kill(int index) {
    if (!childProcesses) {
      throw new IllegalStateException("kill: the nodes run in this JVM (use startProcesses)");
    }
    stop(index);
  }

  /**
   * Starts node {@code index} (0-based) again on the data it kept; returns when every node is
   * registered with the controller again.
   */
  public void restart(int index) throws Exception {
    synchronized (this) {
      if (servers.get(index) != null || processes.get(index) != null) {
        throw new IllegalStateException("node " + (index + 1) + " still runs");
      }
    }
    startNode(index);
    // the controller may still list the lost node: wait for the new one's listener first
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try {
        new Socket(HOST, ports.get(index)).close();
        break;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "node " + nodeId(index) + " not listening after 120 s (output: " + dir + ")", e);
        }
        Thread.sleep(100);
      }
    }
    awaitBrokers(nodeProperties.size());
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
    if (childProcesses) {
      startProcess(index);
      return;
    }
    KafkaRaftServer s =
        new KafkaRaftServer(KafkaConfig.fromProps(nodeProperties.get(index), false), Time.SYSTEM);
    synchronized (this) {
      servers.set(index, s);
    }
    s.startup();
  }

  private void startProcess(int index) {
    Path logDir = Path.of(nodeProperties.get(index).getProperty("log.dirs"));
    Path config = logDir.resolveSibling(logDir.getFileName() + ".properties");
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "kafka.Kafka",
            config.toString());
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("node-" + nodeId(index) + ".out").toFile())
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      synchronized (this) {
        processes.set(index, p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitBrokers(int nodes) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      String last = "no answer yet";
      while (true) {
        checkProcessesAlive();
        try {
          int registered = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
          if (registered >= nodes) {
            return;
          }
          last = registered + " registered";
        } catch (ExecutionException | TimeoutException e) {
          last = e.toString(); // child JVMs still starting
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "not all " + nodes + " brokers registered within 180 s (" + last + ")" + outputs());
        }
        Thread.sleep(200);
      }
    }
  }

  private synchronized void checkProcessesAlive() throws IOException {
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException(
            "node " + nodeId(i) + " exited with " + p.exitValue() + outputs());
      }
    }
  }

  /** The last lines of every child JVM's output, for failure messages. */
  private String outputs() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < nodeProperties.size(); i++) {
      Path out = dir.resolve("node-" + nodeId(i) + ".out");
      if (Files.exists(out)) {
        List<String> lines = Files.readAllLines(out, UTF_8);
        sb.append("\n--- node ")
            .append(nodeId(i))
            .append(":\n")
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
      }
    }
    return sb.toString();
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
    for (int i = 0; i < nodeProperties.size(); i++) {
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
