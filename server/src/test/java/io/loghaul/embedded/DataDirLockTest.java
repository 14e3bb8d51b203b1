package io.loghaul.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {
  @TempDir Path dir;

  @Test
  void aSecondLockOnTheSameDirectoryFailsNamingDataDirAndTheHolder() throws Exception {
    Path data = dir.resolve("data");
    try (DataDirLock first = DataDirLock.acquire(data)) {
      assertThat(Files.readString(data.resolve(DataDirLock.FILE_NAME)).trim())
          .isEqualTo(Long.toString(ProcessHandle.current().pid()));

      assertThatThrownBy(() -> DataDirLock.acquire(data))
          .isInstanceOf(DataDirLock.InUseException.class)
          .hasMessageStartingWith(
              "data.dir: "
                  + data
                  + " is in use by another loghaul (pid "
                  + ProcessHandle.current().pid());
    }
  }

  @Test
  void theLockIsFreeAgainOnceClosed() throws Exception {
    DataDirLock.acquire(dir).close();

    try (DataDirLock again = DataDirLock.acquire(dir)) {
      assertThat(again).isNotNull();
    }
  }

  @Test
  void anotherProcessCannotTakeItEither() throws Exception {
    try (DataDirLock held = DataDirLock.acquire(dir)) {
      String java = ProcessHandle.current().info().command().orElse("java");
      Process child =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  DataDirLockTest.class.getName().replace("DataDirLockTest", "DataDirLockProbe"),
                  dir.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(child.getInputStream().readAllBytes());
      assertThat(child.waitFor()).as(out).isEqualTo(3);
      assertThat(out)
          .contains("is in use by another loghaul (pid " + ProcessHandle.current().pid());
    }
  }
}
