package io.loghaul.redaction;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector half of {@link TextStats}: summarises a long value a register at a time ({@link
 * #LENGTH} bytes: 32 with AVX2) with the Vector API. A block with no byte from {@code '.'} to
 * {@code 'J'} and no {@code 'b'} costs a load, three compares and a test; otherwise digits, dots
 * and colons are counted from the lane masks and the trigger bytes handed to {@link TextStats#look}
 * — a {@code 'b'} only when an {@code 'e'} or {@code 'E'} follows it, since the short words of
 * English ("by", "but", "budget") hold most of them.
 *
 * <p>Loaded only when the JVM has {@code jdk.incubator.vector} ({@link TextStats#WIDE}). Bytes of
 * 0x80 and above are negative as Java bytes and so never in the ranges compared: unlike the scalar
 * words (which fold them onto ASCII), no false trigger comes from UTF-8.
 */
final class VectorBlocks {
  private static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED;

  /** Bytes per block. */
  static final int LENGTH = SPECIES.length();

  private static final long ODD_BITS = 0x5555555555555555L;
  private static final long PAIR_BITS = 0x3333333333333333L;
  private static final long NIBBLES = 0x0F0F0F0F0F0F0F0FL;
  // count + FOUR_OR_MORE has its high bit set where the count (0..8) is at least 4
  private static final long FOUR_OR_MORE = 0x7C7C7C7C7C7C7C7CL;
  private static final long HIGH = 0x8080808080808080L;

  private VectorBlocks() {}

  /**
   * Summarises the whole blocks of {@code b[from, end)} into {@code s} and returns where the scalar
   * words go on: {@code from} plus a multiple of {@link #LENGTH}, on their 8-byte grid.
   */
  static int summarise(TextStats s, byte[] b, int from, int end) {
    int i = from;
    for (; i + LENGTH <= end; i += LENGTH) {
      ByteVector v = ByteVector.fromArray(SPECIES, b, i);
      VectorMask<Byte> fromDot = v.compare(VectorOperators.GE, (byte) '.');
      VectorMask<Byte> lowerB = v.eq((byte) 'b');
      if (!fromDot.and(v.compare(VectorOperators.LE, (byte) 'J')).or(lowerB).anyTrue()) {
        continue; // no byte from '.' to 'J', no 'b': nothing here for any preset
      }
      long digits =
          v.compare(VectorOperators.GE, (byte) '0')
              .and(v.compare(VectorOperators.LE, (byte) '9'))
              .toLong();
      long dots = v.eq((byte) '.').toLong();
      long colons = v.eq((byte) ':').toLong();
      long candidates =
          v.compare(VectorOperators.GE, (byte) ':')
              .and(v.compare(VectorOperators.LE, (byte) 'J'))
              .toLong();
      long bs = lowerB.toLong();
      if (bs != 0 && i + LENGTH < end) {
        ByteVector next = ByteVector.fromArray(SPECIES, b, i + 1).or((byte) 0x20);
        bs &= next.eq((byte) 'e').toLong();
      }
      candidates |= bs;
      s.addBlock(
          Long.bitCount(digits), Long.bitCount(dots), Long.bitCount(colons), fourInAChunk(digits));
      while (candidates != 0) {
        s.look(b, i + Long.numberOfTrailingZeros(candidates), from, end);
        candidates &= candidates - 1;
      }
    }
    return i;
  }

  /** Some 8 consecutive bits of {@code mask} (one 8-byte chunk of the block) hold 4 set bits. */
  private static boolean fourInAChunk(long mask) {
    long x = mask - ((mask >>> 1) & ODD_BITS);
    x = (x & PAIR_BITS) + ((x >>> 2) & PAIR_BITS);
    x = (x + (x >>> 4)) & NIBBLES;
    return ((x + FOUR_OR_MORE) & HIGH) != 0;
  }
}
