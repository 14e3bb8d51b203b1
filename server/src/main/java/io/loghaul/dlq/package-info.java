/**
 * The dead-letter topic: every record the schema check or ClickHouse rejects is produced there
 * with its original key, value and headers plus the {@code loghaul.*} headers of docs/dead-letters.md#headers, and its
 * source offset is committed only after the DLQ acknowledged it.
 */
package io.loghaul.dlq;
