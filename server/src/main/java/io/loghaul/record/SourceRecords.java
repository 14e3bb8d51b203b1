package io.loghaul.record;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.bytes.LittleEndian;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Copies of the Kafka records behind a batch's rows, kept as bytes in one reusable buffer: topic,
 * partition, offset, timestamp, key, value and headers, so a row the destination refuses can still
 * be dead-lettered with its original bytes. Holding the {@link ConsumerRecord}s themselves instead
 * kept a second of records (their objects, header lists and value arrays) alive through every young
 * collection until the INSERT finished, and copying them was most of the collector's pause at high
 * OTLP rates; copied here they die young. Refusals are rare, so a record is only rebuilt then
 * ({@link #get}).
 *
 * <p>The buffer grows by doubling and never shrinks, so a reused instance stops allocating once it
 * has seen the largest batch. Not thread-safe: filled by one thread, read by another only after a
 * hand-over that orders memory (an executor, a volatile write).
 */
public final class SourceRecords {
  /** Length written for a null key, value or header value. */
  private static final int NULL = -1;

  private static final TimestampType[] TIMESTAMP_TYPES = TimestampType.values();

  private byte[] bytes;
  private int size;
  private int[] starts;
  private final List<String> topics = new ArrayList<>(2);
  private int count;

  /**
   * @param initialBytes buffer size to start with (at least 16)
   * @param expectedRows records to make room for without growing (at least 16)
   */
  public SourceRecords(int initialBytes, int expectedRows) {
    this.bytes = new byte[Math.max(16, initialBytes)];
    this.starts = new int[Math.max(16, expectedRows)];
  }

  /** Number of records held. */
  public int size() {
    return count;
  }

  /** Appends a copy of {@code record}. */
  public void add(ConsumerRecord<byte[], byte[]> record) {
    byte[] key = record.key();
    byte[] value = record.value();
    add(record, key, 0, key == null ? 0 : key.length, value, 0, value == null ? 0 : value.length);
  }

  /**
   * Appends a copy of {@code record} (its topic, partition, offset, timestamp and headers) with the
   * key {@code key[keyOffset, keyOffset + keyLength)} and the value {@code value[valueOffset,
   * valueOffset + valueLength)}; a null array stands for a null key or value. The bytes are copied:
   * the arrays may be views of the consumer's buffers.
   */
  public void add(
      ConsumerRecord<?, ?> record,
      byte[] key,
      int keyOffset,
      int keyLength,
      byte[] value,
      int valueOffset,
      int valueLength) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
    }
    starts[count++] = size;
    Header[] headers = record.headers().toArray();
    ensure(4 + 4 + 8 + 8 + 1 + 4);
    writeInt(topicIndex(record.topic()));
    writeInt(record.partition());
    writeLong(record.offset());
    writeLong(record.timestamp());
    bytes[size++] = (byte) record.timestampType().ordinal();
    writeNullable(key, keyOffset, keyLength);
    writeNullable(value, valueOffset, valueLength);
    ensure(4);
    writeInt(headers.length);
    for (Header h : headers) {
      writeKey(h.key());
      writeNullable(h.value());
    }
  }

  /** The topic of the record at {@code index}, without rebuilding it. */
  public String topic(int index) {
    return topics.get(new Reader(bytes, start(index)).int32());
  }

  /** The partition of the record at {@code index}, without rebuilding it. */
  public int partition(int index) {
    Reader in = new Reader(bytes, start(index) + 4);
    return in.int32();
  }

  /** The offset of the record at {@code index}, without rebuilding it. */
  public long offset(int index) {
    Reader in = new Reader(bytes, start(index) + 8);
    return in.int64();
  }

  private int start(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException(
          "index: " + index + " (expected: 0.." + (count - 1) + ")");
    }
    return starts[index];
  }

  /**
   * The record at {@code index}, rebuilt: same topic, partition, offset, timestamp, key, value and
   * headers.
   */
  public ConsumerRecord<byte[], byte[]> get(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException(
          "index: " + index + " (expected: 0.." + (count - 1) + ")");
    }
    Reader in = new Reader(bytes, starts[index]);
    String topic = topics.get(in.int32());
    int partition = in.int32();
    long offset = in.int64();
    long timestamp = in.int64();
    TimestampType timestampType = TIMESTAMP_TYPES[in.array[in.pos++]];
    byte[] key = in.nullable();
    byte[] value = in.nullable();
    int headerCount = in.int32();
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < headerCount; i++) {
      byte[] k = in.nullable();
      headers.add(new RecordHeader(new String(k, UTF_8), in.nullable()));
    }
    return new ConsumerRecord<>(
        topic,
        partition,
        offset,
        timestamp,
        timestampType,
        key == null ? -1 : key.length,
        value == null ? -1 : value.length,
        key,
        value,
        headers,
        Optional.empty());
  }

  /** Empties it; keeps the buffers. */
  public void reset() {
    size = 0;
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

  private void ensure(int extra) {
    int needed = size + extra;
    if (needed < 0) {
      throw new OutOfMemoryError("SourceRecords over 2 GiB");
    }
    if (needed > bytes.length) {
      bytes =
          Arrays.copyOf(
              bytes, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, bytes.length * 2L)));
    }
  }

  private void writeInt(int v) {
    LittleEndian.putInt(bytes, size, v);
    size += 4;
  }

  private void writeLong(long v) {
    LittleEndian.putLong(bytes, size, v);
    size += 8;
  }

  /** Length (-1 = null), then the bytes. */
  private void writeNullable(byte[] b) {
    writeNullable(b, 0, b == null ? 0 : b.length);
  }

  /** Length (-1 = null), then {@code b[offset, offset + length)}. */
  private void writeNullable(byte[] b, int offset, int length) {
    if (b == null) {
      ensure(4);
      writeInt(NULL);
      return;
    }
    Objects.checkFromIndexSize(offset, length, b.length);
    ensure(4 + length);
    writeInt(length);
    System.arraycopy(b, offset, bytes, size, length);
    size += length;
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
    ensure(4 + n);
    writeInt(n);
    for (int i = 0; i < n; i++) {
      bytes[size++] = (byte) key.charAt(i);
    }
  }

  private static final class Reader {
    final byte[] array;
    int pos;

    Reader(byte[] array, int pos) {
      this.array = array;
      this.pos = pos;
    }

    int int32() {
      int v = LittleEndian.getInt(array, pos);
      pos += 4;
      return v;
    }

    long int64() {
      long v = LittleEndian.getLong(array, pos);
      pos += 8;
      return v;
    }

    byte[] nullable() {
      int n = int32();
      if (n == NULL) {
        return null;
      }
      byte[] b = Arrays.copyOfRange(array, pos, pos + n);
      pos += n;
      return b;
    }
  }
}
