package io.loghaul.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports for servers that must be told their port before they start and cannot report a
 * port chosen at bind time: the embedded Kafka broker (its advertised listener), clickhouse-server,
 * Prometheus. loghaul's own listeners do not need this: give them {@code auto}.
 */
public final class FreePorts {
  private FreePorts() {}

  /**
   * A port that was free on 127.0.0.1 a moment ago, picked by the OS from the ephemeral range.
   * Another process could take it before the caller binds it; that window is small enough for the
   * few servers that need it.
   */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
