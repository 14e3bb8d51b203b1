package io.loghaul.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.loghaul.testkit.FreePorts;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedClickHouseTest {
  @TempDir Path dir;

  @Test
  void asksJemallocForHugePagesWhereTheKernelOffersThemUnlessMallocConfIsSet() {
    assertThat(mallocConf(new HashMap<>(), true))
        .containsExactly(entry("MALLOC_CONF", "thp:always"));
    assertThat(mallocConf(new HashMap<>(), false)).isEmpty();
    assertThat(mallocConf(new HashMap<>(Map.of("MALLOC_CONF", "thp:never")), true))
        .containsExactly(entry("MALLOC_CONF", "thp:never"));
  }

  private static Map<String, String> mallocConf(Map<String, String> env, boolean hugePages) {
    ManagedClickHouse.setMallocConf(env, hugePages);
    return env;
  }

  @Test
  void namesTheInstallCommandAndTheUrlKeyWhenNoBinaryIsFound() {
    assertThatThrownBy(() -> ManagedClickHouse.start(dir, FreePorts.freePort(), Optional::empty))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apt-get install -y clickhouse-server")
        .hasMessageContaining("clickhouse.url");
  }

  @Test
  void namesTheInstallCommandWhenTheBinaryPathIsBogus() {
    List<String> bogus = List.of(dir.resolve("no/such/clickhouse-server").toString());

    assertThatThrownBy(
            () -> ManagedClickHouse.start(dir, FreePorts.freePort(), () -> Optional.of(bogus)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no/such/clickhouse-server")
        .hasMessageContaining("apt-get install -y clickhouse-server")
        .hasMessageContaining("clickhouse.url");
  }

  @Test
  void reportsTheLogTailWhenTheServerExitsDuringStartup() {
    List<String> failing = List.of("/bin/sh", "-c", "echo 'boom: cannot bind' >&2; exit 3");

    assertThatThrownBy(
            () -> ManagedClickHouse.start(dir, FreePorts.freePort(), () -> Optional.of(failing)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed to start: it exited during startup")
        .hasMessageContaining("boom: cannot bind");
  }

  @Test
  void rejectsAnInvalidPort() {
    assertThatThrownBy(() -> ManagedClickHouse.start(dir, 0, Optional::empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clickhouse.managed.http-port: 0 (expected: 1..65535)");
  }
}
