package io.loghaul.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PresetTest {

  private static String find(Preset p, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    long m = p.find(b, 0, b.length);
    if (m == Preset.NONE) {
      return null;
    }
    return new String(b, (int) (m >>> 32), (int) m - (int) (m >>> 32), StandardCharsets.UTF_8);
  }

  private static boolean prefilterAllows(Preset p, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    TextStats s = new TextStats();
    s.scan(b, 0, b.length);
    boolean exact = p.mayMatch(s);
    // the same text inside a larger array, behind and before bytes that would trigger every preset
    // (the last bytes are then read as one word: what lies past the end must not count)
    s.scan(padded(b), TRIGGERS.length, TRIGGERS.length + b.length);
    assertThat(p.mayMatch(s)).as("same answer inside a larger array").isEqualTo(exact);
    return exact;
  }

  private static final byte[] TRIGGERS =
      "1234567890123::@eyJ.AKIAIOSFODNN7EXAMPLE Bearer 2.2.2.2.1:2:3:4:5:6:7 "
          .getBytes(StandardCharsets.US_ASCII);

  private static byte[] padded(byte[] b) {
    byte[] p = new byte[TRIGGERS.length + b.length + TRIGGERS.length];
    System.arraycopy(TRIGGERS, 0, p, 0, TRIGGERS.length);
    System.arraycopy(b, 0, p, TRIGGERS.length, b.length);
    System.arraycopy(TRIGGERS, 0, p, TRIGGERS.length + b.length, TRIGGERS.length);
    return p;
  }

  @ParameterizedTest(name = "{0} in \"{1}\" → {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NONE",
      value = {
        // credit_card: Luhn-valid numbers, plain, spaced and dashed
        "CREDIT_CARD | paid with 4111111111111111 today | 4111111111111111",
        "CREDIT_CARD | card 4111 1111 1111 1111. | 4111 1111 1111 1111",
        "CREDIT_CARD | card=5500-0000-0000-0004 | 5500-0000-0000-0004",
        "CREDIT_CARD | amex 378282246310005 | 378282246310005",
        "CREDIT_CARD | id 12 4111 1111 1111 1111 | 4111 1111 1111 1111",
        // near misses: Luhn fails, too short, glued to letters, double separators
        "CREDIT_CARD | order 4111111111111112 | NONE",
        "CREDIT_CARD | 1234567890123456 | NONE",
        "CREDIT_CARD | short 411111111111 | NONE",
        "CREDIT_CARD | x4111111111111111 | NONE",
        "CREDIT_CARD | 4111  1111  1111  1111 | NONE",
        "CREDIT_CARD | ts 1795316252123 ok | NONE",
        "CREDIT_CARD | ts 1795316252125 passes Luhn but starts with 1 | NONE",
        "CREDIT_CARD | id 8111111111111111 | NONE",
        // email
        "EMAIL | mail jane.doe+shop@example.co.uk now | jane.doe+shop@example.co.uk",
        "EMAIL | <a@b.io>. | a@b.io",
        "EMAIL | user@localhost | NONE",
        "EMAIL | @example.com | NONE",
        "EMAIL | a@example.c | NONE",
        "EMAIL | version 1.2@3.4 | NONE",
        // ipv4
        "IPV4 | from 192.168.1.20, port 80 | 192.168.1.20",
        "IPV4 | ip=10.0.0.1 | 10.0.0.1",
        "IPV4 | 256.1.1.1 | NONE",
        "IPV4 | version 1.2.3.4.5 | NONE",
        "IPV4 | 1.2.3 | NONE",
        "IPV4 | v10.0.0.1 | NONE",
        // ipv6
        "IPV6 | client 2001:db8::8a2e:370:7334 said | 2001:db8::8a2e:370:7334",
        "IPV6 | [::1]:8080 | ::1",
        "IPV6 | fe80:0:0:0:202:b3ff:fe1e:8329. | fe80:0:0:0:202:b3ff:fe1e:8329",
        "IPV6 | mapped ::ffff:192.0.2.128 | ::ffff:192.0.2.128",
        "IPV6 | at 12:30:45 | NONE",
        "IPV6 | std::vector | NONE",
        "IPV6 | mac 00:1a:2b:3c:4d:5e | NONE",
        "IPV6 | 1::2::3 | NONE",
        "IPV6 | a :: b | NONE",
        // jwt
        "JWT | token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end | eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "JWT | eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. | eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
        "JWT | eyJ.abc.def | NONE",
        "JWT | keyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.x | NONE",
        // bearer_token
        "BEARER_TOKEN | Authorization: Bearer abc123.DEF-456_ghi~ | abc123.DEF-456_ghi~",
        "BEARER_TOKEN | authorization: bearer   dGVzdDp0ZXN0== x | dGVzdDp0ZXN0==",
        "BEARER_TOKEN | bearer authentication failed | NONE",
        "BEARER_TOKEN | Bearer abc1 | NONE",
        "BEARER_TOKEN | forbearer 12345678x | NONE",
        // aws_access_key_id
        "AWS_ACCESS_KEY_ID | key AKIAIOSFODNN7EXAMPLE used | AKIAIOSFODNN7EXAMPLE",
        "AWS_ACCESS_KEY_ID | ASIAY34FZKBOKMUTVV7A | ASIAY34FZKBOKMUTVV7A",
        "AWS_ACCESS_KEY_ID | AKIAIOSFODNN7EXAMPL | NONE",
        "AWS_ACCESS_KEY_ID | AKIAIOSFODNN7EXAMPLEX | NONE",
        "AWS_ACCESS_KEY_ID | XAKIAIOSFODNN7EXAMPLE | NONE",
        "AWS_ACCESS_KEY_ID | AKIAiosfodnn7example | NONE",
      })
  void findsTruePositivesAndLeavesNearMissesAlone(Preset preset, String text, String expected) {
    assertThat(find(preset, text)).isEqualTo(expected);
    if (expected != null) {
      // at every offset within the prefilter's 8-byte chunks
      for (int pad = 0; pad < 8; pad++) {
        assertThat(prefilterAllows(preset, " ".repeat(pad) + text))
            .as("the prefilter must not hide a match (offset %d)", pad)
            .isTrue();
      }
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "payment 1234 accepted for order by peer retrying upstream timeout budget exceeded",
        "{\"tier\":\"gold\",\"id\":123456}",
        "connection reset at 12:30:45 by peer",
        "/api/orders/{id}",
        "ab",
        "took 12 ms, then 345 ms and 6789 ms",
        "bearers of bad news; eyJ alone; mail me@home; AKIA",
      })
  void prefilterRulesOutOrdinaryText(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    TextStats s = new TextStats();
    s.scan(b, 0, b.length);
    assertThat(s.possible()).as("no preset should need to run").isZero();
    s.scan(padded(b), TRIGGERS.length, TRIGGERS.length + b.length);
    assertThat(s.possible()).as("nor inside a larger array").isZero();
  }

  @ParameterizedTest
  @CsvSource({"4111111111111111, true", "4111111111111112, false", "79927398713, true", "0, true"})
  void checksLuhn(String digits, boolean valid) {
    byte[] b = digits.getBytes(StandardCharsets.US_ASCII);
    assertThat(Scanners.luhn(b, 0, b.length)).isEqualTo(valid);
  }
}
