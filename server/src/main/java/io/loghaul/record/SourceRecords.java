package io.loghaul.record;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.bytes.BlockCompressor;
import io.loghaul.bytes.LittleEndian;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Copies of the Kafka records behind a batch's rows, kept in reusable buffers: topic, partition and
 * offset in arrays, timestamp, key, value and headers as bytes, so a row the destination refuses
 * can still be dead-lettered with its original bytes. Holding the {@link ConsumerRecord}s
 * themselves instead kept a second of records (their objects, header lists and value arrays) alive
 * through every young collection until the INSERT finished, and copying them was most of the
 * collector's pause at high OTLP rates; copied here they die young. Refusals are rare, so a record
 * is only rebuilt then ({@link #get}).
 *
 * <p>The copies are compressed as they accumulate: records are written into a raw block of about
 * {@value #BLOCK_BYTES} bytes, and a full block is handed to a {@link BlockCompressor} that
 * LZ4-compresses it onto the end of one growable array on its own thread, so a batch holds its
 * sources in a fraction of their size ({@link #heldBytes}) and the filling thread only copies
 * bytes; {@link #get} waits for the compressions and decompresses the block it needs (the last one
 * stays decompressed, as refusals come in row order).
 *
 * <p>The buffers grow by doubling and never shrink, so a reused instance stops allocating once it
 * has seen the largest batch. Not thread-safe: filled by one thread, read by another only after a
 * hand-over that orders memory (an executor, a volatile write); the compressed blocks are written
 * by the compressor's thread and read only after waiting for it ({@link #awaitCompressed}).
 */
public final class SourceRecords {
  /** Length written for a null key, value or header value. */
  private static final int NULL = -1;

  private static final TimestampType[] TIMESTAMP_TYPES = TimestampType.values();

  /** A raw block is compressed once it holds this many bytes. */
  public static final int BLOCK_BYTES = 1 << 20;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
  private static final LZ4FastDecompressor DECOMPRESSOR = LZ4.fastDecompressor();

  private final BlockCompressor<byte[]> compressor;

  /** The last block handed to the compressor (done: every block is compressed). */
  private CompletableFuture<Void> compressed = BlockCompressor.none();

  /** Compressed bytes, plus the raw bytes of blocks handed over and not compressed yet. */
  private final AtomicLong held = new AtomicLong();

  /** The raw block being filled; {@code [0, size)} is content. */
  private byte[] bytes;

  private int size;

  /** Where each record starts in its block. */
  private int[] starts;

  /**
   * Each record's topic (an index into {@link #topics}), partition and offset, kept outside the
   * compressed blocks so {@link #topic}, {@link #partition} and {@link #offset} (a deduplication
   * token over a whole batch) decompress nothing.
   */
  private int[] topicIndexes;

  private int[] partitions;
  private long[] offsets;

  private final List<String> topics = new ArrayList<>(2);
  private int count;

  /** Compressed blocks, one after the other (written by the compressor). */
  private byte[] packed;

  private int packedSize;
  private int[] blockStarts = new int[16];
  private int[] blockRawLengths = new int[16];
  private int[] blockFirstRecords = new int[16];
  private int blocks;

  /** The first record of the raw block. */
  private int firstRaw;

  /** The last block {@link #get} decompressed, and which one it was (-1: none). */
  private byte[] unpacked;

  private int unpackedBlock = -1;

  /**
   * @param initialBytes size of the compressed buffer to start with (at least 16)
   * @param expectedRows records to make room for without growing (at least 16)
   */
  public SourceRecords(int initialBytes, int expectedRows) {
    this(initialBytes, expectedRows, newCompressor());
  }

  /**
   * @param initialBytes size of the compressed buffer to start with (at least 16)
   * @param expectedRows records to make room for without growing (at least 16)
   * @param compressor compresses full blocks, from {@link #newCompressor()}; may be shared
   */
  public SourceRecords(int initialBytes, int expectedRows, BlockCompressor<byte[]> compressor) {
    this.compressor = compressor;
    this.bytes = compressor.buffer();
    this.packed = new byte[Math.max(16, initialBytes)];
    int rows = Math.max(16, expectedRows);
    this.starts = new int[rows];
    this.topicIndexes = new int[rows];
    this.partitions = new int[rows];
    this.offsets = new long[rows];
  }

  /** A compressor for the raw blocks of {@code SourceRecords}, with its own thread. */
  public static BlockCompressor<byte[]> newCompressor() {
    return new BlockCompressor<>(
        "loghaul-compress-sources", () -> new byte[BLOCK_BYTES + (64 << 10)]);
  }

  /**
   * Bytes held: the compressed blocks, the raw ones waiting for the compressor and the filling one.
   */
  public int heldBytes() {
    return (int) Math.min(Integer.MAX_VALUE, held.get() + size);
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
      topicIndexes = Arrays.copyOf(topicIndexes, count * 2);
      partitions = Arrays.copyOf(partitions, count * 2);
      offsets = Arrays.copyOf(offsets, count * 2);
    }
    topicIndexes[count] = topicIndex(record.topic());
    partitions[count] = record.partition();
    offsets[count] = record.offset();
    starts[count++] = size;
    Header[] headers = record.headers().toArray();
    ensure(8 + 1 + 4);
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
    if (size >= BLOCK_BYTES) {
      handOver();
    }
  }

  /** Hands the raw block to the compressor and starts a new one. */
  private void handOver() {
    byte[] full = bytes;
    int length = size;
    int first = firstRaw;
    try {
      compressed = compressor.handOver(compressed, full, b -> pack(b, length, first));
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    }
    held.addAndGet(length);
    bytes = compressor.buffer();
    size = 0;
    firstRaw = count;
  }

  /** Waits until every full block is compressed. */
  public void awaitCompressed() throws InterruptedException {
    BlockCompressor.await(compressed);
  }

  /** Compresses {@code raw[0, size)}, records {@code first} on, onto the packed blocks. */
  private void pack(byte[] raw, int size, int first) {
    int max = COMPRESSOR.maxCompressedLength(size);
    long needed = (long) packedSize + max;
    if (needed > Integer.MAX_VALUE - 8) {
      throw new OutOfMemoryError("SourceRecords over 2 GiB");
    }
    if (needed > packed.length) {
      packed =
          Arrays.copyOf(
              packed, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8, packed.length * 2L)));
    }
    if (blocks == blockStarts.length) {
      blockStarts = Arrays.copyOf(blockStarts, blocks * 2);
      blockRawLengths = Arrays.copyOf(blockRawLengths, blocks * 2);
      blockFirstRecords = Arrays.copyOf(blockFirstRecords, blocks * 2);
    }
    blockStarts[blocks] = packedSize;
    blockRawLengths[blocks] = size;
    blockFirstRecords[blocks] = first;
    blocks++;
    int n = COMPRESSOR.compress(raw, 0, size, packed, packedSize, packed.length - packedSize);
    packedSize += n;
    held.addAndGet(n - size);
  }

  /** The topic of the record at {@code index}, without rebuilding it. */
  public String topic(int index) {
    return topics.get(topicIndexes[check(index)]);
  }

  /** The partition of the record at {@code index}, without rebuilding it. */
  public int partition(int index) {
    return partitions[check(index)];
  }

  /** The offset of the record at {@code index}, without rebuilding it. */
  public long offset(int index) {
    return offsets[check(index)];
  }

  private int check(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException(
          "index: " + index + " (expected: 0.." + (count - 1) + ")");
    }
    return index;
  }

  /**
   * The record at {@code index}, rebuilt: same topic, partition, offset, timestamp, key, value and
   * headers.
   */
  public ConsumerRecord<byte[], byte[]> get(int index) {
    check(index);
    Reader in = new Reader(index >= firstRaw ? bytes : unpack(index), starts[index]);
    String topic = topics.get(topicIndexes[index]);
    int partition = partitions[index];
    long offset = offsets[index];
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

  /** The decompressed block holding record {@code index}, which is in a compressed one. */
  private byte[] unpack(int index) {
    compressed.join(); // throws a compression failure; orders the compressor's writes before ours
    int i = Arrays.binarySearch(blockFirstRecords, 0, blocks, index);
    int block = i >= 0 ? i : -i - 2;
    if (block != unpackedBlock) {
      int n = blockRawLengths[block];
      if (unpacked == null || unpacked.length < n) {
        unpacked = new byte[n];
      }
      DECOMPRESSOR.decompress(packed, blockStarts[block], unpacked, 0, n);
      unpackedBlock = block;
    }
    return unpacked;
  }

  /**
   * Empties it; keeps the buffers (but not the one {@link #get} decompressed into). Waits first for
   * blocks still being compressed (whatever the outcome), which would write into the emptied
   * buffers.
   */
  public void reset() {
    compressed.exceptionally(e -> null).join();
    compressed = BlockCompressor.none();
    held.set(0);
    size = 0;
    count = 0;
    packedSize = 0;
    blocks = 0;
    firstRaw = 0;
    unpacked = null;
    unpackedBlock = -1;
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
