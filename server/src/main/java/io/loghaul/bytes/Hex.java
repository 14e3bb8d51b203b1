package io.loghaul.bytes;

/**
 * Lower-case hexadecimal, the form of trace and span ids everywhere in loghaul (the LogEntry
 * schema, ClickHouse columns, W3C {@code traceparent}): encoding bytes, decoding digits, and
 * checking ids (hex digits, not all zeros), the last also 8 digits at a time.
 */
public final class Hex {
  /** {@link #copyId}: the digits are an id. */
  public static final int ID = 0;

  /** {@link #copyId}: a byte is not a hex digit. */
  public static final int NOT_HEX = 1;

  /** {@link #copyId}: every digit is {@code 0}, which W3C reserves for "no id". */
  public static final int ALL_ZEROS = 2;

  private static final byte[] DIGITS = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'
  };
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
  private static final long ZEROS = 0x3030_3030_3030_3030L;

  private Hex() {}

  /** The lower-case digit of {@code nibble} (0..15). */
  public static byte digit(int nibble) {
    return DIGITS[nibble];
  }

  /** The value 0..15 of the hex digit {@code c} (either case), or -1 when it is not one. */
  public static int value(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    int lower = c | 0x20;
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }

  /**
   * Writes {@code src[off, off + len)} as {@code 2 * len} lower-case digits to {@code
   * dst[dstOff..]}.
   */
  public static void encode(byte[] src, int off, int len, byte[] dst, int dstOff) {
    for (int i = 0; i < len; i++) {
      int v = src[off + i] & 0xFF;
      dst[dstOff + 2 * i] = DIGITS[v >>> 4];
      dst[dstOff + 2 * i + 1] = DIGITS[v & 0xF];
    }
  }

  /**
   * Writes the {@code 2 * len} hex digits {@code hex[off..]}, known to be valid, as {@code len}
   * bytes to {@code dst[dstOff..]}.
   */
  public static void decode(byte[] hex, int off, int len, byte[] dst, int dstOff) {
    for (int i = 0; i < len; i++) {
      dst[dstOff + i] = (byte) (value(hex[off + 2 * i]) << 4 | value(hex[off + 2 * i + 1]));
    }
  }

  /** Whether {@code hex[off, off + digits)} are lower-case hex digits, not all {@code 0}. */
  public static boolean isLowerCaseId(byte[] hex, int off, int digits) {
    int nonZero = 0;
    for (int i = off; i < off + digits; i++) {
      int c = hex[i];
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
      nonZero |= c ^ '0';
    }
    return nonZero != 0;
  }

  /**
   * Whether the binary id {@code b[off, off + len)} is all zero bytes, which W3C reserves for "no
   * id".
   */
  public static boolean isZeroId(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Copies the {@code digits} (a multiple of 8) hex digits {@code src[off..]}, of either case, to
   * {@code dst[0, digits)} in lower case, looking at 8 at a time (see {@link #notHexDigits}).
   * Returns {@link #ID}, {@link #NOT_HEX} (which wins over all zeros) or {@link #ALL_ZEROS}; {@code
   * dst} is unspecified unless {@link #ID}.
   */
  public static int copyId(byte[] src, int off, int digits, byte[] dst) {
    long invalid = 0;
    long nonZero = 0;
    for (int i = 0; i < digits; i += 8) {
      long w = LittleEndian.getLong(src, off + i);
      invalid |= notHexDigits(w);
      long lower = w | hexLetters(w) >>> 2; // 0x80 >>> 2 == 0x20: the case bit, letters only
      LittleEndian.putLong(dst, i, lower);
      nonZero |= lower ^ ZEROS;
    }
    return invalid != 0 ? NOT_HEX : nonZero == 0 ? ALL_ZEROS : ID;
  }

  /**
   * The high bit of each byte of {@code w} that is not an ASCII hex digit (0-9, a-f, A-F), or 0
   * when all 8 are. Exact for every byte: for ASCII bytes each comparison below adds at most 0x7F +
   * 0x80, so no carry crosses into the next byte, and a non-ASCII byte is flagged by its own high
   * bit.
   */
  public static long notHexDigits(long w) {
    long ascii = w & ~HIGH_BITS;
    long digit = atLeast(ascii, '0') & ~atLeast(ascii, '9' + 1);
    return (w | ~(digit | hexLetters(w))) & HIGH_BITS;
  }

  /** The high bit of each byte of {@code w} that is a-f or A-F (exact for every byte, as above). */
  public static long hexLetters(long w) {
    long folded = (w | 0x2020_2020_2020_2020L) & ~HIGH_BITS;
    return atLeast(folded, 'a') & ~atLeast(folded, 'f' + 1) & ~w & HIGH_BITS;
  }

  /** For bytes below 0x80: the high bit of each that is {@code >= k} (1 <= k <= 0x80). */
  private static long atLeast(long ascii, int k) {
    return ascii + (0x80 - k) * ONES;
  }
}
