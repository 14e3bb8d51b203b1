package io.loghaul.record;

/**
 * Work that holds Kafka records until they are safe downstream: a ClickHouse batch (insert
 * acknowledged) or a dead letter (DLQ produce acknowledged). Offsets advance past a record only
 * once the work holding it {@link #isDurable() is durable}. Implementations publish the flag with a
 * volatile write, so any thread may ask.
 */
public interface Durable {
  boolean isDurable();
}
