/**
 * loghaul's load tests, run by {@code ./loghaul bench}: the open-loop OTLP/gRPC load generator
 * ({@code bench otlp}), the comparison with ClickHouse's own Kafka table engine
 * ({@code bench compare}), and what they share: the realistic record generator, the machine
 * description, {@code /proc} process sampling, summaries and PNG charts. These report numbers; the
 * tests only check that the tools are correct.
 */
package io.loghaul.loadtest;
