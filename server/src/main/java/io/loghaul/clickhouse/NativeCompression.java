package io.loghaul.clickhouse;

import io.loghaul.bytes.LittleEndian;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;

/**
 * ClickHouse's native block compression, the body format of an HTTP request sent with {@code
 * decompress=1}. Each block is {@code [CityHash128 of the rest: 16 bytes][0x82 = LZ4] [compressed
 * size incl. this 9-byte header: UInt32 LE][uncompressed size: UInt32 LE][LZ4 block]}. Input is cut
 * into blocks of at most {@link #MAX_BLOCK_BYTES}. Stateless and thread-safe.
 */
final class NativeCompression {
  /** Uncompressed bytes per block; ClickHouse itself writes 1 MiB blocks. */
  static final int MAX_BLOCK_BYTES = 1 << 20;

  static final int CHECKSUM_BYTES = 16;
  static final int HEADER_BYTES = 9;
  static final byte METHOD_LZ4 = (byte) 0x82;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
  private static final LZ4FastDecompressor DECOMPRESSOR = LZ4.fastDecompressor();

  private NativeCompression() {}

  /** The largest output {@link #compress} can produce for {@code length} input bytes. */
  static int maxCompressedLength(int length) {
    int blocks = Math.max(1, (length + MAX_BLOCK_BYTES - 1) / MAX_BLOCK_BYTES);
    return blocks * (CHECKSUM_BYTES + HEADER_BYTES)
        + COMPRESSOR.maxCompressedLength(MAX_BLOCK_BYTES) * (blocks - 1)
        + COMPRESSOR.maxCompressedLength(Math.min(length, MAX_BLOCK_BYTES));
  }

  /**
   * Compresses {@code src[off, off + length)} into {@code dst} (at least {@link
   * #maxCompressedLength(int)} long) and returns the number of bytes written. Empty input yields no
   * blocks.
   */
  static int compress(byte[] src, int off, int length, byte[] dst) {
    return compress(src, off, length, dst, 0);
  }

  /**
   * Compresses {@code src[off, off + length)} into {@code dst} from {@code dstOff} on (room for at
   * least {@link #maxCompressedLength(int)} bytes there) and returns the number of bytes written.
   */
  static int compress(byte[] src, int off, int length, byte[] dst, int dstOff) {
    int out = dstOff;
    int end = off + length;
    for (int pos = off; pos < end; pos += MAX_BLOCK_BYTES) {
      int n = Math.min(MAX_BLOCK_BYTES, end - pos);
      int headerAt = out + CHECKSUM_BYTES;
      int dataAt = headerAt + HEADER_BYTES;
      int compressed = COMPRESSOR.compress(src, pos, n, dst, dataAt, dst.length - dataAt);
      int blockSize = HEADER_BYTES + compressed;
      dst[headerAt] = METHOD_LZ4;
      LittleEndian.putInt(dst, headerAt + 1, blockSize);
      LittleEndian.putInt(dst, headerAt + 5, n);
      CityHash128.hash(dst, headerAt, blockSize, dst, out);
      out = dataAt + compressed;
    }
    return out - dstOff;
  }

  /**
   * Reverses {@link #compress}, checking every checksum; for tests and diagnostics.
   *
   * @throws IllegalArgumentException on a bad checksum, method or size
   */
  static byte[] decompress(byte[] src, int off, int length) {
    int total = 0;
    for (int pos = off;
        pos < off + length;
        pos += CHECKSUM_BYTES + LittleEndian.getInt(src, pos + CHECKSUM_BYTES + 1)) {
      total += LittleEndian.getInt(src, pos + CHECKSUM_BYTES + 5);
    }
    byte[] out = new byte[total];
    int written = 0;
    int pos = off;
    byte[] sum = new byte[CHECKSUM_BYTES];
    while (pos < off + length) {
      int headerAt = pos + CHECKSUM_BYTES;
      if (src[headerAt] != METHOD_LZ4) {
        throw new IllegalArgumentException(
            "method: " + (src[headerAt] & 0xFF) + " (expected: " + (METHOD_LZ4 & 0xFF) + ")");
      }
      int blockSize = LittleEndian.getInt(src, headerAt + 1);
      int n = LittleEndian.getInt(src, headerAt + 5);
      CityHash128.hash(src, headerAt, blockSize, sum, 0);
      if (!Arrays.equals(sum, 0, CHECKSUM_BYTES, src, pos, pos + CHECKSUM_BYTES)) {
        throw new IllegalArgumentException("checksum mismatch in block at " + (pos - off));
      }
      DECOMPRESSOR.decompress(src, headerAt + HEADER_BYTES, out, written, n);
      written += n;
      pos = headerAt + blockSize;
    }
    return out;
  }
}
