package io.loghaul.bytes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian reads and writes of {@code int}s and {@code long}s at any (unaligned) index of a
 * {@code byte[]}: protobuf fixed64, ClickHouse's RowBinary and block headers, CityHash, and the
 * scanners that look at 8 bytes at a time. Out-of-range indexes throw {@link
 * IndexOutOfBoundsException}.
 */
public final class LittleEndian {
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private LittleEndian() {}

  /** The 8 bytes {@code b[i, i + 8)} as a little-endian {@code long}. */
  public static long getLong(byte[] b, int i) {
    return (long) LONG.get(b, i);
  }

  /** The 4 bytes {@code b[i, i + 4)} as a little-endian (signed) {@code int}. */
  public static int getInt(byte[] b, int i) {
    return (int) INT.get(b, i);
  }

  /** Writes {@code v} little-endian to {@code b[i, i + 8)}. */
  public static void putLong(byte[] b, int i, long v) {
    LONG.set(b, i, v);
  }

  /** Writes {@code v} little-endian to {@code b[i, i + 4)}. */
  public static void putInt(byte[] b, int i, int v) {
    INT.set(b, i, v);
  }
}
