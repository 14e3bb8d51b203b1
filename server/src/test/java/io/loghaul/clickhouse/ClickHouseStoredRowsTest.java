package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.record.UncommittedRows;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ClickHouseStoredRowsTest {
  @Test
  void asksForTheOffsetRangeWithinTheEventTimeWindowSoDatePartitionsArePruned() {
    String sql =
        ClickHouseStoredRows.sql(
            "`default`.`logs`",
            new TopicPartition("logs", 3),
            new UncommittedRows(100, 250, 1_795_316_252_900_000_000L, 1_795_316_260_100_000_000L));
    assertThat(sql)
        .isEqualTo(
            "SELECT DISTINCT kafka_offset FROM `default`.`logs` WHERE kafka_topic = 'logs'"
                + " AND kafka_partition = 3 AND kafka_offset >= 100 AND kafka_offset <= 250"
                + " AND timestamp >= toDateTime(1795316252) AND timestamp <= toDateTime(1795316261) FORMAT TSV");
  }

  @Test
  void parsesTheAnswerIntoSortedOffsets() {
    assertThat(ClickHouseStoredRows.parse("7\n3\n5\n")).containsExactly(3, 5, 7);
    assertThat(ClickHouseStoredRows.parse("")).isEmpty();
  }

  @Test
  void quotesStringLiterals() {
    assertThat(ClickHouseStoredRows.quote("a'b\\c")).isEqualTo("'a\\'b\\\\c'");
  }
}
