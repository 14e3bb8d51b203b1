/**
 * How loghaul talks to Kafka: {@link io.loghaul.kafka.KafkaClients} builds the settings of every
 * Kafka client the server makes (pipeline consumer, OTLP producer, dead-letter producer, admin
 * clients) from one base, so connection and security settings are written once for all of them.
 */
package io.loghaul.kafka;
