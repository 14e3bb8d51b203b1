package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path handling of the benchmark suites: absolute server paths, what a failed run leaves. */
class BenchFilesTest {
  @TempDir Path dir;

  @Test
  void theClickHouseConfigHoldsOnlyAbsolutePathsForARelativeDirectory() {
    String xml =
        BenchClickHouse.config(Path.of("bench-results/compare-1/work/clickhouse"), 8123, 500)
            .configXml();
    Path abs = Path.of("bench-results/compare-1/work/clickhouse").toAbsolutePath().normalize();

    assertThat(xml)
        .contains("<path>" + abs.resolve("data") + "/</path>")
        .contains("<log>" + abs.resolve("log/clickhouse-server.log") + "</log>")
        .contains("<users_config>" + abs.resolve("users.xml") + "</users_config>")
        .contains("<part_log>")
        .doesNotContain(">bench-results/");
  }

  @Test
  void aFailedRunKeepsTheLogsAndDropsTheDataAndEmptyFolders() throws Exception {
    Path work = dir.resolve("out/work");
    Files.createDirectories(work.resolve("clickhouse/log"));
    Files.createDirectories(work.resolve("clickhouse/data/default"));
    Files.createDirectories(work.resolve("kafka/log/logs-0"));
    Files.writeString(work.resolve("clickhouse/log/server.err.log"), "boom");
    Files.writeString(work.resolve("clickhouse/log/stdout.txt"), "out");
    Files.writeString(work.resolve("clickhouse/data/default/part.bin"), "data");
    Files.writeString(work.resolve("clickhouse/config.xml"), "<yandex/>");

    assertThat(BenchFiles.keepOnlyLogs(work)).isTrue();

    assertThat(work.resolve("clickhouse/log/server.err.log")).hasContent("boom");
    assertThat(work.resolve("clickhouse/log/stdout.txt")).exists();
    assertThat(work.resolve("clickhouse/data")).doesNotExist();
    assertThat(work.resolve("clickhouse/config.xml")).doesNotExist();
    assertThat(work.resolve("kafka")).as("folders left empty are removed").doesNotExist();
  }

  @Test
  void anEmptyResultFolderIsRemovedAndOneWithFilesStays() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("compare-1"));
    Path full = Files.createDirectories(dir.resolve("compare-2"));
    Files.writeString(full.resolve("loghaul-0.log"), "x");
    Path gone = dir.resolve("compare-3/work");
    Files.createDirectories(gone.resolve("kafka"));

    BenchFiles.deleteIfEmpty(empty);
    BenchFiles.deleteIfEmpty(full);
    assertThat(BenchFiles.keepOnlyLogs(gone)).isFalse();
    BenchFiles.deleteIfEmpty(dir.resolve("compare-3"));

    assertThat(empty).doesNotExist();
    assertThat(full).exists();
    assertThat(dir.resolve("compare-3")).doesNotExist();
  }
}
