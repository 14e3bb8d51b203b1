/**
 * What tests and benchmarks need to run loghaul from outside: {@link
 * io.loghaul.testkit.LoghaulProcess} starts it as a child process on ports it picks itself and
 * waits until {@code /readyz} answers 200; {@link io.loghaul.testkit.FreePorts} pre-chooses ports
 * for the servers that cannot bind port 0 (the embedded Kafka broker, clickhouse-server,
 * Prometheus); {@link io.loghaul.testkit.TestPki} is a throwaway certificate authority for TLS
 * tests and the TLS benchmarks. Depends on nothing of loghaul's (only the JDK and BouncyCastle), so
 * the server's tests and the load tests can both use it without a dependency cycle.
 */
package io.loghaul.testkit;
