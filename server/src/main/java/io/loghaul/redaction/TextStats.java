package io.loghaul.redaction;

import io.loghaul.bytes.LittleEndian;

/**
 * A one-pass summary of a value that tells which {@link Preset}s could match in it, so that a
 * preset's scanner runs only where it may find something: {@link #possible()} is a bit set over
 * {@link Preset#ordinal()}s. Mutable and reused by one {@link Redactor}; allocates nothing.
 *
 * <p>Reads eight bytes at a time (SWAR). Every preset needs a byte from {@code '.'} to {@code 'J'}
 * (dots, digits, colons, {@code @}, the capitals of {@code eyJ}, {@code AKIA} and {@code Bearer})
 * or a lower-case {@code b} (of {@code bearer}): one range test and one equality test per word find
 * the words holding one, and only those are looked at closer — digits, dots and colons counted with
 * a population count, the rarer trigger bytes ({@code :}, {@code @}, {@code A}..{@code J}, {@code
 * b}) examined one by one. Words of other text (letters, spaces, punctuation) cost a few
 * instructions. A tail of fewer than eight bytes is read as one word as well, so a short attribute
 * value is a single step, and a value shorter than {@value #SHORT_BYTES} bytes with no dot or colon
 * is ruled out by one test (no preset can match there: a card needs 13 digits, a token 15 bytes,
 * everything else a dot or a colon).
 *
 * <p>Values of {@value #WIDE_MIN_BYTES} bytes or more are summarised a vector register at a time
 * when the JVM has the Vector API ({@code --add-modules=jdk.incubator.vector}; {@link
 * VectorBlocks}), the rest read as the block that ends the value: log messages are where the
 * prefilter spends its time, and there the vector blocks halve it (BENCHMARKS.md). Both ways give
 * the same summary of ASCII text (the blocks keep the words' 8-byte grid for the digit test);
 * without the module everything runs the scalar way.
 */
final class TextStats {
  static final int AT = 1;
  static final int JWT_START = 2;
  static final int AWS_START = 4;
  static final int BEARER_WORD = 8;
  static final int DOUBLE_COLON = 16;

  /** Below this many bytes no preset can match ({@code ::1} is the shortest match). */
  static final int MIN_MATCH_BYTES = 3;

  /** Below this many bytes only a match holding a dot or a colon is possible. */
  static final int SHORT_BYTES = 13;

  /** From this many bytes on a value goes through {@link VectorBlocks} when {@link #WIDE}. */
  static final int WIDE_MIN_BYTES = 64;

  /**
   * This JVM has the Vector API with registers of 16 to 64 bytes (a block's lanes fit a {@code
   * long}, and no block is longer than {@link #WIDE_MIN_BYTES}).
   */
  static final boolean WIDE = vectorApiPresent();

  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long HIGH = 0x8080808080808080L;

  // y + GE_X has the high bit set in the bytes of y (high bits clear) that are >= X
  private static final long GE_DOT = 0x5252525252525252L; // '.' = 0x2E
  private static final long GE_ZERO = 0x5050505050505050L; // '0' = 0x30
  private static final long GE_COLON = 0x4646464646464646L; // ':' = 0x3A
  private static final long GE_K = 0x3535353535353535L; // 'K' = 0x4B

  private static final long DOTS = 0x2E2E2E2E2E2E2E2EL;
  private static final long COLONS = 0x3A3A3A3A3A3A3A3AL;
  private static final long LOWER_B = 0x6262626262626262L;
  // y | DOT_OR_COLON_BITS == DOT_OR_COLON for '.' and ':' (and '*', '>': harmless false positives)
  private static final long DOT_OR_COLON_BITS = 0x1414141414141414L;
  private static final long DOT_OR_COLON = 0x3E3E3E3E3E3E3E3EL;

  private static final int CARD = 1 << Preset.CREDIT_CARD.ordinal();
  private static final int EMAIL = 1 << Preset.EMAIL.ordinal();
  private static final int IPV4 = 1 << Preset.IPV4.ordinal();
  private static final int IPV6 = 1 << Preset.IPV6.ordinal();
  private static final int JWT = 1 << Preset.JWT.ordinal();
  private static final int BEARER = 1 << Preset.BEARER_TOKEN.ordinal();
  private static final int AWS = 1 << Preset.AWS_ACCESS_KEY_ID.ordinal();

  private final boolean wide;
  private int flags;
  private int possible;

  // counted by the vector blocks of the value being summarised
  private int blockDigits;
  private int blockDots;
  private int blockColons;
  private boolean blockCardChunk;

  /** Summarises with vector blocks when this JVM can ({@link #WIDE}). */
  TextStats() {
    this(WIDE);
  }

  /** Summarises with vector blocks only if {@code wide} (and this JVM can). */
  TextStats(boolean wide) {
    this.wide = wide && WIDE;
  }

  private static boolean vectorApiPresent() {
    try {
      return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
          && VectorBlocks.LENGTH >= 16
          && VectorBlocks.LENGTH <= WIDE_MIN_BYTES;
    } catch (LinkageError e) {
      return false;
    }
  }

  /** Summarises {@code b[from, end)}. */
  void scan(byte[] b, int from, int end) {
    flags = 0;
    int n = end - from;
    if (n < MIN_MATCH_BYTES || (n < SHORT_BYTES && !hasDotOrColon(b, from, end))) {
      possible = 0;
      return;
    }
    if (wide && n >= WIDE_MIN_BYTES) {
      blockDigits = 0;
      blockDots = 0;
      blockColons = 0;
      blockCardChunk = false;
      VectorBlocks.summarise(this, b, from, end);
      possible = possible(blockDigits, blockCardChunk ? 4 : 0, blockDots, blockColons);
      return;
    }
    int d = 0;
    int dot = 0;
    int colon = 0;
    // the most digits in one 8-byte chunk (the tail is one chunk): a card number has at least 4
    // in some chunk (13+ digits with at most single separators between them)
    int chunkDigits = 0;
    for (int i = from; i < end; i += 8) {
      // the high bit of each byte of y is clear; bytes >= 0x80 fold onto ASCII and at worst make a
      // false candidate, which look() then ignores (counts may only be overstated: still a
      // superset). The zero bytes above the end of a tail trigger nothing.
      long y = chunk(b, i, end) & LOW7;
      long lowerB = ~((y ^ LOWER_B) + LOW7) & HIGH;
      if ((((y + GE_DOT) & ~(y + GE_K) & HIGH) | lowerB) == 0) {
        continue; // no byte from '.' to 'J', no 'b': nothing here for any preset
      }
      int wd = Long.bitCount((y + GE_ZERO) & ~(y + GE_COLON) & HIGH);
      d += wd;
      chunkDigits = Math.max(chunkDigits, wd);
      dot += Long.bitCount(~((y ^ DOTS) + LOW7) & HIGH);
      long colons = ~((y ^ COLONS) + LOW7) & HIGH;
      colon += Long.bitCount(colons);
      // ':' .. 'J' (colon, '@', 'A'..'J') and 'b': the bytes that start a "::", an e-mail, a JWT,
      // an AWS key id or a Bearer token
      long candidates = ((y + GE_COLON) & ~(y + GE_K) & HIGH) | lowerB;
      while (candidates != 0) {
        look(b, i + (Long.numberOfTrailingZeros(candidates) >>> 3), from, end);
        candidates &= candidates - 1;
      }
    }
    possible = possible(d, chunkDigits, dot, colon);
  }

  /** Adds what one vector block counted ({@code cardChunk}: an 8-byte chunk had 4+ digits). */
  void addBlock(int digits, int dots, int colons, boolean cardChunk) {
    blockDigits += digits;
    blockDots += dots;
    blockColons += colons;
    blockCardChunk |= cardChunk;
  }

  /** Sets {@code flags} (of {@link #AT}, {@link #JWT_START}, ...) found by a vector block. */
  void flag(int flags) {
    this.flags |= flags;
  }

  /** {@code b[from, end)}, fewer than 16 bytes, holds a dot or a colon (or a '*' or '>'). */
  private static boolean hasDotOrColon(byte[] b, int from, int end) {
    long found = dotOrColonBytes(chunk(b, from, end));
    if (from + 8 < end) {
      found |= dotOrColonBytes(chunk(b, from + 8, end));
    }
    return found != 0;
  }

  /** The high bit of each byte of {@code w} that is '.', ':', '*' or '>'. */
  private static long dotOrColonBytes(long w) {
    long y = (w | DOT_OR_COLON_BITS) ^ DOT_OR_COLON; // zero exactly there
    return ~((y & LOW7) + LOW7) & ~y & HIGH;
  }

  /**
   * The bytes {@code b[i, min(i + 8, end))} as a little-endian word, zero above {@code end}: a tail
   * of fewer than 8 bytes is one step too (short attribute values are only a tail). It is read as
   * the word that ends at {@code end}, shifted down, when the array has 8 bytes up to there.
   */
  private static long chunk(byte[] b, int i, int end) {
    int rest = end - i;
    if (rest >= 8) {
      return LittleEndian.getLong(b, i);
    }
    if (end >= 8) {
      return LittleEndian.getLong(b, end - 8) >>> ((8 - rest) << 3);
    }
    long w = 0;
    for (int k = 0; k < rest; k++) {
      w |= (b[i + k] & 0xFFL) << (k << 3);
    }
    return w;
  }

  private int possible(int digits, int chunkDigits, int dots, int colons) {
    int p = 0;
    if (digits >= 13 && chunkDigits >= 4) {
      p |= CARD;
    }
    if ((flags & AT) != 0 && dots >= 1) {
      p |= EMAIL;
    }
    if (digits >= 4 && dots >= 3) {
      p |= IPV4;
    }
    // an address has a "::" or eight groups (seven colons; six before an IPv4 tail)
    if ((flags & DOUBLE_COLON) != 0 || colons >= 6) {
      p |= IPV6;
    }
    if ((flags & JWT_START) != 0 && dots >= 2) {
      p |= JWT;
    }
    if ((flags & BEARER_WORD) != 0) {
      p |= BEARER;
    }
    if ((flags & AWS_START) != 0) {
      p |= AWS;
    }
    return p;
  }

  /** Notes a trigger byte at {@code b[p]} (a byte of a block or word that may start a match). */
  void look(byte[] b, int p, int from, int end) {
    switch (b[p]) {
      case ':' -> {
        if (p + 1 < end && b[p + 1] == ':') {
          flags |= DOUBLE_COLON;
        }
      }
      case '@' -> flags |= AT;
      case 'J' -> {
        if (p - 2 >= from && b[p - 2] == 'e' && b[p - 1] == 'y') {
          flags |= JWT_START;
        }
      }
      case 'A' -> {
        if (p + 20 <= end && Scanners.awsPrefixAt(b, p)) {
          flags |= AWS_START;
        }
      }
      case 'B', 'b' -> {
        if (p + 7 <= end
            && (b[p + 1] | 0x20) == 'e'
            && (b[p + 2] | 0x20) == 'a'
            && (b[p + 3] | 0x20) == 'r'
            && (b[p + 4] | 0x20) == 'e'
            && (b[p + 5] | 0x20) == 'r'
            && (b[p + 6] == ' ' || b[p + 6] == '\t')) {
          flags |= BEARER_WORD;
        }
      }
      default -> {}
    }
  }

  /** The presets that may match in the value summarised last, as bits {@code 1 << ordinal()}. */
  int possible() {
    return possible;
  }
}
