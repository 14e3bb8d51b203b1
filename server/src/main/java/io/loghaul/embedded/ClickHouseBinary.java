package io.loghaul.embedded;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds the command that runs a ClickHouse server on this machine: {@code clickhouse-server} on
 * PATH, {@code /usr/sbin/clickhouse-server}, {@code /usr/bin/clickhouse-server}, else {@code
 * clickhouse server} from a {@code clickhouse} binary on PATH or in /usr/bin (Debian's 18.16
 * package installs {@code /usr/bin/clickhouse} with {@code clickhouse-server} as a link to it).
 */
public final class ClickHouseBinary {
  static final String INSTALL_HINT =
      "install it with 'apt-get install -y clickhouse-server', or set clickhouse.url to an existing server";

  private ClickHouseBinary() {}

  /** The server command, or empty when none is installed. */
  public static Optional<List<String>> find() {
    List<Path> dirs = new ArrayList<>();
    String pathEnv = System.getenv("PATH");
    if (pathEnv != null) {
      for (String p : pathEnv.split(File.pathSeparator)) {
        if (!p.isEmpty()) {
          dirs.add(Path.of(p));
        }
      }
    }
    List<Path> servers = new ArrayList<>();
    for (Path d : dirs) {
      servers.add(d.resolve("clickhouse-server"));
    }
    servers.add(Path.of("/usr/sbin/clickhouse-server"));
    servers.add(Path.of("/usr/bin/clickhouse-server"));
    for (Path p : servers) {
      if (isExecutableFile(p)) {
        return Optional.of(List.of(p.toString()));
      }
    }
    dirs.add(Path.of("/usr/bin"));
    for (Path d : dirs) {
      Path p = d.resolve("clickhouse");
      if (isExecutableFile(p)) {
        return Optional.of(List.of(p.toString(), "server"));
      }
    }
    return Optional.empty();
  }

  /**
   * The command {@code lookup} finds, checked to name an executable file.
   *
   * @throws IllegalStateException naming the install command and the {@code clickhouse.url}
   *     alternative when there is none or its binary is missing
   */
  static List<String> require(Supplier<Optional<List<String>>> lookup) {
    List<String> command =
        lookup
            .get()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no ClickHouse server binary found (looked for clickhouse-server on PATH, /usr/sbin/clickhouse-server, "
                            + "/usr/bin/clickhouse-server and a 'clickhouse' binary); "
                            + INSTALL_HINT));
    Path binary = Path.of(command.get(0));
    if (!isExecutableFile(binary)) {
      throw new IllegalStateException(
          "ClickHouse server binary " + binary + " is missing or not executable; " + INSTALL_HINT);
    }
    return List.copyOf(command);
  }

  private static boolean isExecutableFile(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p);
  }
}
