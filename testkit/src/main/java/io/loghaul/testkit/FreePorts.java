package io.loghaul.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports for servers that must be told their port before they start and cannot report a
 * port chosen at bind time: the embedded Kafka broker (its advertised listener), clickhouse-server,
 * Prometheus. loghaul's own listeners do not need this: give them {@code auto}.
 */
public final class FreePorts {
  /** Every port this JVM handed out: the OS may offer a just-closed port again at once. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /**
   * A port that was free on 127.0.0.1 a moment ago, picked by the OS from the ephemeral range, and
   * never returned before in this JVM (so two ports picked for one server's listeners differ).
   * Another process could take it before the caller binds it; that window is small enough for the
   * few servers that need it.
   */
  public static int freePort() {
    while (true) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("no free port on 127.0.0.1", e);
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
  }
}
