package io.loghaul.metrics;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds files under the repository's {@code deploy/} directory from a test's working directory. */
final class DeployFiles {
  private DeployFiles() {}

  static Path path(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("deploy").resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "deploy/" + relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
