package io.loghaul.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A listener's address as a user reads it in the startup log: {@code 0.0.0.0:4317 (all
 * interfaces)}, {@code 127.0.0.1:4318}, {@code [::1]:4317}, not the JDK's {@code
 * /[0:0:0:0:0:0:0:0]:4317}.
 */
public final class ListenAddress {
  private ListenAddress() {}

  /** {@code host} as configured, with the bound {@code port}. */
  public static String describe(String host, int port) {
    String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return h + ":" + port + (wildcard(host) ? " (all interfaces)" : "");
  }

  private static boolean wildcard(String host) {
    try {
      return InetAddress.getByName(host).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false; // a name that does not resolve now bound before; say nothing about it
    }
  }
}
