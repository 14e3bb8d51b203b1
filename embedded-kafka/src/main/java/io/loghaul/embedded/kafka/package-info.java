/**
 * The embedded Kafka broker: a real single-node Apache Kafka broker in KRaft mode inside the JVM
 * ({@link io.loghaul.embedded.kafka.EmbeddedKafka}). The server starts it when {@code
 * kafka.bootstrap} is unset, through {@code io.loghaul.embedded.EmbeddedBroker}, and finds it only
 * at run time: this module and Kafka's broker with its Scala runtime are not on the server's
 * compile class path, so a production build can leave them out.
 */
package io.loghaul.embedded.kafka;
