package io.loghaul.clickhouse;

import io.loghaul.bytes.LittleEndian;

/**
 * CityHash128 as of Google's CityHash 1.0.2, the version ClickHouse froze for the checksums of its
 * compressed blocks. Later CityHash releases give different values, so this must not be swapped for
 * a library. Stateless and thread-safe; allocates nothing.
 *
 * <p>The 128-bit result is written as ClickHouse writes it: low 64 bits, then high 64 bits, both
 * little-endian.
 */
final class CityHash128 {
  private static final long K0 = 0xc3a5c85c97cb3127L;
  private static final long K1 = 0xb492b66fbe98f273L;
  private static final long K2 = 0x9ae16a3b2f90404fL;
  private static final long K3 = 0xc949d7c7509e6557L;
  private static final long K_MUL = 0x9ddfea08eb382d69L;

  private CityHash128() {}

  /**
   * Hashes {@code src[off, off + len)} and writes the 16-byte checksum to {@code dst[dstOff..]}.
   */
  static void hash(byte[] src, int off, int len, byte[] dst, int dstOff) {
    // one tiny array per compressed block (up to 1 MiB of rows), not per row
    long[] r = new long[2];
    hash(src, off, len, r);
    LittleEndian.putLong(dst, dstOff, r[0]);
    LittleEndian.putLong(dst, dstOff + 8, r[1]);
  }

  /** Hashes {@code src[off, off + len)} into {@code out[0]} (low) and {@code out[1]} (high). */
  static void hash(byte[] s, int off, int len, long[] out) {
    if (len >= 16) {
      withSeed(s, off + 16, len - 16, fetch64(s, off) ^ K3, fetch64(s, off + 8), out);
    } else if (len >= 8) {
      withSeed(s, off, 0, fetch64(s, off) ^ (len * K0), fetch64(s, off + len - 8) ^ K1, out);
    } else {
      withSeed(s, off, len, K0, K1, out);
    }
  }

  private static void withSeed(
      byte[] s, int pos, int len, long seedLow, long seedHigh, long[] out) {
    if (len < 128) {
      cityMurmur(s, pos, len, seedLow, seedHigh, out);
      return;
    }
    long x = seedLow;
    long y = seedHigh;
    long z = len * K1;
    long v1 = Long.rotateRight(y ^ K1, 49) * K1 + fetch64(s, pos);
    long v2 = Long.rotateRight(v1, 42) * K1 + fetch64(s, pos + 8);
    long w1 = Long.rotateRight(y + z, 35) * K1 + x;
    long w2 = Long.rotateRight(x + fetch64(s, pos + 88), 53) * K1;
    do {
      for (int half = 0; half < 2; half++) {
        x = Long.rotateRight(x + y + v1 + fetch64(s, pos + 16), 37) * K1;
        y = Long.rotateRight(y + v2 + fetch64(s, pos + 48), 42) * K1;
        x ^= w2;
        y ^= v1;
        z = Long.rotateRight(z ^ w1, 33);
        // WeakHashLen32WithSeeds(s, v2 * K1, x + w1) and (s + 32, z + w2, y), inlined
        long a = v2 * K1;
        long b = x + w1;
        a += fetch64(s, pos);
        b = Long.rotateRight(b + a + fetch64(s, pos + 24), 21);
        long c = a;
        a += fetch64(s, pos + 8);
        a += fetch64(s, pos + 16);
        b += Long.rotateRight(a, 44);
        v1 = a + fetch64(s, pos + 24);
        v2 = b + c;
        a = z + w2;
        b = y;
        a += fetch64(s, pos + 32);
        b = Long.rotateRight(b + a + fetch64(s, pos + 56), 21);
        c = a;
        a += fetch64(s, pos + 40);
        a += fetch64(s, pos + 48);
        b += Long.rotateRight(a, 44);
        w1 = a + fetch64(s, pos + 56);
        w2 = b + c;
        long t = z;
        z = x;
        x = t;
        pos += 64;
      }
      len -= 128;
    } while (len >= 128);
    y += Long.rotateRight(w1, 37) * K0 + z;
    x += Long.rotateRight(v1 + z, 49) * K0;
    for (int tailDone = 0; tailDone < len; ) {
      tailDone += 32;
      y = Long.rotateRight(y - x, 42) * K0 + v2;
      w1 += fetch64(s, pos + len - tailDone + 16);
      x = Long.rotateRight(x, 49) * K0 + w1;
      w1 += v1;
      int p = pos + len - tailDone;
      long a = v1;
      long b = v2;
      a += fetch64(s, p);
      b = Long.rotateRight(b + a + fetch64(s, p + 24), 21);
      long c = a;
      a += fetch64(s, p + 8);
      a += fetch64(s, p + 16);
      b += Long.rotateRight(a, 44);
      v1 = a + fetch64(s, p + 24);
      v2 = b + c;
    }
    x = hashLen16(x, v1);
    y = hashLen16(y, w1);
    out[0] = hashLen16(x + v2, w2) + y;
    out[1] = hashLen16(x + w2, y + v2);
  }

  private static void cityMurmur(
      byte[] s, int pos, int len, long seedLow, long seedHigh, long[] out) {
    long a = seedLow;
    long b = seedHigh;
    long c;
    long d;
    int l = len - 16;
    if (l <= 0) {
      a = shiftMix(a * K1) * K1;
      c = b * K1 + hashLen0to16(s, pos, len);
      d = shiftMix(a + (len >= 8 ? fetch64(s, pos) : c));
    } else {
      c = hashLen16(fetch64(s, pos + len - 8) + K1, a);
      d = hashLen16(b + len, c + fetch64(s, pos + len - 16));
      a += d;
      do {
        a ^= shiftMix(fetch64(s, pos) * K1) * K1;
        a *= K1;
        b ^= a;
        c ^= shiftMix(fetch64(s, pos + 8) * K1) * K1;
        c *= K1;
        d ^= c;
        pos += 16;
        l -= 16;
      } while (l > 0);
    }
    a = hashLen16(a, c);
    b = hashLen16(d, b);
    out[0] = a ^ b;
    out[1] = hashLen16(b, a);
  }

  private static long hashLen0to16(byte[] s, int pos, int len) {
    if (len > 8) {
      long a = fetch64(s, pos);
      long b = fetch64(s, pos + len - 8);
      return hashLen16(a, Long.rotateRight(b + len, len)) ^ b;
    }
    if (len >= 4) {
      long a = fetch32(s, pos);
      return hashLen16(len + (a << 3), fetch32(s, pos + len - 4));
    }
    if (len > 0) {
      int a = s[pos] & 0xFF;
      int b = s[pos + (len >> 1)] & 0xFF;
      int c = s[pos + len - 1] & 0xFF;
      int y = a + (b << 8);
      int z = len + (c << 2);
      // uint32 arithmetic in C++: the products wrap at 64 bits after widening the uint32 operands
      return shiftMix((y & 0xFFFFFFFFL) * K2 ^ (z & 0xFFFFFFFFL) * K3) * K2;
    }
    return K2;
  }

  private static long hashLen16(long u, long v) {
    long a = (u ^ v) * K_MUL;
    a ^= a >>> 47;
    long b = (v ^ a) * K_MUL;
    b ^= b >>> 47;
    return b * K_MUL;
  }

  private static long shiftMix(long v) {
    return v ^ (v >>> 47);
  }

  private static long fetch64(byte[] b, int i) {
    return LittleEndian.getLong(b, i);
  }

  private static long fetch32(byte[] b, int i) {
    return LittleEndian.getInt(b, i) & 0xFFFF_FFFFL;
  }
}
