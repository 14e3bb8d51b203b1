package io.loghaul.clickhouse;

import io.loghaul.pipeline.Durable;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Rows on their way into one ClickHouse INSERT: the RowBinary bytes, where each row ends, and the
 * Kafka record each row came from (so a row ClickHouse refuses can be dead-lettered with its
 * original bytes). It is {@link #isDurable() durable} once every row is acknowledged by ClickHouse
 * or by the DLQ.
 *
 * <p>Filled by the consumer thread, then handed to the {@link BatchInserter} and never touched by
 * the consumer again; the handover goes through the inserter's executor, which orders the memory.
 */
public final class Batch implements Durable {
  private final RowBuffer rows;
  private int[] rowEnds;
  private ConsumerRecord<byte[], byte[]>[] records;
  private int rowCount;
  private final long createdNanos;
  private volatile boolean durable;

  @SuppressWarnings("unchecked")
  Batch(RowBuffer rows, int expectedRows, long createdNanos) {
    this.rows = rows;
    int initial = Math.max(16, Math.min(expectedRows, 1 << 16));
    this.rowEnds = new int[initial];
    this.records = new ConsumerRecord[initial];
    this.createdNanos = createdNanos;
  }

  /** Where the next row is encoded. */
  public RowBuffer buffer() {
    return rows;
  }

  /** Ends the row just encoded into {@link #buffer()}, which came from {@code record}. */
  public void endRow(ConsumerRecord<byte[], byte[]> record) {
    if (rowCount == rowEnds.length) {
      rowEnds = Arrays.copyOf(rowEnds, rowCount * 2);
      records = Arrays.copyOf(records, rowCount * 2);
    }
    rowEnds[rowCount] = rows.size();
    records[rowCount] = record;
    rowCount++;
  }

  public int rowCount() {
    return rowCount;
  }

  public int byteSize() {
    return rows.size();
  }

  /** {@link System#nanoTime()} when the batch was opened (its first row arrived). */
  public long createdNanos() {
    return createdNanos;
  }

  int rowStart(int row) {
    return row == 0 ? 0 : rowEnds[row - 1];
  }

  ConsumerRecord<byte[], byte[]> record(int row) {
    return records[row];
  }

  byte[] bytes() {
    return rows.array();
  }

  void markDurable() {
    durable = true;
  }

  @Override
  public boolean isDurable() {
    return durable;
  }

  /** Drops the references to Kafka records and returns the row buffer for reuse. */
  RowBuffer release() {
    Arrays.fill(records, 0, rowCount, null);
    rowCount = 0;
    return rows;
  }
}
