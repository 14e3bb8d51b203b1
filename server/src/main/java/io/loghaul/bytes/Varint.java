package io.loghaul.bytes;

/**
 * Unsigned LEB128 varints: protobuf's (tags, lengths, {@code int64}, {@code bool}, enums) and
 * ClickHouse's {@code VarUInt}. Reading is split in two so that callers keep the position and the
 * value in locals without a holder object: {@link #checkedEnd} (or {@link #end} for bytes already
 * checked) finds where a varint ends, {@link #value} decodes it. For the usual one-byte varint the
 * JIT folds the two reads of that byte into one.
 */
public final class Varint {
  /** The longest varint: 64 bits at 7 per byte. */
  public static final int MAX_BYTES = 10;

  /** {@link #checkedEnd}: the bytes end inside the varint. */
  public static final int TRUNCATED = -1;

  /**
   * {@link #checkedEnd}: {@value #MAX_BYTES} bytes without a last one (protobuf-java's "malformed
   * varint").
   */
  public static final int TOO_LONG = -2;

  private Varint() {}

  /**
   * The position after the varint at {@code b[p]}, reading no further than {@code limit}: {@link
   * #TRUNCATED} when {@code limit} comes first, {@link #TOO_LONG} when none of its first {@value
   * #MAX_BYTES} bytes is the last (as protobuf-java's {@code CodedInputStream} reads them).
   */
  public static int checkedEnd(byte[] b, int p, int limit) {
    for (int i = p; i < p + MAX_BYTES; i++) {
      if (i >= limit) {
        return TRUNCATED;
      }
      if (b[i] >= 0) {
        return i + 1;
      }
    }
    return TOO_LONG;
  }

  /** The position after the varint at {@code b[p]}, which {@link #checkedEnd} has accepted. */
  public static int end(byte[] b, int p) {
    while (b[p] < 0) {
      p++;
    }
    return p + 1;
  }

  /**
   * The value of the varint at {@code b[p]}, which {@link #checkedEnd} has accepted; bits beyond 64
   * (the 10th byte's upper six) are dropped, as protobuf-java drops them.
   */
  public static long value(byte[] b, int p) {
    long v = b[p];
    if (v >= 0) {
      return v;
    }
    v &= 0x7F;
    for (int shift = 7; ; shift += 7) {
      byte x = b[++p];
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
    }
  }

  /** The number of bytes {@link #put} writes for {@code v} (1..10; negative values take 10). */
  public static int size(long v) {
    return (63 - Long.numberOfLeadingZeros(v | 1)) / 7 + 1;
  }

  /**
   * Writes {@code v} (as unsigned) to {@code out} from {@code p}; returns the position after it.
   */
  public static int put(byte[] out, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      out[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[p++] = (byte) v;
    return p;
  }
}
