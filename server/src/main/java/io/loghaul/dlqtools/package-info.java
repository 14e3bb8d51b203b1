/**
 * The operator's tools for the dead-letter topic ({@code ./loghaul dlq stats|show|replay},
 * docs/dead-letters.md): count letters, look at them, and send the ones that pass today's schema
 * and limits back to their source topic. They take the same configuration as {@code run}, reach
 * Kafka only through {@link io.loghaul.kafka.KafkaClients} (so secured clusters work alike), and
 * check letters with the pipeline's own {@link io.loghaul.pipeline.RecordDecoder}. A replay
 * produces and commits its progress in one Kafka transaction per chunk, so a crash at any point
 * replays no letter twice to read-committed consumers such as loghaul's pipeline.
 */
package io.loghaul.dlqtools;
