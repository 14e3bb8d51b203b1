package io.loghaul;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.config.LoghaulConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings loghaul sends with every INSERT, on one server and on a cluster. */
class LoghaulServerSettingsTest {
  private static LoghaulConfig.ClickHouse clickhouse(String cluster, Map<String, String> settings) {
    return new LoghaulConfig.ClickHouse(
        "http://ch:8123",
        8123,
        "default",
        "",
        "default",
        "logs",
        true,
        null,
        null,
        null,
        null,
        settings,
        cluster);
  }

  @Test
  void aClusterInsertIsSynchronous() {
    assertThat(
            LoghaulServer.insertSettings(clickhouse("prod", Map.of("insert_quorum", "2")), 100_000))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("insert_quorum", "2", "insert_distributed_sync", "1"));
  }

  @Test
  void anExplicitSettingWinsAndOneServerGetsOnlyTheConfiguredSettings() {
    assertThat(
            LoghaulServer.insertSettings(
                clickhouse("prod", Map.of("insert_distributed_sync", "0")), 100_000))
        .containsExactlyEntriesOf(Map.of("insert_distributed_sync", "0"));
    assertThat(
            LoghaulServer.insertSettings(clickhouse(null, Map.of("insert_quorum", "2")), 100_000))
        .containsExactlyEntriesOf(Map.of("insert_quorum", "2"));
  }

  @Test
  void batchesOfMoreRowsThanClickHousesInsertBlockRaiseItSoABatchStaysOnePart() {
    assertThat(LoghaulServer.insertSettings(clickhouse(null, Map.of()), 1_048_576)).isEmpty();
    assertThat(LoghaulServer.insertSettings(clickhouse(null, Map.of()), 2_000_000))
        .containsExactlyEntriesOf(Map.of("max_insert_block_size", "2000000"));
    assertThat(
            LoghaulServer.insertSettings(
                clickhouse(null, Map.of("max_insert_block_size", "4000000")), 2_000_000))
        .containsExactlyEntriesOf(Map.of("max_insert_block_size", "4000000"));
  }
}
