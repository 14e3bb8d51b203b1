package io.loghaul.redaction;

import static io.loghaul.redaction.RedactionTesting.entry;
import static io.loghaul.redaction.RedactionTesting.record;
import static io.loghaul.redaction.RedactionTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.schema.LogEntry;
import io.loghaul.schema.SchemaLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload: checked by calling {@link RedactionRules#reloadIfChanged()} directly, no timing involved.
 */
class RedactionRulesTest {
  @TempDir Path dir;

  private final RedactionTesting.CountingObserver observer =
      new RedactionTesting.CountingObserver();

  private static void touch(Path f, long plusSeconds) throws Exception {
    Files.setLastModifiedTime(
        f, FileTime.fromMillis(System.currentTimeMillis() + plusSeconds * 1000));
  }

  @Test
  void swapsInAGoodNewFileAtTheNextRecord() throws Exception {
    Path f = write(dir, "r.yaml", "rules:\n  - {name: mails, preset: email}\n");
    RedactionRules rules = RedactionRules.load(f, null, observer);
    Redactor r = new Redactor(rules, SchemaLimits.defaults());
    LogEntry before = entry(record("a@b.io 10.0.0.1", null));
    r.redact(before);
    assertThat(before.message()).isEqualTo("**** 10.0.0.1");

    assertThat(rules.reloadIfChanged()).as("unchanged file").isFalse();
    write(dir, "r.yaml", "rules:\n  - {name: ips, preset: ipv4, replacement: IP}\n");
    touch(f, 5);
    assertThat(rules.reloadIfChanged()).isTrue();
    assertThat(rules.ruleNames()).containsExactly("ips");

    LogEntry after = entry(record("a@b.io 10.0.0.1", null));
    r.redact(after);
    assertThat(after.message()).isEqualTo("a@b.io IP");
    assertThat(observer.count("ips")).isEqualTo(1);
    assertThat(observer.reloadFailures).hasValue(0);
  }

  @Test
  void keepsTheOldRulesWhenTheNewFileIsBadAndCountsTheFailure() throws Exception {
    Path f = write(dir, "r.yaml", "rules:\n  - {name: mails, preset: email}\n");
    RedactionRules rules = RedactionRules.load(f, null, observer);
    Redactor r = new Redactor(rules, SchemaLimits.defaults());

    write(dir, "r.yaml", "rules:\n  - {name: mails, preset: emial}\n");
    touch(f, 5);
    assertThat(rules.reloadIfChanged()).isFalse();
    assertThat(observer.reloadFailures).hasValue(1);
    assertThat(rules.reloadIfChanged()).as("the same bad file is not counted again").isFalse();
    assertThat(observer.reloadFailures).hasValue(1);

    LogEntry e = entry(record("a@b.io", null));
    r.redact(e);
    assertThat(e.message()).isEqualTo("****");

    // a removed file is a failure too, counted once; the rules stay
    Files.delete(f);
    assertThat(rules.reloadIfChanged()).isFalse();
    assertThat(rules.reloadIfChanged()).isFalse();
    assertThat(observer.reloadFailures).hasValue(2);
    assertThat(rules.ruleNames()).containsExactly("mails");

    // fixed again: swapped in
    write(dir, "r.yaml", "rules:\n  - {name: ips, preset: ipv4}\n");
    touch(f, 10);
    assertThat(rules.reloadIfChanged()).isTrue();
    assertThat(rules.ruleNames()).containsExactly("ips");
  }

  @Test
  void attachingTheMetricsLaterCountsFromThenOn() throws Exception {
    Path f = write(dir, "r.yaml", "rules:\n  - {name: mails, preset: email}\n");
    RedactionRules rules = RedactionRules.load(f, null, RedactionObserver.NONE);
    Redactor r = new Redactor(rules, SchemaLimits.defaults());
    rules.attach(observer);
    r.redact(entry(record("a@b.io", null)));
    assertThat(observer.count("mails")).isEqualTo(1);
  }
}
