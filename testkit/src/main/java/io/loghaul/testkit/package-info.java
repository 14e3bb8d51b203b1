/**
 * What tests and benchmarks need to run loghaul from outside: {@link
 * io.loghaul.testkit.LoghaulProcess} starts it as a child process on ports it picks itself and
 * waits until {@code /readyz} answers 200; {@link io.loghaul.testkit.FreePorts} pre-chooses ports
 * for the servers that cannot bind port 0 (the embedded Kafka broker, clickhouse-server,
 * Prometheus). Depends on nothing but the JDK, so the server's tests and the load tests can both
 * use it without a dependency cycle.
 */
package io.loghaul.testkit;
