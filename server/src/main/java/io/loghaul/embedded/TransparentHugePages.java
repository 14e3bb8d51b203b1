package io.loghaul.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the kernel backs memory with transparent huge pages (2 MiB) when a process asks for them:
 * the THP mode of {@code /sys/kernel/mm/transparent_hugepage/enabled} is {@code madvise} (the
 * default of many distributions: only memory advised with {@code MADV_HUGEPAGE}) or {@code always}.
 * Both loghaul's JVM ({@code -XX:+UseTransparentHugePages}, set by the launcher) and a managed
 * clickhouse-server (jemalloc's {@code thp:always}) ask for them only then; with {@code never} the
 * JVM would warn and run without. BENCHMARKS.md, "Transparent huge pages", has what they save.
 */
public final class TransparentHugePages {
  private static final Path MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

  private TransparentHugePages() {}

  /** Whether this machine's kernel offers them on request. */
  public static boolean offered() {
    try {
      return offered(Files.isReadable(MODE) ? Files.readString(MODE) : "");
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether {@code mode}, the content of the THP mode file ("" when absent), offers them. */
  static boolean offered(String mode) {
    return mode.contains("[madvise]") || mode.contains("[always]");
  }
}
