/**
 * loghaul's load tests, run by {@code ./loghaul bench}: the open-loop OTLP/gRPC load generator
 * ({@code bench otlp}), the soak test of mixed valid, partially valid and malformed OTLP requests
 * plus slow clients, sampled over time into a CSV, a summary and an SVG plot ({@code bench soak}),
 * the comparison with ClickHouse's own Kafka table engine ({@code bench compare}), 1, 2, ...
 * instances in one consumer group ({@code bench scale}), and what they share: the realistic record
 * generator, the loghaul child process, the machine description, {@code /proc} process sampling,
 * summaries and charts. These report numbers; the tests only check that the tools are correct.
 */
package io.loghaul.loadtest;
