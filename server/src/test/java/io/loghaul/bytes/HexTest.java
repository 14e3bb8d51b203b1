package io.loghaul.bytes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HexTest {
  @Test
  void encodesBytesAsLowerCaseDigits() {
    byte[] src = HexFormat.of().parseHex("00ff10abCD");
    byte[] dst = new byte[12];

    Hex.encode(src, 0, src.length, dst, 1);

    assertThat(new String(dst, 1, 10, StandardCharsets.US_ASCII)).isEqualTo("00ff10abcd");
  }

  @Test
  void decodesDigitsOfEitherCase() {
    byte[] hex = "0aFf7E".getBytes(StandardCharsets.US_ASCII);
    byte[] dst = new byte[3];

    Hex.decode(hex, 0, 3, dst, 0);

    assertThat(dst).containsExactly(0x0a, 0xff, 0x7e);
  }

  @Test
  void valueKnowsExactlyTheHexDigits() {
    for (int c = -128; c < 256; c++) {
      int expected = c >= 0 && c < 128 ? Character.digit(c, 16) : -1;
      assertThat(Hex.value(c)).as("%d", c).isEqualTo(expected);
      assertThat(Hex.value((byte) c))
          .as("byte %d", c)
          .isEqualTo(c >= 0 && c < 128 || c >= 128 ? Character.digit((byte) c, 16) : -1);
    }
    for (int n = 0; n < 16; n++) {
      assertThat(Hex.value(Hex.digit(n))).isEqualTo(n);
    }
  }

  @Test
  void anIdIsLowerCaseHexNotAllZeros() {
    assertThat(Hex.isLowerCaseId(ascii("0123456789abcdef"), 0, 16)).isTrue();
    assertThat(Hex.isLowerCaseId(ascii("0123456789ABCDEF"), 0, 16)).isFalse();
    assertThat(Hex.isLowerCaseId(ascii("0123456789abcdeg"), 0, 16)).isFalse();
    assertThat(Hex.isLowerCaseId(ascii("0000000000000000"), 0, 16)).isFalse();
    assertThat(Hex.isLowerCaseId(ascii("x0000000000000001"), 1, 16)).isTrue();
  }

  @Test
  void copyIdLowerCasesAndSaysWhyItIsNoId() {
    byte[] dst = new byte[16];

    assertThat(Hex.copyId(ascii("x0123456789ABCDEF"), 1, 16, dst)).isEqualTo(Hex.ID);
    assertThat(new String(dst, StandardCharsets.US_ASCII)).isEqualTo("0123456789abcdef");
    assertThat(Hex.copyId(ascii("0000000000000000"), 0, 16, dst)).isEqualTo(Hex.ALL_ZEROS);
    assertThat(Hex.copyId(ascii("000000000000000g"), 0, 16, dst)).isEqualTo(Hex.NOT_HEX);
    assertThat(Hex.copyId(ascii("0000000000000000000000000000000G"), 0, 32, new byte[32]))
        .isEqualTo(Hex.NOT_HEX);
    assertThat(Hex.copyId("00000000é0000000".getBytes(StandardCharsets.UTF_8), 0, 16, dst))
        .isEqualTo(Hex.NOT_HEX);
  }

  @Test
  void theWordChecksAgreeWithTheByteRuleForEveryByteInEveryLane() {
    for (int c = 0; c < 256; c++) {
      for (int lane = 0; lane < 8; lane++) {
        long w = 0x3030_3030_3030_3030L & ~(0xFFL << 8 * lane) | (long) c << 8 * lane;
        boolean hex = Character.digit(c, 16) >= 0 && c < 128;
        boolean letter = hex && c > '9';
        assertThat(Hex.notHexDigits(w))
            .as("0x%02x in lane %d", c, lane)
            .isEqualTo(hex ? 0 : 0x80L << 8 * lane);
        assertThat(Hex.hexLetters(w))
            .as("0x%02x in lane %d", c, lane)
            .isEqualTo(letter ? 0x80L << 8 * lane : 0);
      }
    }
  }

  @Test
  void aBinaryIdOfZeroBytesIsNoId() {
    assertThat(Hex.isZeroId(new byte[8], 0, 8)).isTrue();
    assertThat(Hex.isZeroId(new byte[] {1, 0, 0}, 1, 2)).isTrue();
    assertThat(Hex.isZeroId(new byte[] {0, 0, 1}, 0, 3)).isFalse();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
