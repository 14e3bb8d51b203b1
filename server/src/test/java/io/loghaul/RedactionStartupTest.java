package io.loghaul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loghaul.config.ConfigException;
import io.loghaul.config.LoghaulConfig;
import io.loghaul.redaction.RedactionRules;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad rules file or hash key at startup is a configuration error naming the key, file, line and
 * problem.
 */
class RedactionStartupTest {
  @TempDir Path dir;

  @Test
  void noRulesFileMeansNoRedaction() throws Exception {
    assertThat(LoghaulServer.readRedaction(new LoghaulConfig.Redaction(null, null, false)))
        .isNull();
  }

  @Test
  void aBadRulesFileNamesKeyFileLineAndProblem() throws Exception {
    Path file =
        Files.writeString(dir.resolve("r.yaml"), "rules:\n  - name: cards\n    preset: visa\n");
    assertThatThrownBy(
            () -> LoghaulServer.readRedaction(new LoghaulConfig.Redaction(file, null, false)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "redaction.rules-file: "
                + file
                + ":3: unknown preset 'visa' (expected: credit_card, "
                + "email, ipv4, ipv6, jwt, bearer_token or aws_access_key_id)")
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("redaction.rules-file"));
  }

  @Test
  void aShortHashKeyIsRefusedWithoutShowingIt() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("r.yaml"), "rules:\n  - {name: m, preset: email, action: hash}\n");
    Path key = Files.writeString(dir.resolve("k"), "s3cr3t\n");
    assertThatThrownBy(
            () -> LoghaulServer.readRedaction(new LoghaulConfig.Redaction(file, key, false)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redaction.hash-key-file")
        .hasMessageNotContaining("s3cr3t")
        .satisfies(
            e -> assertThat(((ConfigException) e).key()).isEqualTo("redaction.hash-key-file"));
  }

  @Test
  void aGoodFileLoads() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("r.yaml"), "rules:\n  - {name: cards, preset: credit_card}\n");
    try (RedactionRules rules =
        LoghaulServer.readRedaction(new LoghaulConfig.Redaction(file, null, false))) {
      assertThat(rules.ruleNames()).containsExactly("cards");
    }
  }
}
