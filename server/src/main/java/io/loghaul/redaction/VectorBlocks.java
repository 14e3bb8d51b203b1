package io.loghaul.redaction;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector half of {@link TextStats}: summarises a long value a register at a time ({@link
 * #LENGTH} bytes: 32 with AVX2, 64 with AVX-512) with the Vector API, without a branch per byte: a
 * dozen compares give lane masks (as {@code long}s), digits, dots and colons are counted from them,
 * and {@code @}, {@code ::} and {@code eyJ} are found by shifting and combining masks. Only the
 * rare bytes that need a longer look go to {@link TextStats#look}: a {@code b} or {@code B}
 * followed by an {@code e} or {@code E} (maybe {@code Bearer}), an {@code A} followed by a capital
 * or a digit (maybe an AWS key id's prefix), and triggers at a block's edges.
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
  private static final long FIRST_TWO = 3L;
  private static final long LAST = 1L << (LENGTH - 1);

  private VectorBlocks() {}

  /**
   * Summarises {@code b[from, end)}, at least {@link #LENGTH} bytes, into {@code s}: whole blocks,
   * then the rest as the block that ends at {@code end}, its lane masks shifted down past the bytes
   * already seen (a plain load, so nothing depends on masked byte loads, which AVX2 lacks; the same
   * speed here as a masked load, with AVX-512 and with {@code -XX:UseAVX=2}).
   */
  static void summarise(TextStats s, byte[] b, int from, int end) {
    int i = from;
    for (; i + LENGTH <= end; i += LENGTH) {
      block(s, ByteVector.fromArray(SPECIES, b, i), 0, b, i, from, end);
    }
    if (i < end) {
      block(s, ByteVector.fromArray(SPECIES, b, end - LENGTH), LENGTH - (end - i), b, i, from, end);
    }
  }

  /**
   * Summarises {@code b[i, min(i + LENGTH, end))} into {@code s}, read as {@code v} from {@code b[i
   * - shift, ...)}: lane masks are shifted down by {@code shift}, so that bit k is {@code b[i + k]}
   * and the bits above {@code end} are zero (which triggers nothing).
   */
  private static void block(
      TextStats s, ByteVector v, int shift, byte[] b, int i, int from, int end) {
    ByteVector folded = v.or((byte) 0x20); // lower case for letters; other ASCII stays apart
    long digits = between(v, '0', '9') >>> shift;
    long upperOrDigit = (between(v, 'A', 'Z') >>> shift) | digits;
    long dots = v.eq((byte) '.').toLong() >>> shift;
    long colons = v.eq((byte) ':').toLong() >>> shift;
    long at = v.eq((byte) '@').toLong() >>> shift;
    long e = v.eq((byte) 'e').toLong() >>> shift;
    long y = v.eq((byte) 'y').toLong() >>> shift;
    long capitalJ = v.eq((byte) 'J').toLong() >>> shift;
    long capitalA = v.eq((byte) 'A').toLong() >>> shift;
    long anyB = folded.eq((byte) 'b').toLong() >>> shift;
    long anyE = folded.eq((byte) 'e').toLong() >>> shift;
    s.addBlock(
        Long.bitCount(digits), Long.bitCount(dots), Long.bitCount(colons), fourInAChunk(digits));
    // lane k + 1 holds the byte after lane k: ">>> 1" lines a mask up with the bytes before;
    // the last lane's successor lies in the next block, so its triggers go to look()
    int flags = 0;
    if (at != 0) {
      flags |= TextStats.AT;
    }
    if ((colons & (colons >>> 1)) != 0) {
      flags |= TextStats.DOUBLE_COLON;
    }
    if ((capitalJ & (y << 1) & (e << 2)) != 0) {
      flags |= TextStats.JWT_START;
    }
    s.flag(flags);
    long candidates =
        (anyB & (anyE >>> 1)) // "be": maybe Bearer
            | (capitalA & (upperOrDigit >>> 1)) // maybe an AWS key id's prefix
            | (capitalJ & FIRST_TWO) // "eyJ" begun before the block
            | ((colons | capitalA | anyB) & LAST);
    while (candidates != 0) {
      s.look(b, i + Long.numberOfTrailingZeros(candidates), from, end);
      candidates &= candidates - 1;
    }
  }

  /** The lanes of {@code v} from {@code lo} to {@code hi}, as bits. */
  private static long between(ByteVector v, char lo, char hi) {
    return v.compare(VectorOperators.GE, (byte) lo)
        .and(v.compare(VectorOperators.LE, (byte) hi))
        .toLong();
  }

  /** Some 8 consecutive bits of {@code mask} (one 8-byte chunk of the block) hold 4 set bits. */
  private static boolean fourInAChunk(long mask) {
    long x = mask - ((mask >>> 1) & ODD_BITS);
    x = (x & PAIR_BITS) + ((x >>> 2) & PAIR_BITS);
    x = (x + (x >>> 4)) & NIBBLES;
    return ((x + FOUR_OR_MORE) & HIGH) != 0;
  }
}
