/**
 * Servers loghaul runs for itself when no external ones are configured
 * (docs/configuration.md#embedded-mode): an in-process, single-node Apache Kafka broker in KRaft
 * mode ({@link io.loghaul.embedded.EmbeddedBroker}, from the {@code loghaul-embedded-kafka} module,
 * found at run time) and a supervised local ClickHouse server. Both keep their data under {@code
 * data.dir} so a restart picks up where the last run stopped.
 */
package io.loghaul.embedded;
