package io.loghaul.schema;

import io.loghaul.bytes.LittleEndian;
import java.util.Arrays;

/**
 * Duplicate detection for the attribute keys of one entry: a cheap hash per key, kept in a reused
 * array beside the entry's attributes, and equal hashes confirmed by comparing bytes. Not
 * thread-safe; one per parser or validator.
 */
final class AttributeKeys {
  private int[] hashes = new int[16];

  /**
   * A cheap hash of a key: length, first and last 8 bytes (all of a shorter key). Equal hashes are
   * confirmed by comparing the bytes, so collisions cost time, not correctness.
   */
  static int hash(byte[] a, int off, int len) {
    long h;
    if (len >= 8) {
      h =
          LittleEndian.getLong(a, off) * 0x9E37_79B9_7F4A_7C15L
              + LittleEndian.getLong(a, off + len - 8);
    } else {
      h = 0;
      for (int i = off; i < off + len; i++) {
        h = h << 8 | (a[i] & 0xFF);
      }
    }
    h = (h ^ len) * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h >>> 32);
  }

  /**
   * Whether the key {@code entry.arena()[off, off + len)} with {@code hash} is the key of one of
   * the entry's first {@code n} attributes, whose hashes were {@link #set}.
   */
  boolean containsAmongFirst(int n, LogEntry entry, int off, int len, int hash) {
    byte[] a = entry.arena();
    for (int i = 0; i < n; i++) {
      if (hashes[i] == hash && entry.attributeKeyLength(i) == len) {
        int o = entry.attributeKeyOffset(i);
        if (Arrays.equals(a, o, o + len, a, off, off + len)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Remembers the hash of the key of attribute {@code i}. */
  void set(int i, int hash) {
    if (i >= hashes.length) {
      hashes = Arrays.copyOf(hashes, Math.max(i + 1, hashes.length * 2));
    }
    hashes[i] = hash;
  }
}
