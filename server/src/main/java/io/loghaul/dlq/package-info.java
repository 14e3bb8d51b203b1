/**
 * The dead-letter topic: every record the schema check or ClickHouse rejects is produced there with
 * its original key, value and headers plus the {@code loghaul.*} headers of
 * docs/dead-letters.md#headers, and its source offset is committed only after the DLQ acknowledged
 * it. {@link io.loghaul.dlq.DeadLetterQueue} is the one owner of dead letters and of their retry
 * policy, whichever stage rejected the record; {@link io.loghaul.dlq.DeadLetterPublisher} makes one
 * produce attempt.
 */
package io.loghaul.dlq;
