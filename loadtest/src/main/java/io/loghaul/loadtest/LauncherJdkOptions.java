package io.loghaul.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * The JDK options {@code ./loghaul run} gives every server JVM ({@code quiet_jdk_opts} in the
 * launcher), so the benches measure the server users run: without {@code
 * --sun-misc-unsafe-memory-access=allow} a JDK 23+ checks, on every {@code sun.misc.Unsafe} memory
 * access of Netty and the Kafka clients, whether it warned yet (12–14 % of the network threads'
 * samples in a JFR recording of {@code bench otlp}).
 */
final class LauncherJdkOptions {
  private LauncherJdkOptions() {}

  /** The options for a JDK of release {@code feature}. */
  static List<String> of(int feature) {
    return feature >= 23
        ? List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
        : List.of("--enable-native-access=ALL-UNNAMED");
  }

  /** The launcher's options for this JDK (the children run on it), then {@code more}. */
  static List<String> with(List<String> more) {
    List<String> jvm = new ArrayList<>(of(Runtime.version().feature()));
    jvm.addAll(more);
    return jvm;
  }
}
