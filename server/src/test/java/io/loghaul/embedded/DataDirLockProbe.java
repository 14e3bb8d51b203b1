package io.loghaul.embedded;

import java.nio.file.Path;

/** Tries to lock the directory it is given from another process: exit 0 locked, 3 in use. */
final class DataDirLockProbe {
  private DataDirLockProbe() {}

  public static void main(String[] args) throws Exception {
    try (DataDirLock lock = DataDirLock.acquire(Path.of(args[0]))) {
      System.exit(0);
    } catch (DataDirLock.InUseException e) {
      System.out.println(e.getMessage());
      System.exit(3);
    }
  }
}
