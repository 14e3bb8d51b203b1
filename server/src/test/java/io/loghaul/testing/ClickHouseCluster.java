package io.loghaul.testing;

import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.embedded.ClickHouseConfig;
import io.loghaul.embedded.ManagedClickHouse;
import io.loghaul.testkit.FreePorts;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A real replicated, sharded ClickHouse for integration tests, all on loopback: an in-process
 * Apache ZooKeeper and {@code shards × replicas} clickhouse-server child processes whose configs
 * ({@link ClickHouseConfig}) carry {@code remote_servers} (cluster {@value #NAME}), {@code macros}
 * ({@code shard} = {@code 01}, {@code 02}, ...; {@code replica} = {@code s01r1}, ...) and {@code
 * zookeeper}. Server {@code i} is replica {@code i % replicas} of shard {@code i / replicas}.
 * Servers start in parallel. Start one per test class; {@link #close()} stops everything.
 */
public final class ClickHouseCluster implements AutoCloseable {
  public static final String NAME = "loghaul_cluster";

  private final int shards;
  private final int replicas;
  private final ZooKeeperServer zooKeeper;
  private final ServerCnxnFactory zooKeeperListener;
  private final List<ManagedClickHouse> servers;
  private final List<ClickHouseHttpClient> clients = new ArrayList<>();

  private ClickHouseCluster(
      int shards,
      int replicas,
      ZooKeeperServer zooKeeper,
      ServerCnxnFactory zooKeeperListener,
      List<ManagedClickHouse> servers) {
    this.shards = shards;
    this.replicas = replicas;
    this.zooKeeper = zooKeeper;
    this.zooKeeperListener = zooKeeperListener;
    this.servers = servers;
    for (ManagedClickHouse s : servers) {
      clients.add(new ClickHouseHttpClient(s.url(), "default", "", Duration.ofSeconds(60)));
    }
  }

  /**
   * Starts ZooKeeper and the servers under {@code dir}. Ports are picked free but may be taken by
   * another process before a server binds them (this machine runs several builds at once), so a
   * start that fails with "Address already in use" is tried again, twice, on fresh ports.
   */
  public static ClickHouseCluster start(Path dir, int shards, int replicas) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(dir.resolve("attempt-" + attempt), shards, replicas);
      } catch (RuntimeException e) {
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  private static ClickHouseCluster startOnce(Path dir, int shards, int replicas) throws Exception {
    Files.createDirectories(dir);
    ZooKeeperServer zk =
        new ZooKeeperServer(
            dir.resolve("zookeeper/snap").toFile(), dir.resolve("zookeeper/log").toFile(), 500);
    ServerCnxnFactory listener =
        ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 200);
    listener.startup(zk);
    String zkAddress = "127.0.0.1:" + listener.getLocalPort();

    int n = shards * replicas;
    Set<Integer> taken = new HashSet<>();
    int[] tcpPorts = new int[n];
    for (int i = 0; i < n; i++) {
      tcpPorts[i] = distinctFreePort(taken);
    }
    List<List<String>> layout = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      List<String> members = new ArrayList<>();
      for (int r = 0; r < replicas; r++) {
        members.add("127.0.0.1:" + tcpPorts[s * replicas + r]);
      }
      layout.add(members);
    }
    List<CompletableFuture<ManagedClickHouse>> starting = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int shard = i / replicas + 1;
      int replica = i % replicas + 1;
      ClickHouseConfig config =
          ClickHouseConfig.builder(
                  dir.resolve("clickhouse-s" + shard + "r" + replica), distinctFreePort(taken))
              .tcpPort(tcpPorts[i])
              .interserverHttpPort(distinctFreePort(taken))
              .cluster(NAME, layout)
              .macro("shard", String.format("%02d", shard))
              .macro("replica", String.format("s%02dr%d", shard, replica))
              .zookeeper(List.of(zkAddress))
              .build();
      starting.add(CompletableFuture.supplyAsync(() -> ManagedClickHouse.start(config)));
    }
    List<ManagedClickHouse> servers = new ArrayList<>();
    RuntimeException failure = null;
    for (CompletableFuture<ManagedClickHouse> f : starting) {
      try {
        servers.add(f.join());
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure instanceof CompletionException
        && failure.getCause() instanceof RuntimeException c) {
      failure = c;
    }
    if (failure != null) {
      servers.forEach(ManagedClickHouse::close);
      listener.shutdown();
      zk.shutdown();
      throw failure;
    }
    return new ClickHouseCluster(shards, replicas, zk, listener, List.copyOf(servers));
  }

  private static int distinctFreePort(Set<Integer> taken) {
    while (true) {
      int port = FreePorts.freePort();
      if (taken.add(port)) {
        return port;
      }
    }
  }

  public int shards() {
    return shards;
  }

  public int replicas() {
    return replicas;
  }

  /** Server {@code i} (replica {@code i % replicas} of shard {@code i / replicas}). */
  public ManagedClickHouse server(int i) {
    return servers.get(i);
  }

  /** Server {@code replica} of {@code shard}, both counted from 0. */
  public ManagedClickHouse server(int shard, int replica) {
    return servers.get(shard * replicas + replica);
  }

  /** A client of server {@code i} alone. */
  public ClickHouseHttpClient client(int i) {
    return clients.get(i);
  }

  /** Every server's HTTP URL, comma-separated: a {@code clickhouse.url}. */
  public String urls() {
    return servers.stream().map(ManagedClickHouse::url).collect(Collectors.joining(","));
  }

  /** Starts every server that was stopped or killed, so the next test finds the whole cluster. */
  public void restartStopped() {
    for (ManagedClickHouse s : servers) {
      if (!s.isRunning()) {
        s.restart();
      }
    }
  }

  /** {@code sql}'s answer from server {@code i}, trimmed. */
  public String query(int i, String sql) throws Exception {
    return clients.get(i).query(sql).trim();
  }

  @Override
  public void close() {
    for (ClickHouseHttpClient c : clients) {
      c.close();
    }
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (ManagedClickHouse s : servers) {
      stopping.add(CompletableFuture.runAsync(s::close));
    }
    stopping.forEach(CompletableFuture::join);
    zooKeeperListener.shutdown();
    zooKeeper.shutdown();
  }
}
