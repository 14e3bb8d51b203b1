package io.loghaul.loadtest;

import io.loghaul.embedded.TransparentHugePages;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDK options {@code ./loghaul run} gives every server JVM ({@code quiet_jdk_opts} and {@code
 * page_opts} in the launcher), so the benches measure the server users run: without {@code
 * --sun-misc-unsafe-memory-access=allow} a JDK 23+ checks, on every {@code sun.misc.Unsafe} memory
 * access of Netty and the Kafka clients, whether it warned yet (12–14 % of the network threads'
 * samples in a JFR recording of {@code bench otlp}); without transparent huge pages a fresh heap is
 * faulted in 4 KiB at a time (BENCHMARKS.md, "Transparent huge pages").
 */
final class LauncherJdkOptions {
  private LauncherJdkOptions() {}

  /** The options for any JVM the launcher starts on a JDK of release {@code feature}. */
  static List<String> of(int feature) {
    return feature >= 23
        ? List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
        : List.of("--enable-native-access=ALL-UNNAMED");
  }

  /**
   * The options for a loghaul server JVM, as a list the caller may extend: {@link #of(int)}, and
   * huge pages for the heap when the kernel offers them ({@code hugePages}: {@link
   * TransparentHugePages#offered()}).
   */
  static List<String> forServer(int feature, boolean hugePages) {
    List<String> jvm = new ArrayList<>(of(feature));
    if (hugePages) {
      jvm.add("-XX:+UseTransparentHugePages");
    }
    return jvm;
  }

  /** The launcher's options for a server on this JDK and kernel, then {@code more}. */
  static List<String> with(List<String> more) {
    List<String> jvm = forServer(Runtime.version().feature(), TransparentHugePages.offered());
    jvm.addAll(more);
    return jvm;
  }
}
