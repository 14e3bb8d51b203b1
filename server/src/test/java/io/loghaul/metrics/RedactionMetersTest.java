package io.loghaul.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.redaction.RedactionObserver;
import io.loghaul.redaction.RedactionRules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactionMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Set<String> ruleTags() {
    return registry.find("logs.redacted").counters().stream()
        .map(c -> c.getId().getTag("rule"))
        .collect(Collectors.toSet());
  }

  @Test
  void removesTheSeriesOfRulesNoLongerInUse() {
    RedactionObserver meters = new RedactionMeters(registry);
    Runnable cards = meters.redactedCounter("cards");
    meters.redactedCounter("mails");
    cards.run();
    assertThat(ruleTags()).containsExactlyInAnyOrder("cards", "mails");

    meters.rulesInUse(Set.of("cards", "tokens"));

    assertThat(ruleTags()).containsExactly("cards");
    Counter kept = registry.find("logs.redacted").tag("rule", "cards").counter();
    assertThat(kept).isNotNull();
    assertThat(kept.count()).isEqualTo(1.0);
    assertThat(registry.find("redaction.reload.failures").counter()).isNotNull();
  }

  @Test
  void aReloadThatRenamesARuleDropsTheOldSeries(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(
        file,
        """
        rules:
          - {name: cards, preset: credit_card}
          - {name: mails, preset: email}
        """);
    try (RedactionRules rules = RedactionRules.load(file, null, RedactionObserver.NONE)) {
      rules.attach(new RedactionMeters(registry));
      assertThat(ruleTags()).containsExactlyInAnyOrder("cards", "mails");

      Files.writeString(
          file,
          """
          rules:
            - {name: cards, preset: credit_card}
            - {name: e-mail addresses, preset: email}
          """);
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      assertThat(rules.reloadIfChanged()).isTrue();

      assertThat(ruleTags()).containsExactlyInAnyOrder("cards", "e-mail addresses");
    }
  }

  @Test
  void aBadReloadKeepsEverySeries(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, "rules:\n  - {name: cards, preset: credit_card}\n");
    try (RedactionRules rules = RedactionRules.load(file, null, RedactionObserver.NONE)) {
      rules.attach(new RedactionMeters(registry));
      Files.writeString(file, "rules:\n  - {name: other, preset: no_such_preset}\n");
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      assertThat(rules.reloadIfChanged()).isFalse();

      assertThat(ruleTags()).containsExactly("cards");
      assertThat(registry.find("redaction.reload.failures").counter().count()).isEqualTo(1.0);
    }
  }
}
