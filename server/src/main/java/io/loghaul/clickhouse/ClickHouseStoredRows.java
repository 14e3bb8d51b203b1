package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import io.loghaul.record.UncommittedRows;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Which of a partition's possibly-inserted rows the table holds ({@link RowSink#storedOffsets}),
 * answered by its provenance columns: the offsets of one topic partition within the given offset
 * range whose event time lies in the given window (the time bounds let ClickHouse prune date
 * partitions, so the query reads little even on a large table). On a cluster it asks every replica
 * of every shard ({@link ClickHouseTable#storedRowsSource()}). Thread-safe.
 */
public final class ClickHouseStoredRows {
  private final ClickHouseHttpClient client;
  private final ClickHouseTable table;

  public ClickHouseStoredRows(ClickHouseHttpClient client, ClickHouseTable table) {
    this.client = requireNonNull(client, "client");
    this.table = requireNonNull(table, "table");
  }

  /** The offsets among {@code rows} that the table holds, sorted ascending. */
  public long[] storedOffsets(TopicPartition partition, UncommittedRows rows)
      throws ClickHouseException {
    // on a cluster every replica is asked; one that is down is skipped (its sibling answers)
    String answer =
        table.cluster() == null
            ? client.query(sql(table.qualifiedName(), partition, rows))
            : client.query(
                sql(table.storedRowsSource(), partition, rows),
                Map.of("skip_unavailable_shards", "1"));
    return parse(answer);
  }

  static String sql(String qualifiedTable, TopicPartition partition, UncommittedRows rows) {
    long minSeconds = Math.floorDiv(rows.minTimestampNanos(), 1_000_000_000L);
    long maxSeconds = Math.floorDiv(rows.maxTimestampNanos(), 1_000_000_000L) + 1;
    return "SELECT DISTINCT kafka_offset FROM "
        + qualifiedTable
        + " WHERE kafka_topic = "
        + quote(partition.topic())
        + " AND kafka_partition = "
        + partition.partition()
        + " AND kafka_offset >= "
        + rows.firstOffset()
        + " AND kafka_offset <= "
        + rows.lastOffset()
        + " AND timestamp >= toDateTime("
        + minSeconds
        + ") AND timestamp <= toDateTime("
        + maxSeconds
        + ")"
        + " FORMAT TSV";
  }

  static long[] parse(String tsv) {
    long[] out =
        tsv.lines().filter(l -> !l.isBlank()).mapToLong(l -> Long.parseLong(l.trim())).toArray();
    Arrays.sort(out);
    return out;
  }

  /**
   * A ClickHouse string literal (Kafka topic names are [a-zA-Z0-9._-], but quote properly anyway).
   */
  static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
