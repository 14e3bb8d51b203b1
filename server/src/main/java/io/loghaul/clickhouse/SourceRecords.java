package io.loghaul.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.bytes.LittleEndian;
import io.loghaul.bytes.Varint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * The Kafka records behind a batch's rows, kept as bytes in one reusable buffer: topic, partition,
 * offset, timestamp, key, value and headers — everything a dead letter needs if ClickHouse refuses
 * the row. Holding the {@link ConsumerRecord}s themselves instead kept a second of records (their
 * objects, header lists and value arrays) alive through every young collection until the INSERT
 * finished, and copying them was most of the collector's pause at high OTLP rates; copied here they
 * die young. Refusals are rare, so the record is only rebuilt then ({@link #get}).
 *
 * <p>Not thread-safe: filled by the consumer thread, read by the inserter after the hand-over.
 */
final class SourceRecords {
  private static final int NULL = 0;
  private static final TimestampType[] TIMESTAMP_TYPES = TimestampType.values();

  private final RowBuffer bytes;
  private int[] starts;
  private final List<String> topics = new ArrayList<>(2);
  private int count;

  SourceRecords(int initialBytes, int expectedRows) {
    this.bytes = new RowBuffer(Math.max(16, initialBytes));
    this.starts = new int[Math.max(16, expectedRows)];
  }

  int size() {
    return count;
  }

  /** Appends a copy of {@code record}. */
  void add(ConsumerRecord<byte[], byte[]> record) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
    }
    starts[count++] = bytes.size();
    bytes.writeVarUInt(topicIndex(record.topic()));
    bytes.writeVarUInt(record.partition());
    bytes.writeInt64LE(record.offset());
    bytes.writeInt64LE(record.timestamp());
    bytes.writeByte(record.timestampType().ordinal());
    writeNullable(record.key());
    writeNullable(record.value());
    Header[] headers = record.headers().toArray();
    bytes.writeVarUInt(headers.length);
    for (Header h : headers) {
      writeKey(h.key());
      writeNullable(h.value());
    }
  }

  /** The record of row {@code row}, rebuilt: same topic, partition, offset, timestamp, key, value and headers. */
  ConsumerRecord<byte[], byte[]> get(int row) {
    if (row < 0 || row >= count) {
      throw new IndexOutOfBoundsException("row: " + row + " (expected: 0.." + (count - 1) + ")");
    }
    Reader in = new Reader(bytes.array(), starts[row]);
    String topic = topics.get((int) in.varUInt());
    int partition = (int) in.varUInt();
    long offset = in.int64LE();
    long timestamp = in.int64LE();
    TimestampType timestampType = TIMESTAMP_TYPES[in.array[in.pos++]];
    byte[] key = in.nullable();
    byte[] value = in.nullable();
    int headerCount = (int) in.varUInt();
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < headerCount; i++) {
      byte[] k = in.nullable();
      headers.add(new RecordHeader(new String(k, UTF_8), in.nullable()));
    }
    return new ConsumerRecord<>(topic, partition, offset, timestamp, timestampType,
        key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, headers, Optional.empty());
  }

  /** Empties it; keeps the buffers. */
  void reset() {
    bytes.reset();
    count = 0;
    topics.clear();
  }

  private int topicIndex(String topic) {
    for (int i = 0; i < topics.size(); i++) {
      // the consumer hands out one String instance per topic: identity is the common case
      String t = topics.get(i);
      if (t == topic || t.equals(topic)) {
        return i;
      }
    }
    topics.add(topic);
    return topics.size() - 1;
  }

  /** Length + 1 (0 = null), then the bytes. */
  private void writeNullable(byte[] b) {
    if (b == null) {
      bytes.writeVarUInt(NULL);
      return;
    }
    bytes.writeVarUInt(b.length + 1L);
    bytes.writeBytes(b, 0, b.length);
  }

  /** A header key as UTF-8, in the nullable layout; ASCII keys without a temporary array. */
  private void writeKey(String key) {
    int n = key.length();
    for (int i = 0; i < n; i++) {
      if (key.charAt(i) >= 0x80) {
        writeNullable(key.getBytes(UTF_8));
        return;
      }
    }
    bytes.writeVarUInt(n + 1L);
    for (int i = 0; i < n; i++) {
      bytes.writeByte(key.charAt(i));
    }
  }

  private static final class Reader {
    final byte[] array;
    int pos;

    Reader(byte[] array, int pos) {
      this.array = array;
      this.pos = pos;
    }

    long varUInt() {
      long v = Varint.value(array, pos);
      pos = Varint.end(array, pos);
      return v;
    }

    long int64LE() {
      long v = LittleEndian.getLong(array, pos);
      pos += 8;
      return v;
    }

    byte[] nullable() {
      long n = varUInt();
      if (n == NULL) {
        return null;
      }
      byte[] b = Arrays.copyOfRange(array, pos, pos + (int) (n - 1));
      pos += (int) (n - 1);
      return b;
    }
  }
}
