package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.common.TopicPartition;

/**
 * A row the destination refused as bad data (never for an outage): the position of the Kafka record
 * it came from, whose bytes the caller reads back from Kafka to dead-letter it, and why, in
 * English, quoting at most 64 bytes of the server's message.
 */
public record RefusedRow(TopicPartition partition, long offset, String reason) {
  public RefusedRow {
    requireNonNull(partition, "partition");
    requireNonNull(reason, "reason");
  }
}
