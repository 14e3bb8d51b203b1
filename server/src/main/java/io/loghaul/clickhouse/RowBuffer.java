package io.loghaul.clickhouse;

import io.loghaul.bytes.LittleEndian;
import io.loghaul.bytes.Varint;
import java.util.Arrays;

/**
 * A growable byte buffer for RowBinary rows: little-endian fixed-width integers, LEB128 lengths and
 * length-prefixed strings. Grows by doubling and never shrinks, so a reused buffer stops allocating
 * once it has seen the largest batch. Not thread-safe.
 */
public final class RowBuffer {
  static final int DEFAULT_INITIAL_CAPACITY = 64 * 1024;

  private byte[] buf;
  private int size;

  /** A buffer of {@value #DEFAULT_INITIAL_CAPACITY} bytes to start with. */
  public RowBuffer() {
    this(DEFAULT_INITIAL_CAPACITY);
  }

  public RowBuffer(int initialCapacity) {
    if (initialCapacity <= 0) {
      throw new IllegalArgumentException(
          "initialCapacity: " + initialCapacity + " (expected: > 0)");
    }
    buf = new byte[initialCapacity];
  }

  /** The backing array; bytes {@code [0, size())} are the content. Valid until the next write. */
  public byte[] array() {
    return buf;
  }

  public int size() {
    return size;
  }

  /** Empties the buffer; keeps its capacity. */
  public void reset() {
    size = 0;
  }

  /** Drops everything from {@code size} on, e.g. to undo a partly written row. */
  public void truncate(int size) {
    if (size < 0 || size > this.size) {
      throw new IndexOutOfBoundsException("size: " + size + " (expected: 0.." + this.size + ")");
    }
    this.size = size;
  }

  private void ensure(int extra) {
    int needed = size + extra;
    if (needed < 0) {
      throw new OutOfMemoryError("RowBuffer over 2 GiB");
    }
    if (needed > buf.length) {
      buf =
          Arrays.copyOf(
              buf, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, buf.length * 2L)));
    }
  }

  public void writeByte(int b) {
    if (size == buf.length) {
      ensure(1);
    }
    buf[size++] = (byte) b;
  }

  public void writeBytes(byte[] src, int off, int len) {
    ensure(len);
    System.arraycopy(src, off, buf, size, len);
    size += len;
  }

  public void writeUInt32LE(long v) {
    ensure(4);
    LittleEndian.putInt(buf, size, (int) v);
    size += 4;
  }

  /** Writes the 64 bits of {@code v} little-endian; as UInt64 they read as unsigned. */
  public void writeUInt64LE(long v) {
    writeInt64LE(v);
  }

  public void writeInt64LE(long v) {
    ensure(8);
    LittleEndian.putLong(buf, size, v);
    size += 8;
  }

  /** Writes {@code v} as an unsigned LEB128 varint (ClickHouse's string and array lengths). */
  public void writeVarUInt(long v) {
    ensure(Varint.MAX_BYTES);
    size = Varint.put(buf, size, v);
  }

  /** Writes a RowBinary {@code String}: varint length, then the bytes. */
  public void writeString(byte[] src, int off, int len) {
    writeVarUInt(len);
    writeBytes(src, off, len);
  }
}
