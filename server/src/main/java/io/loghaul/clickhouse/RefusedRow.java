package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A row the destination refused as bad data (never for an outage): the Kafka record it came from,
 * rebuilt byte for byte, and why, in English, quoting at most 64 bytes of the server's message.
 */
public record RefusedRow(ConsumerRecord<byte[], byte[]> source, String reason) {
  public RefusedRow {
    requireNonNull(source, "source");
    requireNonNull(reason, "reason");
  }
}
