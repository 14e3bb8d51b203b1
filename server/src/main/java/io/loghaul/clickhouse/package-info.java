/**
 * The ClickHouse side of loghaul (docs/clickhouse-table.md): the log table's DDL and INSERT statement per server
 * version ({@link io.loghaul.clickhouse.ServerProfile}), the zero-allocation RowBinary encoder, and
 * a plain HTTP client that sends inserts in ClickHouse's native LZ4 block compression and classifies
 * failures as bad data (split the batch) or outage (retry).
 */
package io.loghaul.clickhouse;
