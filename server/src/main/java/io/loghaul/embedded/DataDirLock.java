package io.loghaul.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock one loghaul process holds on its {@code data.dir} while its embedded Kafka
 * broker or managed ClickHouse keeps data there. Taken before either starts: a second process on
 * the same directory must fail at once, not after its broker has already replayed and appended to
 * the first one's metadata log (Kafka takes its own log-directory lock too late to prevent that).
 *
 * <p>An OS file lock ({@code data.dir/loghaul.lock}, which also records the holder's pid for the
 * message): released by the OS when the process dies, so a crashed instance never leaves a stale
 * lock behind. Not reentrant: a second {@link #acquire} in the same process fails too.
 */
public final class DataDirLock implements AutoCloseable {
  static final String FILE_NAME = "loghaul.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDir} (created if missing).
   *
   * @throws InUseException when another process (or this one) holds it
   * @throws IOException when the directory or the lock file cannot be created
   */
  public static DataDirLock acquire(Path dataDir) throws IOException {
    requireNonNull(dataDir, "dataDir");
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(channel);
      channel.close();
      throw new InUseException(dataDir, holder);
    }
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(UTF_8)), 0);
      channel.force(false);
    } catch (IOException e) {
      lock.release();
      channel.close();
      throw e;
    }
    return new DataDirLock(channel, lock);
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      int n = channel.read(buf, 0);
      String pid = n <= 0 ? "" : new String(buf.array(), 0, n, UTF_8).trim();
      return pid.matches("[0-9]{1,10}") ? "pid " + pid : "another process";
    } catch (IOException e) {
      return "another process";
    }
  }

  /** Releases the lock; the file stays (removing it would race with a process about to lock it). */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  /** The data directory is locked by another loghaul. */
  public static final class InUseException extends IOException {
    private static final long serialVersionUID = 1L;

    InUseException(Path dataDir, String holder) {
      super(
          "data.dir: "
              + dataDir
              + " is in use by another loghaul ("
              + holder
              + ", lock "
              + dataDir.resolve(FILE_NAME)
              + ") (expected: a data.dir of its own for each instance, or"
              + " kafka.bootstrap and clickhouse.url set so that no data.dir is needed)");
    }
  }
}
