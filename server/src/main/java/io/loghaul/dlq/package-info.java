/**
 * The dead-letter topic: every record that fails the schema check, or that ClickHouse refuses as
 * bad data, is produced here with its original key, value and headers plus the {@code loghaul.*}
 * headers that explain why (SPEC §4). A dead letter counts as handled only when Kafka acknowledged
 * it; until then the source offset is not committed, and a failed attempt is retried, never
 * skipped.
 */
package io.loghaul.dlq;
