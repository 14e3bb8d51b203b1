/**
 * The ClickHouse side of loghaul (docs/clickhouse-table.md): the log table's DDL and INSERT
 * statement per server version ({@link io.loghaul.clickhouse.ServerProfile}), the zero-allocation
 * RowBinary encoder, and a plain HTTP client that sends inserts in ClickHouse's native LZ4 block
 * compression and classifies failures as bad data (split the batch) or outage (retry). The pipeline
 * sees it only as a {@link io.loghaul.clickhouse.RowSink}: batches of rows in, per row "stored" or
 * "refused" out. This package knows rows and whether ClickHouse accepted them; it builds no dead
 * letters.
 */
package io.loghaul.clickhouse;
