package io.loghaul.bytes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
  @Test
  void acceptsEveryEncodingLengthUpToU10FFFF() {
    byte[] ok =
        ("a\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff"
                + new String(Character.toChars(0x10000))
                + new String(Character.toChars(0x10FFFF)))
            .getBytes(StandardCharsets.UTF_8);

    assertThat(Utf8.isValid(ok, 0, ok.length)).isTrue();
    assertThat(Utf8.firstInvalid(ok, 0, ok.length)).isEqualTo(-1);
  }

  @Test
  void rejectsOverlongForms() {
    assertInvalidAt0("C080"); // U+0000 in two bytes
    assertInvalidAt0("C1BF");
    assertInvalidAt0("E08080");
    assertInvalidAt0("E09FBF"); // U+07FF in three bytes
    assertInvalidAt0("F0808080");
    assertInvalidAt0("F08FBFBF"); // U+FFFF in four bytes
  }

  @Test
  void rejectsUtf16SurrogatesButNotTheirNeighbours() {
    assertInvalidAt0("EDA080"); // U+D800
    assertInvalidAt0("EDBFBF"); // U+DFFF
    assertThat(valid("ED9FBF")).isTrue(); // U+D7FF
    assertThat(valid("EE8080")).isTrue(); // U+E000
  }

  @Test
  void rejectsCodePointsAboveU10FFFF() {
    assertInvalidAt0("F4908080");
    for (int lead = 0xF5; lead <= 0xFF; lead++) {
      assertInvalidAt0(String.format("%02X808080", lead));
    }
  }

  @Test
  void rejectsLoneContinuationBytesAndTruncatedSequences() {
    assertInvalidAt0("80");
    assertInvalidAt0("BF");
    assertInvalidAt0("C3");
    assertInvalidAt0("E282");
    assertInvalidAt0("F09F98");
    assertInvalidAt0("C341"); // interrupted by ASCII
    assertInvalidAt0("E28241");
  }

  @Test
  void reportsThePositionOfTheFirstInvalidSequenceAfterLongAsciiRuns() {
    for (int ascii : new int[] {0, 1, 7, 8, 9, 31, 32, 33, 40, 64, 100}) {
      byte[] b = new byte[ascii + 4];
      java.util.Arrays.fill(b, 0, ascii, (byte) 'x');
      b[ascii] = (byte) 0xC3;
      b[ascii + 1] = (byte) 0xA9; // é: valid
      b[ascii + 2] = (byte) 0xFF; // invalid
      b[ascii + 3] = 'y';

      assertThat(Utf8.firstInvalid(b, 0, b.length))
          .as("after %d ASCII bytes", ascii)
          .isEqualTo(ascii + 2);
      assertThat(Utf8.firstInvalid(b, 0, ascii + 2)).isEqualTo(-1);
    }
  }

  @Test
  void looksOnlyInsideTheRange() {
    byte[] b = HexFormat.of().parseHex("FF616263FF");

    assertThat(Utf8.isValid(b, 1, 4)).isTrue();
    assertThat(Utf8.firstInvalid(b, 1, 5)).isEqualTo(4);
    // a sequence cut by the end of the range is truncated, whatever follows it
    byte[] e = "xé".getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.firstInvalid(e, 0, 2)).isEqualTo(1);
  }

  @Test
  void sequenceEndReturnsThePositionAfterAValidSequence() {
    byte[] b = HexFormat.of().parseHex("41F09F988041");

    assertThat(Utf8.sequenceEnd(b, 1, b.length)).isEqualTo(5);
    assertThat(Utf8.sequenceEnd(b, 1, 4)).isEqualTo(-2);
    assertThat(Utf8.sequenceEnd(b, 2, b.length)).isEqualTo(-3);
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    Random random = new Random(11);
    int[] interesting = {
      0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED,
      0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF
    };
    for (int i = 0; i < 100_000; i++) {
      byte[] b = new byte[random.nextInt(12)];
      for (int j = 0; j < b.length; j++) {
        b[j] =
            (byte)
                (random.nextBoolean()
                    ? interesting[random.nextInt(interesting.length)]
                    : random.nextInt(256));
      }
      assertThat(Utf8.isValid(b, 0, b.length))
          .as(HexFormat.of().formatHex(b))
          .isEqualTo(jdkValid(b));
    }
  }

  private static boolean jdkValid(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean valid(String hex) {
    byte[] b = HexFormat.of().parseHex(hex);
    return Utf8.isValid(b, 0, b.length);
  }

  private static void assertInvalidAt0(String hex) {
    byte[] b = HexFormat.of().parseHex(hex);
    assertThat(Utf8.firstInvalid(b, 0, b.length)).as(hex).isZero();
    assertThat(Utf8.sequenceEnd(b, 0, b.length)).as(hex).isEqualTo(-1);
  }
}
