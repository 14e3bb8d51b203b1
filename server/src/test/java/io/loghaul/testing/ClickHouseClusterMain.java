package io.loghaul.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a {@link ClickHouseCluster} (ZooKeeper in process, 2 shards × 2 replicas unless told
 * otherwise) for a manual benchmark such as {@code ./loghaul bench scale --clickhouse-url=...
 * --clickhouse-pids=... --loghaul-args='--clickhouse.cluster=loghaul_cluster'}. Not a test: no test
 * run starts it. Prints {@code urls=...} and {@code pids=...} (the clickhouse-server processes),
 * then keeps the cluster up until stdin reaches EOF or the JVM is told to stop (SIGTERM, Ctrl-C).
 *
 * <p>Usage: {@code java -cp <server test class path> io.loghaul.testing.ClickHouseClusterMain DIR
 * [SHARDS [REPLICAS]]}.
 */
public final class ClickHouseClusterMain {
  private ClickHouseClusterMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: ClickHouseClusterMain DIR [SHARDS [REPLICAS]]");
      System.exit(2);
    }
    int shards = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int replicas = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    ClickHouseCluster cluster = ClickHouseCluster.start(Path.of(args[0]), shards, replicas);
    Thread closer = new Thread(cluster::close, "cluster-close");
    Runtime.getRuntime().addShutdownHook(closer);
    List<String> pids = new ArrayList<>();
    for (int i = 0; i < shards * replicas; i++) {
      pids.add(Long.toString(cluster.server(i).serverPid()));
    }
    System.out.println("cluster=" + ClickHouseCluster.NAME);
    System.out.println("urls=" + cluster.urls());
    System.out.println("pids=" + String.join(",", pids));
    System.out.flush();
    waitForEof(System.in);
    Runtime.getRuntime().removeShutdownHook(closer);
    cluster.close();
  }

  private static void waitForEof(InputStream in) throws IOException {
    byte[] buf = new byte[256];
    while (in.read(buf) >= 0) {
      // keep reading until the other end closes stdin
    }
  }
}
