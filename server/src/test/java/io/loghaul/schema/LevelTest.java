package io.loghaul.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LevelTest {
  private static final String[] NAMES = {
    "TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL"
  };

  @Test
  void readsEveryLevelNameInAnyCase() {
    assertThat(ofName("trace")).isEqualTo(Level.TRACE);
    assertThat(ofName("Debug")).isEqualTo(Level.DEBUG);
    assertThat(ofName("iNfO")).isEqualTo(Level.INFO);
    assertThat(ofName("WARN")).isEqualTo(Level.WARN);
    assertThat(ofName("warning")).isEqualTo(Level.WARN);
    assertThat(ofName("ERROR")).isEqualTo(Level.ERROR);
    assertThat(ofName("fatal")).isEqualTo(Level.FATAL);
  }

  @Test
  void knowsNoOtherName() {
    assertThat(ofName("")).isNull();
    assertThat(ofName("INF")).isNull();
    assertThat(ofName("INFO ")).isNull();
    assertThat(ofName("CRITICAL")).isNull();
    assertThat(ofName("WARNINGS")).isNull();
    assertThat(ofName("WARN\u0131NG")).isNull(); // non-ASCII: not a name in JSON
    assertThat(ofName("I@FO")).isNull();
    assertThat(ofName("inf\u00f6")).isNull();
  }

  @Test
  void theStringRuleAlsoFoldsNonAsciiLettersAsJavaDoes() {
    assertThat(Level.ofNameIgnoringCase("WARN\u0131NG")).isEqualTo(Level.WARN); // dotless i
    assertThat(Level.ofNameIgnoringCase("\u0130NFO")).isEqualTo(Level.INFO); // dotted capital I
    assertThat(Level.ofNameIgnoringCase("Error")).isEqualTo(Level.ERROR);
    assertThat(Level.ofNameIgnoringCase("nope")).isNull();
  }

  @Test
  void bothRulesAgreeWithEqualsIgnoreCaseOnAsciiText() {
    Random random = new Random(9);
    for (int i = 0; i < 50_000; i++) {
      char[] c = NAMES[random.nextInt(NAMES.length)].toCharArray();
      for (int j = 0; j < c.length; j++) {
        int roll = random.nextInt(10);
        if (roll < 4) {
          c[j] = Character.toLowerCase(c[j]);
        } else if (roll == 4) {
          c[j] = (char) (c[j] ^ (1 << random.nextInt(7))); // any other ASCII character
        }
      }
      String text = new String(c);
      Level expected = null;
      for (String name : NAMES) {
        if (name.equalsIgnoreCase(text)) {
          expected = Level.valueOf(name.equals("WARNING") ? "WARN" : name.toUpperCase(Locale.ROOT));
        }
      }
      assertThat(ofName(text)).as(text).isEqualTo(expected);
      assertThat(Level.ofNameIgnoringCase(text)).as(text).isEqualTo(expected);
    }
  }

  @Test
  void readsOnlyTheGivenRange() {
    byte[] b = "xxINFOxx".getBytes(StandardCharsets.US_ASCII);

    assertThat(Level.ofName(b, 2, 4)).isEqualTo(Level.INFO);
    assertThat(Level.ofName(b, 1, 4)).isNull();
  }

  private static Level ofName(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return Level.ofName(b, 0, b.length);
  }
}
