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

  /**
   * After a failed run: deletes everything under {@code dir} but the logs ({@code *.log} files and
   * whatever lies in a {@code log} directory), then the directories left empty, {@code dir}
   * included. Returns whether anything was kept.
   */
  static boolean keepOnlyLogs(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isDirectory(p)) {
          try (Stream<Path> entries = Files.list(p)) {
            if (entries.findAny().isEmpty()) {
              Files.delete(p);
            }
          }
        } else if (!isLog(dir, p)) {
          Files.delete(p);
        }
      }
    }
    return Files.exists(dir);
  }

  private static boolean isLog(Path root, Path file) {
    if (file.getFileName().toString().endsWith(".log")) {
      return true;
    }
    for (Path part : root.relativize(file)) {
      if (part.toString().equals("log")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Deletes {@code dir} if it exists and is empty (a result folder a failed run left nothing in).
   */
  static void deleteIfEmpty(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          return;
        }
      }
      Files.delete(dir);
    }
  }

  /** {@code v} rounded to three decimals, for JSON and Markdown reports. */
  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
