package io.loghaul.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus/loghaul-rules.yml is valid and behaves as its unit tests say, checked by the
 * real {@code promtool} (Debian's prometheus package; {@code ./loghaul test} installs it). A
 * missing promtool fails the test: skipping would hide broken alerts.
 */
class PrometheusRulesTest {
  static final Set<String> ALERTS =
      Set.of(
          "LoghaulParseErrorRateHigh",
          "LoghaulCommitLagHigh",
          "LoghaulDeadLetterProduceFailing",
          "LoghaulClickHouseInsertFailing",
          "LoghaulNotReady",
          "LoghaulDown");

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    Path rules = DeployFiles.path("prometheus/loghaul-rules.yml");
    assertThat(promtool(rules.getParent(), "check", "rules", rules.getFileName().toString()))
        .contains("SUCCESS: " + ALERTS.size() + " rules found");
  }

  @Test
  void ruleUnitTestsPass() throws Exception {
    Path tests = DeployFiles.path("prometheus/loghaul-rules.test.yml");
    assertThat(promtool(tests.getParent(), "test", "rules", tests.getFileName().toString()))
        .contains("SUCCESS");
  }

  @Test
  void everyAlertHasASeverityAndAnActionableDescription() throws Exception {
    String yaml = Files.readString(DeployFiles.path("prometheus/loghaul-rules.yml"));
    Set<String> found = new TreeSet<>();
    Matcher m = Pattern.compile("- alert: (\\w+)").matcher(yaml);
    while (m.find()) {
      found.add(m.group(1));
    }
    assertThat(found).containsExactlyInAnyOrderElementsOf(ALERTS);
    assertThat(count(yaml, "severity: ")).isEqualTo(ALERTS.size());
    assertThat(count(yaml, "description: ")).isEqualTo(ALERTS.size());
    assertThat(count(yaml, "summary: ")).isEqualTo(ALERTS.size());
  }

  @Test
  void everyRuleTestFileAlertIsCovered() throws Exception {
    String tests = Files.readString(DeployFiles.path("prometheus/loghaul-rules.test.yml"));
    for (String alert : ALERTS) {
      assertThat(tests).as(alert).contains("alertname: " + alert);
    }
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** Runs promtool in {@code dir}; fails on a non-zero exit with its output. */
  static String promtool(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(promtoolBinary());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    String text = new String(out, UTF_8);
    assertThat(p.exitValue())
        .as("promtool %s exit code; output:%n%s", String.join(" ", args), text)
        .isZero();
    return text;
  }

  static String promtoolBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "promtool"))) {
        return Path.of(dir, "promtool").toString();
      }
    }
    throw new AssertionError(
        "promtool not found on PATH: install Debian's prometheus package "
            + "(apt-get install prometheus), or run ./loghaul test, which does");
  }
}
