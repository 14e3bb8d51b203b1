package io.loghaul.redaction;

import static io.loghaul.redaction.RedactionTesting.entry;
import static io.loghaul.redaction.RedactionTesting.jsonString;
import static io.loghaul.redaction.RedactionTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Pattern;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.SchemaLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * For random text made of fragments that look like secrets (and near misses) glued with random
 * characters: redaction never throws, never grows a value past its schema limit, keeps JSON
 * attribute values valid JSON, and leaves no match of any rule behind.
 */
class RedactionProperties {
  private static final String RULES =
      """
      rules:
        - {name: cards, preset: credit_card}
        - {name: mails, preset: email, action: hash}
        - {name: v4, preset: ipv4, replacement: "[ip]"}
        - {name: v6, preset: ipv6}
        - {name: jwts, preset: jwt, action: drop}
        - {name: bearer, preset: bearer_token}
        - {name: aws, preset: aws_access_key_id}
        - {name: accounts, pattern: 'acct-[0-9]{4,8}', action: hash}
        - {name: pins, pattern: 'pin=[0-9]+', replacement: "pin=?"}
      """;
  private static final List<Preset> PRESETS = List.of(Preset.values());
  private static final List<Pattern> PATTERNS =
      List.of(Pattern.compile("acct-[0-9]{4,8}"), Pattern.compile("pin=[0-9]+"));
  private static final int MAX_MESSAGE = 200;
  private static final int MAX_VALUE = 120;

  private static Path dir;
  private static RedactionRules rules;

  @BeforeContainer
  static void load() throws Exception {
    dir = Files.createTempDirectory("redaction-props");
    Path file = write(dir, "rules.yaml", RULES);
    Path key = write(dir, "key", "0123456789abcdef0123");
    rules = RedactionRules.load(file, key, RedactionObserver.NONE);
  }

  @AfterContainer
  static void cleanUp() throws IOException {
    try (var files = Files.list(dir)) {
      files.forEach(
          f -> {
            try {
              Files.delete(f);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    Files.delete(dir);
  }

  @Provide
  Arbitrary<String> text() {
    Arbitrary<String> fragments =
        Arbitraries.of(
            "4111 1111 1111 1111",
            "4111111111111111",
            "4111111111111112",
            "5500-0000-0000-0004",
            "378282246310005",
            "a@b.io",
            "jane.doe@example.com",
            "x@y",
            "@",
            ".",
            ":",
            "::",
            "::1",
            "fe80::1",
            "2001:db8::1",
            "10.0.0.1",
            "256.1.1.1",
            "1.2.3",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_x",
            "Bearer abc123def456",
            "bearer ",
            "AKIAIOSFODNN7EXAMPLE",
            "AKIA",
            "acct-1234",
            "acct-12345678",
            "pin=42",
            "pin=",
            " ",
            "-",
            "é",
            "✓",
            "\"",
            "\\",
            "{",
            "}");
    Arbitrary<String> noise =
        Arbitraries.strings().withCharRange(' ', '~').withChars('é', '✓', '\n').ofMaxLength(6);
    return Arbitraries.oneOf(fragments, noise).list().ofMaxSize(14).map(l -> String.join("", l));
  }

  private static SchemaLimits limits() {
    SchemaLimits d = SchemaLimits.defaults();
    return new SchemaLimits(
        d.maxRecordBytes(),
        d.maxServiceNameBytes(),
        MAX_MESSAGE,
        d.maxAttributes(),
        d.maxAttributeKeyBytes(),
        MAX_VALUE,
        d.maxDepth(),
        d.maxAgeSeconds(),
        d.maxFutureSeconds());
  }

  private static String cut(String s, int maxBytes) {
    while (s.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  @Property(tries = 400)
  void redactionIsSafeAndComplete(
      @ForAll("text") String message, @ForAll("text") String value, @ForAll("text") String inner)
      throws Exception {
    String msg = cut(message, MAX_MESSAGE);
    String val = cut(value, MAX_VALUE);
    String json = cut("{\"k\":" + jsonString(inner) + ",\"n\":[1,2]}", MAX_VALUE);
    String attrs =
        "{\"plain\":" + jsonString(val) + (json.endsWith("]}") ? ",\"nested\":" + json : "") + "}";
    LogEntry e = entry(RedactionTesting.record(msg, attrs));
    Redactor r = new Redactor(rules, limits());

    r.redact(e);

    assertThat(e.messageLength()).isLessThanOrEqualTo(MAX_MESSAGE);
    assertNoMatch(e.message());
    for (int i = 0; i < e.attributeCount(); i++) {
      assertThat(e.attributeValueLength(i)).isLessThanOrEqualTo(MAX_VALUE);
      assertNoMatch(e.attributeValue(i));
      if (e.attributeKey(i).equals("nested") && !e.attributeValue(i).equals("****")) {
        new ObjectMapper().readTree(e.attributeValue(i)); // still JSON
      }
    }
    byte[] raw = (msg + val).getBytes(StandardCharsets.UTF_8);
    assertNoMatch(new String(rules.redactDeadLetter(raw), StandardCharsets.UTF_8));
  }

  /**
   * The one-pass summary ({@link TextStats}) never rules out a preset that matches, wherever the
   * value lies in its array (its last bytes are read as one word, from the array's start when it is
   * shorter than 8 bytes), and what lies around the value does not change it.
   */
  @Property(tries = 1000)
  void summaryNeverRulesOutAMatch(
      @ForAll("text") String text,
      @ForAll @IntRange(min = 0, max = 9) int before,
      @ForAll @IntRange(min = 0, max = 9) int after,
      @ForAll boolean triggersAround,
      @ForAll boolean wide) {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[before + t.length + after];
    byte[] around = (triggersAround ? "1:@A.beyJ9" : "xxxxxxxxxx").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i++) {
      b[i] = around[i % around.length];
    }
    System.arraycopy(t, 0, b, before, t.length);
    TextStats s = new TextStats(wide);
    s.scan(b, before, before + t.length);
    int inArray = s.possible();
    s.scan(t, 0, t.length);
    assertThat(inArray).as("summary of %s inside a larger array", text).isEqualTo(s.possible());
    for (Preset p : PRESETS) {
      if (p.find(t, 0, t.length) != Preset.NONE) {
        assertThat(p.mayMatch(s)).as("%s matches in %s", p, text).isTrue();
      }
    }
  }

  /**
   * In a long value (summarised a vector block at a time, then in 8-byte words) a match is seen
   * wherever it lies: across a block's or a word's edge, in the scalar tail, right at the end.
   */
  @Property(tries = 600)
  void summaryOfALongValueSeesAMatchAtAnyOffset(
      @ForAll("secrets") String secret,
      @ForAll @IntRange(min = 0, max = 200) int offset,
      @ForAll @IntRange(min = 0, max = 40) int after,
      @ForAll boolean wide) {
    String filler = "the budget was approved by Bob and Eve, but nobody knew why; ";
    StringBuilder text = new StringBuilder();
    while (text.length() < offset) {
      text.append(filler);
    }
    text.setLength(offset);
    text.append(' ').append(secret).append(' ');
    for (int i = 0; i < after; i++) {
      text.append((char) ('a' + i % 26));
    }
    byte[] t = text.toString().getBytes(StandardCharsets.UTF_8);
    TextStats s = new TextStats(wide);
    s.scan(t, 0, t.length);
    int matching = 0;
    for (Preset p : PRESETS) {
      if (p.find(t, 0, t.length) != Preset.NONE) {
        matching++;
        assertThat(p.mayMatch(s)).as("%s matches in %s", p, text).isTrue();
      }
    }
    assertThat(matching).as("some preset matches %s", secret).isPositive();
  }

  @Provide
  Arbitrary<String> secrets() {
    return Arbitraries.of(
        "4111 1111 1111 1111",
        "4111111111111111",
        "5500-0000-0000-0004",
        "378282246310005",
        "jane.doe@example.com",
        "10.0.0.1",
        "fe80::1",
        "2001:db8:0:0:1:0:0:1",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_x",
        "Bearer abc123def456",
        "bearer abc123def456",
        "AKIAIOSFODNN7EXAMPLE");
  }

  /**
   * On ASCII text the vector blocks and the 8-byte words give the same summary (above 0x7F the
   * words fold bytes onto ASCII and may see more), at any position of the value in its array.
   */
  @Property(tries = 1000)
  void wideAndEightByteSummariesAgreeOnAscii(
      @ForAll("asciiText") String text, @ForAll @IntRange(min = 0, max = 40) int before) {
    byte[] t = text.getBytes(StandardCharsets.US_ASCII);
    byte[] b = new byte[before + t.length + 1];
    System.arraycopy(t, 0, b, before, t.length);
    b[b.length - 1] = 'e'; // after a final 'b': must not count
    TextStats wide = new TextStats(true);
    TextStats words = new TextStats(false);
    wide.scan(b, before, before + t.length);
    words.scan(b, before, before + t.length);
    assertThat(wide.possible()).as("summary of %s", text).isEqualTo(words.possible());
  }

  @Provide
  Arbitrary<String> asciiText() {
    Arbitrary<String> fragments =
        Arbitraries.of(
            "4111 1111 1111 1111",
            "1234",
            "12345678",
            "a@b.io",
            "@",
            ".",
            ":",
            "::",
            "1.2.3.4",
            "eyJ",
            "Bearer abcdefgh",
            "bearer ",
            "b",
            "be",
            "AKIAIOSFODNN7EXAMPLE",
            "AKIA");
    Arbitrary<String> noise = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40);
    return Arbitraries.oneOf(fragments, noise).list().ofMaxSize(16).map(l -> String.join("", l));
  }

  /** The build runs the tests with {@code --add-modules=jdk.incubator.vector}. */
  @Example
  void theTestJvmHasTheVectorApi() {
    assertThat(TextStats.WIDE).isTrue();
  }

  private static void assertNoMatch(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    for (Preset p : PRESETS) {
      assertThat(p.find(b, 0, b.length)).as("%s in %s", p, s).isEqualTo(Preset.NONE);
    }
    for (Pattern p : PATTERNS) {
      assertThat(p.matcher(s).find()).as("%s in %s", p, s).isFalse();
    }
  }
}
