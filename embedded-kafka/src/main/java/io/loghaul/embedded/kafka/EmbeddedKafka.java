package io.loghaul.embedded.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka 4.1 broker in KRaft mode (combined broker and controller) running
 * inside this JVM, used when {@code kafka.bootstrap} is unset (docs/configuration.md#embedded-mode)
 * and by integration tests.
 *
 * <p>Clients connect over PLAINTEXT to {@code 127.0.0.1:port}; the KRaft controller listens on
 * {@code 127.0.0.1:controllerPort} (the server passes {@code kafka.embedded.controller-port},
 * default client port + 1; tests may let it pick a free one). The data directory is formatted on
 * first use and reused afterwards, so topics, records and committed offsets survive {@link
 * #stop()}/{@link #restart()} and a restart of the process. Topics are never auto-created (the
 * pipeline creates what it needs); {@code message.max.bytes} keeps Kafka's default (about 1 MiB).
 *
 * <p>Thread-safe: lifecycle methods are synchronized. {@link #start} returns once an admin client
 * can describe the cluster; {@link #close()} is idempotent and bounded in time. Kafka's own logging
 * is left to the logging configuration ({@code logback.xml} keeps it at WARN).
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  /**
   * How long {@link #start} and {@link #restart()} wait for the broker to answer an admin client.
   */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /** How long {@link #stop()} waits for a clean shutdown before giving up on it. */
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private static final int NODE_ID = 1;
  private static final Set<String> APPENDED =
      Set.of("listeners", "advertised.listeners", "listener.security.protocol.map");
  private static final String HOST = "127.0.0.1";

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final Properties properties;

  private KafkaRaftServer server; // null while stopped
  private boolean closed;

  private EmbeddedKafka(Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.properties = brokerProperties(dataDir.resolve("log"), port, controllerPort);
    overrides.forEach(
        (name, value) -> {
          String base = properties.getProperty(name);
          properties.setProperty(
              name, APPENDED.contains(name) && base != null ? base + "," + value : value);
        });
  }

  /**
   * Starts a broker keeping its data under {@code dataDir} (created if missing) and serving clients
   * on {@code 127.0.0.1:port}. Blocks until the broker answers an admin client.
   *
   * @throws IllegalStateException if the broker does not start or become ready in time
   * @throws IllegalArgumentException if the data directory's path has a comma in it
   * @throws UncheckedIOException if the data directory cannot be prepared
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    return start(dataDir, port, -1, Map.of());
  }

  /**
   * Like {@link #start(Path, int)}, with the KRaft controller listening on {@code
   * 127.0.0.1:controllerPort} ({@code kafka.embedded.controller-port}); -1 picks a free port.
   *
   * @throws IllegalStateException naming {@code kafka.embedded.controller-port} when that port is
   *     taken
   */
  public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) {
    return start(dataDir, port, controllerPort, Map.of());
  }

  /**
   * Like {@link #start(Path, int)}, with broker properties replaced or added by {@code overrides},
   * except that values of {@code listeners}, {@code advertised.listeners} and {@code
   * listener.security.protocol.map} are appended to the plaintext and controller listeners:
   * integration tests add secured listeners this way (readiness is still checked in plaintext).
   */
  public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides) {
    return start(dataDir, port, -1, overrides);
  }

  private static EmbeddedKafka start(
      Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
    requireNonNull(dataDir, "dataDir");
    requireNonNull(overrides, "overrides");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    if (controllerPort != -1
        && (controllerPort < 1 || controllerPort > 65535 || controllerPort == port)) {
      throw new IllegalArgumentException(
          "controllerPort: "
              + controllerPort
              + " (expected: 1..65535, not the client port "
              + port
              + ")");
    }
    if (controllerPort != -1) {
      checkFree(controllerPort);
    }
    Path dir = dataDir.toAbsolutePath().normalize();
    if (dir.toString().indexOf(',') >= 0) {
      // log.dirs is a comma-separated list: the broker would write into the pieces, some relative
      throw new IllegalArgumentException(
          "dataDir: "
              + dir
              + " (expected: a path without ',', which Kafka's log.dirs reads as a list)");
    }
    EmbeddedKafka kafka =
        new EmbeddedKafka(dir, port, controllerPort == -1 ? freePort() : controllerPort, overrides);
    try {
      kafka.format();
      kafka.startServer();
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /**
   * Shuts the broker down cleanly, keeping its data, so tests can see how clients behave while
   * Kafka is gone. Does nothing if already stopped.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    KafkaRaftServer stopping = server;
    server = null;
    long startNanos = System.nanoTime();
    // Kafka's shutdown blocks on its own threads; a helper thread lets us bound the wait.
    Thread shutdown =
        new Thread(
            () -> {
              try {
                stopping.shutdown();
                stopping.awaitShutdown();
              } catch (RuntimeException e) {
                LOG.warn("embedded Kafka shutdown failed", e);
              }
            },
            "embedded-kafka-shutdown");
    shutdown.setDaemon(true);
    shutdown.start();
    try {
      shutdown.join(SHUTDOWN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (shutdown.isAlive()) {
      LOG.warn(
          "embedded Kafka did not stop within {} s; continuing without waiting",
          SHUTDOWN_TIMEOUT.toSeconds());
    } else {
      LOG.info(
          "embedded Kafka stopped in {} ms",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }
  }

  /**
   * Starts the broker again on the same data directory and ports after {@link #stop()}. Does
   * nothing if it is running.
   *
   * @throws IllegalStateException if closed, or if the broker does not become ready in time
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("embedded Kafka is closed");
    }
    if (server == null) {
      startServer();
    }
  }

  /** Stops the broker (bounded by {@link #SHUTDOWN_TIMEOUT}); idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
  }

  /** Formats the log directory once; its meta.properties keeps the cluster id for later runs. */
  private void format() {
    Path logDir = dataDir.resolve("log");
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path propertiesFile = dataDir.resolve("server.properties");
    try {
      Files.createDirectories(logDir);
      try (Writer out = Files.newBufferedWriter(propertiesFile, UTF_8)) {
        properties.store(out, "generated by loghaul for formatting the embedded broker");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare embedded Kafka data dir " + dataDir, e);
    }
    String clusterId = Uuid.randomUuid().toString();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int status;
    try (PrintStream print = new PrintStream(output, true, UTF_8)) {
      status =
          StorageTool.execute(
              new String[] {"format", "-t", clusterId, "-c", propertiesFile.toString()}, print);
    } catch (Exception e) {
      throw new IllegalStateException(
          "formatting embedded Kafka log dir "
              + logDir
              + " failed: "
              + output.toString(UTF_8).strip(),
          e);
    }
    if (status != 0) {
      throw new IllegalStateException(
          "formatting embedded Kafka log dir "
              + logDir
              + " failed (status "
              + status
              + "): "
              + output.toString(UTF_8).strip());
    }
    LOG.info("formatted embedded Kafka log dir {} (cluster id {})", logDir, clusterId);
  }

  private void startServer() {
    long startNanos = System.nanoTime();
    KafkaRaftServer started =
        new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
    try {
      started.startup();
    } catch (RuntimeException e) {
      shutdownQuietly(started);
      throw new IllegalStateException("embedded Kafka failed to start on " + bootstrapServers(), e);
    }
    server = started;
    awaitReady();
    LOG.info(
        "embedded Kafka ready on {} in {} ms (data {})",
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
        dataDir);
  }

  private void awaitReady() {
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.CLIENT_ID_CONFIG,
            "loghaul-embedded-kafka-check");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(config)) {
      while (true) {
        long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remainingMs <= 0) {
          throw new IllegalStateException(
              "embedded Kafka on "
                  + bootstrapServers()
                  + " not ready within "
                  + READY_TIMEOUT.toSeconds()
                  + " s");
        }
        try {
          int attemptMs = (int) Math.min(remainingMs, 5_000);
          if (!admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(attemptMs))
              .nodes()
              .get(attemptMs, TimeUnit.MILLISECONDS)
              .isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          LOG.debug("embedded Kafka not ready yet", e);
        }
        // describeCluster retries internally until its timeout; this only paces an empty reply.
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for embedded Kafka", e);
    }
  }

  private static void shutdownQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("embedded Kafka cleanup after failed start failed", e);
    }
  }

  private static Properties brokerProperties(Path logDir, int port, int controllerPort) {
    Map<String, String> p = new TreeMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    // One node: every internal topic can only have one replica.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("min.insync.replicas", "1");
    // The default 50 partitions of __consumer_offsets make the first group join slow on a
    // small machine; one consumer group per pipeline does not need them.
    p.put("offsets.topic.num.partitions", "8");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    // The broker lives in loghaul's heap: the cleaner's default 128 MiB dedupe buffer is far more
    // than compacting __consumer_offsets needs.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  /** Fails early, with the key to change, rather than deep inside Kafka's startup. */
  private static void checkFree(int controllerPort) {
    try (ServerSocket socket = new ServerSocket(controllerPort, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
    } catch (IOException e) {
      throw new IllegalStateException(
          "kafka.embedded.controller-port: "
              + controllerPort
              + " is in use on "
              + HOST
              + " (expected: a free port; unset, it is kafka.embedded.port + 1)",
          e);
    }
  }

  /** The controller's port (loopback only). */
  public int controllerPort() {
    return controllerPort;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the embedded Kafka controller", e);
    }
  }
}
