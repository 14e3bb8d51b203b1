package io.loghaul.dlqtools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EscapingTest {
  private static String escape(String s) {
    return Escaping.escape(s.getBytes(UTF_8), 1024);
  }

  @Test
  void showsPrintableUtf8AsIs() {
    assertThat(escape("{\"message\": \"payment ✓ 🚀\"}"))
        .isEqualTo("{\"message\": \"payment ✓ 🚀\"}");
  }

  @Test
  void escapesLineBreaksTabsBackslashesAndControlCharacters() {
    assertThat(escape("a\nb\r\tc\\d\u0000e\u001bf\u007f"))
        .isEqualTo("a\\nb\\r\\tc\\\\d\\x00e\\x1bf\\x7f");
    assertThat(escape("x\u0085y\u2028z")).isEqualTo("x\\u0085y\\u2028z");
  }

  @Test
  void showsBytesThatAreNotUtf8AsHex() {
    byte[] bad = {'a', (byte) 0xff, (byte) 0xc3, 'b', (byte) 0xed, (byte) 0xa0, (byte) 0x80};
    assertThat(Escaping.escape(bad, 1024)).isEqualTo("a\\xff\\xc3b\\xed\\xa0\\x80");
  }

  @Test
  void cutsAfterTheLimitAndSaysHowMuchIsLeft() {
    byte[] big = "x".repeat(3000).getBytes(UTF_8);
    assertThat(Escaping.escape(big, 1024)).isEqualTo("x".repeat(1024) + "… (1976 more bytes)");
    // a character cut in half at the limit shows as bytes, not as a wrong character
    assertThat(Escaping.escape("aé".getBytes(UTF_8), 2)).isEqualTo("a\\xc3… (1 more bytes)");
  }

  @Test
  void showsANullValueAsNull() {
    assertThat(Escaping.escape(null, 1024)).isEqualTo("null");
  }
}
