package io.loghaul.pipeline;

import java.nio.ByteBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Copies of consumed records that own their bytes, for whatever outlives the record's processing: a
 * dead letter waits for the DLQ's acknowledgement and may be produced again after later polls. The
 * copy holds no reference to the consumer's buffers (see {@code KafkaClients#pipelineConsumer}):
 * its key and value are new arrays, and its headers new headers.
 */
final class RecordCopies {
  private RecordCopies() {}

  /** {@code record} with its key, value and headers copied into arrays of its own. */
  static ConsumerRecord<byte[], byte[]> toByteArrays(
      ConsumerRecord<ByteBuffer, ByteBuffer> record) {
    byte[] key = BufferView.copyOf(record.key());
    byte[] value = BufferView.copyOf(record.value());
    RecordHeaders headers = new RecordHeaders();
    for (Header h : record.headers()) {
      byte[] v = h.value();
      headers.add(new RecordHeader(h.key(), v == null ? null : v.clone()));
    }
    return new ConsumerRecord<>(
        record.topic(),
        record.partition(),
        record.offset(),
        record.timestamp(),
        record.timestampType(),
        record.serializedKeySize(),
        record.serializedValueSize(),
        key,
        value,
        headers,
        record.leaderEpoch());
  }
}
