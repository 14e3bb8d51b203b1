package io.loghaul;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code admin.ports-file}: the bound port of every listener, as properties lines named after
 * their keys ({@code admin.port=41234}), for whoever started loghaul with {@code auto} ports (the
 * test kit, benchmarks, a supervisor). Written in one atomic move once every listener is bound, so
 * a reader never sees half a file; removed on {@link #close()}.
 */
final class PortsFile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PortsFile.class);

  private final Path file;

  private PortsFile(Path file) {
    this.file = file;
  }

  /** Removes a file left by an earlier run, so nobody mistakes its ports for this run's. */
  static void clear(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  /** Writes {@code ports} (key → bound port, in iteration order) to {@code file}. */
  static PortsFile write(Path file, Map<String, Integer> ports) throws IOException {
    StringBuilder text = new StringBuilder();
    ports.forEach((key, port) -> text.append(key).append('=').append(port).append('\n'));
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, text, UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    log.info("Listener ports {} written to {}", ports, file);
    return new PortsFile(file);
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
  }
}
