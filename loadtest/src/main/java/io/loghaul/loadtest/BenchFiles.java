package io.loghaul.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Small helpers the suites share: scratch directories, rounding for reports. */
final class BenchFiles {
  private BenchFiles() {}

  /** Deletes {@code dir} and everything below it; nothing when it does not exist. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** {@code v} rounded to three decimals, for JSON and Markdown reports. */
  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
