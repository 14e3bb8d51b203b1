package io.loghaul.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

  private LauncherJdkOptions() {}

  /** The options for any JVM the launcher starts on a JDK of release {@code feature}. */
  static List<String> of(int feature) {
    return feature >= 23
        ? List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
        : List.of("--enable-native-access=ALL-UNNAMED");
  }

  /**
   * The options for a loghaul server JVM: {@link #of(int)}, and huge pages for the heap when the
   * kernel's THP mode ({@code thpMode}, the content of {@code
   * /sys/kernel/mm/transparent_hugepage/enabled}, "" when absent) offers them.
   */
  static List<String> forServer(int feature, String thpMode) {
    List<String> jvm = new ArrayList<>(of(feature));
    if (thpMode.contains("[madvise]") || thpMode.contains("[always]")) {
      jvm.add("-XX:+UseTransparentHugePages");
    }
    return jvm;
  }

  /** The launcher's options for a server on this JDK and kernel (the children run on it). */
  static List<String> forServer() {
    String mode;
    try {
      mode = Files.isReadable(THP_MODE) ? Files.readString(THP_MODE) : "";
    } catch (IOException e) {
      mode = "";
    }
    return forServer(Runtime.version().feature(), mode);
  }

  /** The launcher's options for a server on this JDK and kernel, then {@code more}. */
  static List<String> with(List<String> more) {
    List<String> jvm = new ArrayList<>(forServer());
    jvm.addAll(more);
    return jvm;
  }
}
