/**
 * OTLP ingest (docs/otlp.md): the gRPC ({@link io.loghaul.ingest.OtlpGrpcService}) and HTTP ({@link
 * io.loghaul.ingest.OtlpHttpServer}) receivers for {@code LogsService/Export}, the decoding of
 * serialized requests straight into {@link io.loghaul.schema.LogEntry}s ({@link
 * io.loghaul.ingest.OtlpLogDecoder}: protobuf wire bytes, no message objects; checked first by
 * {@code OtlpWireCheck}, then mapped through the {@code OtlpWire} cursor and {@code
 * AnyValueWriter}; OTLP/JSON bodies are first transcoded to those bytes by {@link
 * io.loghaul.ingest.OtlpJsonTranscoder}, streaming and bounded in depth and number size), the
 * shared request logic that checks records, publishes the valid ones and builds the partial success
 * reply ({@link io.loghaul.ingest.OtlpLogsIngester}), and the Kafka side ({@link
 * io.loghaul.ingest.KafkaLogPublisher}) that answers only once Kafka acknowledged every record.
 * Network threads never wait for Kafka: replies are written from completion callbacks. Each request
 * gets an {@code otlp.export} span continuing the client's W3C trace context, with a {@code
 * kafka.produce} child whose context goes into the Kafka record headers ({@link
 * io.loghaul.ingest.IngestTracing}).
 */
package io.loghaul.ingest;
