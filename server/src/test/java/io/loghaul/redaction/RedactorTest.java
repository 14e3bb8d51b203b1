package io.loghaul.redaction;

import static io.loghaul.redaction.RedactionTesting.KEY;
import static io.loghaul.redaction.RedactionTesting.attributes;
import static io.loghaul.redaction.RedactionTesting.entry;
import static io.loghaul.redaction.RedactionTesting.record;
import static io.loghaul.redaction.RedactionTesting.rules;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.SchemaLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactorTest {
  @TempDir Path dir;

  private final RedactionTesting.CountingObserver observer =
      new RedactionTesting.CountingObserver();

  private Redactor redactor(String yaml) throws RulesFileException {
    return new Redactor(rules(dir, yaml, observer), SchemaLimits.defaults());
  }

  private static String hmac(String s) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void masksEveryPresetMatchInTheMessageWithTheDefaultMask() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - name: cards
            preset: credit_card
          - name: mails
            preset: email
        """);
    LogEntry e = entry(record("card 4111 1111 1111 1111 and 5500000000000004 of a@b.io", null));
    assertThat(r.redact(e)).isTrue();
    assertThat(e.message()).isEqualTo("card **** and **** of ****");
    assertThat(observer.count("cards")).isEqualTo(1); // one value changed
    assertThat(observer.count("mails")).isEqualTo(1);
  }

  @Test
  void leavesARecordWithoutMatchesUntouched() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - {name: cards, preset: credit_card}
          - {name: ids, pattern: 'acct-[0-9]{8}'}
          - {name: secrets, keys: [password]}
        """);
    LogEntry e = entry(record("order 4111111111111112 took 35 ms", "{\"user\":\"bob\",\"n\":1}"));
    int arena = e.arenaSize();
    assertThat(r.redact(e)).isFalse();
    assertThat(e.message()).isEqualTo("order 4111111111111112 took 35 ms");
    assertThat(attributes(e))
        .containsExactly(java.util.Map.entry("user", "bob"), java.util.Map.entry("n", "1"));
    assertThat(e.arenaSize()).isEqualTo(arena);
    assertThat(observer.redacted.values()).allMatch(c -> c.get() == 0);
  }

  @Test
  void usesTheReplacementOfAMaskRule() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - name: ips
            preset: ipv4
            action: mask
            replacement: "<ip>"
        """);
    LogEntry e = entry(record("from 10.1.2.3 to 10.1.2.4", null));
    r.redact(e);
    assertThat(e.message()).isEqualTo("from <ip> to <ip>");
  }

  @Test
  void hashesWithHmacSha256UnderTheConfiguredKey() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - name: account-ids
            pattern: 'acct-[0-9]{8}'
            action: hash
        """);
    LogEntry e = entry(record("moved acct-12345678 to acct-87654321", null));
    r.redact(e);
    assertThat(e.message())
        .isEqualTo("moved " + hmac("acct-12345678") + " to " + hmac("acct-87654321"));
  }

  @Test
  void dropsMatchedTextAndWholeAttributes() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - {name: mails, preset: email, action: drop}
          - {name: secrets, keys: ["password", "*token*", "authorization"], action: drop}
        """);
    LogEntry e =
        entry(
            record(
                "hi a@b.io!",
                "{\"password\":\"p\",\"x\":1,\"Refresh_Token\":\"t\",\"authorization\":\"Bearer x\",\"y\":2}"));
    r.redact(e);
    assertThat(e.message()).isEqualTo("hi !");
    assertThat(attributes(e))
        .containsExactly(java.util.Map.entry("x", "1"), java.util.Map.entry("y", "2"));
    assertThat(observer.count("secrets")).isEqualTo(3);
  }

  @Test
  void keysRulesMaskOrHashTheWholeValue() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - {name: pw, keys: ["pass*"]}
          - {name: users, keys: ["user.id"], action: hash}
        """);
    LogEntry e =
        entry(record("m", "{\"password\":\"hunter2\",\"user.id\":\"u-1\",\"other\":\"hunter2\"}"));
    r.redact(e);
    assertThat(attributes(e))
        .containsEntry("password", "****")
        .containsEntry("user.id", hmac("u-1"))
        .containsEntry("other", "hunter2");
  }

  @Test
  void fieldsSelectTheMessageAndAttributeKeyGlobs() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - name: account-ids
            pattern: 'acct-[0-9]{8}'
            fields: ["attributes.user.*"]
          - name: mails
            preset: email
            fields: [message]
        """);
    LogEntry e =
        entry(
            record(
                "acct-12345678 a@b.io",
                "{\"user.account\":\"acct-12345678\",\"billing\":\"acct-12345678\",\"user.mail\":\"a@b.io\"}"));
    r.redact(e);
    assertThat(e.message()).isEqualTo("acct-12345678 ****");
    assertThat(attributes(e))
        .containsEntry("user.account", "****")
        .containsEntry("billing", "acct-12345678")
        .containsEntry("user.mail", "a@b.io");
  }

  @Test
  void appliesRulesInFileOrder() throws Exception {
    // the pattern runs first and hides the card from the preset; swapped, the preset wins
    String first =
        """
        rules:
          - {name: pat, pattern: '4111[0-9 ]+', replacement: "[pattern]"}
          - {name: cards, preset: credit_card, replacement: "[card]"}
        """;
    LogEntry e = entry(record("pay 4111 1111 1111 1111", null));
    redactor(first).redact(e);
    assertThat(e.message()).isEqualTo("pay [pattern]");

    String swapped =
        """
        rules:
          - {name: cards, preset: credit_card, replacement: "[card]"}
          - {name: pat, pattern: '4111[0-9 ]+', replacement: "[pattern]"}
        """;
    LogEntry f = entry(record("pay 4111 1111 1111 1111", null));
    redactor(swapped).redact(f);
    assertThat(f.message()).isEqualTo("pay [card]");
  }

  @Test
  void aKeysRuleBeforeATextRuleDecidesFirst() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - {name: drop-mail, keys: [mail], action: drop}
          - {name: mails, preset: email}
        """);
    LogEntry e = entry(record("m", "{\"mail\":\"a@b.io\",\"note\":\"write a@b.io\"}"));
    r.redact(e);
    assertThat(attributes(e)).containsExactly(java.util.Map.entry("note", "write ****"));
    assertThat(observer.count("mails")).isEqualTo(1);
  }

  @Test
  void redactsInsideJsonAttributeValuesAndKeepsThemValidJson() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - {name: mails, preset: email, replacement: 'x"y\\z'}
          - {name: cards, preset: credit_card}
        """);
    LogEntry e =
        entry(
            record(
                "m",
                "{\"user\":{\"mail\":\"a@b.io\",\"card\":4111111111111111,\"a@b.io\":[\"c@d.io\",7]}}"));
    r.redact(e);
    String user = attributes(e).get("user");
    var tree = new ObjectMapper().readTree(user);
    assertThat(tree.get("mail").asText()).isEqualTo("x\"y\\z");
    assertThat(tree.get("card").asText()).isEqualTo("****");
    assertThat(tree.get("a@b.io").get(0).asText()).isEqualTo("x\"y\\z"); // keys stay, values change
    assertThat(tree.get("a@b.io").get(1).asInt()).isEqualTo(7);
  }

  /**
   * A string attribute that only looks like an object (found by RedactionProperties: the card was
   * masked as if it were a number, the quoted result then read as a key and the e-mail left alone).
   */
  @Test
  void aStringValueThatOnlyLooksLikeJsonIsRedactedAsText() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - {name: cards, preset: credit_card}
          - {name: mails, preset: email}
        """);
    LogEntry e = entry(record("m", "{\"s\":\"{4111 1111 1111 1111 paid by jane@example.com}\"}"));
    r.redact(e);
    assertThat(attributes(e).get("s")).isEqualTo("{**** paid by ****}");
  }

  @Test
  void recognisesTheLiteralsOfCompactJson() {
    for (String ok : List.of("0", "-1", "12.5", "1e9", "-0.5E-3", "true", "false", "null")) {
      byte[] b = ok.getBytes(StandardCharsets.UTF_8);
      assertThat(Redactor.isJsonLiteral(b, 0, b.length)).as(ok).isTrue();
    }
    for (String bad : List.of("", "-", "1.", ".5", "1e", "4111 1111", "a@b.io", "True", "01x")) {
      byte[] b = bad.getBytes(StandardCharsets.UTF_8);
      assertThat(Redactor.isJsonLiteral(b, 0, b.length)).as(bad).isFalse();
    }
  }

  @Test
  void neverSplitsAJsonEscapeInsideANestedValue() throws Exception {
    // the e-mail scanner would take the 'n' of \n into the local part; the hash must not orphan the
    // backslash
    Redactor r = redactor("rules:\n  - {name: mails, preset: email, action: hash}\n");
    LogEntry e = entry(record("m", "{\"o\":{\"s\":\"line\\na@b.io \\u00e9x@y.io\"}}"));
    r.redact(e);
    var tree = new ObjectMapper().readTree(attributes(e).get("o"));
    assertThat(tree.get("s").asText()).isEqualTo("line\n" + hmac("a@b.io") + " é" + hmac("x@y.io"));
  }

  @Test
  void neverGrowsAValuePastItsLimit() throws Exception {
    SchemaLimits small = new SchemaLimits(1 << 20, 256, 40, 128, 256, 30, 8, 604_800, 900);
    Redactor r =
        new Redactor(
            rules(
                dir,
                """
        rules:
          - {name: ids, pattern: 'id[0-9]', action: hash}
        """,
                observer),
            small);
    LogEntry e = entry(record("id1 id2 id3", "{\"a\":\"id1\",\"j\":[\"id1\"]}"));
    r.redact(e);
    assertThat(e.messageLength()).isLessThanOrEqualTo(40);
    assertThat(e.message()).doesNotContain("id1");
    assertThat(e.attributeValueLength(0)).isLessThanOrEqualTo(30);
    assertThat(attributes(e).get("j")).isEqualTo("****"); // JSON that cannot be cut: masked whole
  }

  @Test
  void redactsDeadLetterRawTextWithTextRulesOnly() throws Exception {
    RedactionRules rules =
        rules(
            dir,
            """
        rules:
          - {name: cards, preset: credit_card, fields: [message]}
          - {name: secrets, keys: [password]}
        """,
            observer);
    byte[] raw =
        "{\"message\":\"4111111111111111\",\"attributes\":{\"password\":\"p\"}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = rules.redactDeadLetter(raw);
    assertThat(new String(out, StandardCharsets.UTF_8))
        .isEqualTo("{\"message\":\"****\",\"attributes\":{\"password\":\"p\"}");
    byte[] clean = "nothing here".getBytes(StandardCharsets.UTF_8);
    assertThat(rules.redactDeadLetter(clean)).isSameAs(clean);
  }

  @Test
  void handlesNonAsciiTextAroundMatches() throws Exception {
    Redactor r =
        redactor(
            """
        rules:
          - {name: ids, pattern: 'café-[0-9]+'}
          - {name: mails, preset: email}
        """);
    LogEntry e = entry(record("ünïcødé café-42 → a@b.io ✓", null));
    r.redact(e);
    assertThat(e.message()).isEqualTo("ünïcødé **** → **** ✓");
  }
}
