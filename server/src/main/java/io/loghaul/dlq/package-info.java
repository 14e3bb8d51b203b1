/**
 * The dead-letter topic: every record the schema check or ClickHouse rejects is produced there
 * with its original key, value and headers plus the {@code loghaul.*} headers of SPEC §4, and its
 * source offset is committed only after the DLQ acknowledged it.
 */
package io.loghaul.dlq;
