package io.loghaul.redaction;

import static io.loghaul.redaction.RedactionTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RulesFileParserTest {
  @TempDir Path dir;

  @Test
  void readsTheSpecExample() throws Exception {
    Path f =
        write(
            dir,
            "r.yaml",
            """
        rules:
          - name: cards                 # the metric label
            preset: credit_card
            action: mask
          - name: account-ids
            pattern: 'acct-[0-9]{8}'
            fields: [message, "attributes.user.*"]
            action: hash
          - name: secrets
            keys: ["password", "*token*", "authorization"]
            action: drop
        """);
    RuleSet set = RulesFileParser.parse(f, new byte[16]);
    assertThat(set.rules())
        .extracting(Rule::name)
        .containsExactly("cards", "account-ids", "secrets");
    assertThat(set.rules().get(0).preset()).isEqualTo(Preset.CREDIT_CARD);
    assertThat(set.rules().get(1).action()).isEqualTo(Action.HASH);
    assertThat(set.rules().get(1).line()).isEqualTo(5);
    assertThat(set.rules().get(2).keys()).hasSize(3);
  }

  @Test
  void anEmptyFileHasNoRules() throws Exception {
    assertThat(RulesFileParser.parse(write(dir, "e.yaml", ""), null).rules()).isEmpty();
    assertThat(RulesFileParser.parse(write(dir, "e2.yaml", "rules: []\n"), null).rules()).isEmpty();
  }

  @ParameterizedTest(name = "line {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rules:\\n  - name: a\\n    preset: visa\\n | 3 | unknown preset 'visa'",
        "rules:\\n  - name: a\\n    pattern: '(unclosed'\\n | 3 | bad pattern",
        "rules:\\n  - name: a\\n    preset: email\\n    action: shred\\n | 4 | unknown action 'shred'",
        "rules:\\n  - name: a\\n    preset: email\\n    colour: red\\n | 4 | unknown rule key 'colour'",
        "rules:\\n  - name: a\\n    preset: email\\n    pattern: x\\n | 2 | exactly one of preset, pattern and keys",
        "rules:\\n  - preset: email\\n | 2 | without a 'name'",
        "rules:\\n  - {name: a, preset: email}\\n  - {name: a, preset: ipv4}\\n | 3 | used twice",
        "rules:\\n  - name: a\\n    keys: [x]\\n    fields: [message]\\n | 4 | does not apply to a keys rule",
        "rules:\\n  - name: a\\n    preset: email\\n    fields: [body]\\n | 4 | unknown field 'body'",
        "rules:\\n  - name: a\\n    pattern: 'x*'\\n | 3 | matches the empty string",
        "rules:\\n  - name: a\\n    preset: email\\n    action: hash\\n | 4 | needs redaction.hash-key-file",
        "rules:\\n  - name: a\\n    preset: email\\n    action: drop\\n    replacement: x\\n | 5 | applies only to action mask",
        "rules:\\n  - name: a\\n    preset: email\\n   - x: 1\\n | 4 | not valid YAML",
        "rules:\\n  - name: a\\n\tpreset: email\\n | 3 | not valid YAML",
        "rulez: []\\n | 1 | unknown key 'rulez'",
        "rules: 5\\n | 1 | 'rules' must be a list",
      })
  void namesFileLineAndProblem(String yaml, int line, String problem) {
    Path f = write(dir, "bad.yaml", yaml.replace("\\n", "\n"));
    assertThatThrownBy(() -> RulesFileParser.parse(f, null))
        .isInstanceOf(RulesFileException.class)
        .hasMessageStartingWith(f + ":" + line + ": ")
        .hasMessageContaining(problem)
        .satisfies(e -> assertThat(((RulesFileException) e).line()).isEqualTo(line));
  }

  @Test
  void aMissingFileIsNamed() {
    Path f = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> RedactionRules.load(f, null, RedactionObserver.NONE))
        .isInstanceOf(RulesFileException.class)
        .hasMessageContaining(f.toString());
  }
}
