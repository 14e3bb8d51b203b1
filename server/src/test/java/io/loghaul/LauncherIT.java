package io.loghaul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loghaul.embedded.TransparentHugePages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./loghaul} launcher as a user runs it: usage, verbs, and startup errors naming the
 * key.
 */
class LauncherIT {
  private record Result(int exit, String output) {}

  private static Result launch(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return launchIn(Path.of("").toAbsolutePath(), env, args);
  }

  /** Runs the launcher from {@code dir}, as a user in another directory would. */
  private static Result launchIn(Path dir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("loghaul").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("LOGHAUL_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void withoutArgumentsPrintsUsageNamingRunAndTest() throws Exception {
    Result r = launch(Map.of());
    assertThat(r.exit()).isZero();
    assertThat(r.output()).contains("usage").contains("run").contains("test");
  }

  @Test
  void runsTheDlqVerbsAndExplainsThem() throws Exception {
    assertThat(launch(Map.of()).output()).contains("dlq replay");
    Result help = launch(Map.of(), "dlq", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.output())
        .contains("stats", "show", "replay", "--dry-run", "--max-replays", ".dlq-replay");
    Result bad = launch(Map.of(), "dlq", "replay", "--since=yesterday");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.output()).contains("--since: 'yesterday'").doesNotContain("Exception");
  }

  @Test
  void anUnknownVerbIsAUsageError() throws Exception {
    Result r = launch(Map.of(), "frobnicate");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output()).contains("frobnicate");
  }

  @Test
  void aMalformedValueStopsStartupWithAMessageNamingTheKey() throws Exception {
    Result r = launch(Map.of(), "run", "--batch.max-rows=-1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output()).contains("batch.max-rows: -1 (expected: > 0)");
  }

  @Test
  void anAotCacheIsWrittenByOneRunAndUsedByTheNext(@TempDir Path dir) throws Exception {
    assumeTrue(Runtime.version().feature() >= 25, "the AOT cache options need a JDK >= 25");
    Path cache = dir.resolve("loghaul.aot");
    // a run that stops (here: on a configuration error) trains the cache on its way out
    Result training =
        launch(Map.of("LOGHAUL_AOT_CACHE", cache.toString()), "run", "--batch.max-rows=-1");
    assertThat(training.exit()).isEqualTo(2);
    assertThat(training.output()).contains("batch.max-rows: -1 (expected: > 0)");
    assertThat(cache).isNotEmptyFile();
    // AOTMode=on: the JVM refuses to start unless it can use the cache
    Result using =
        launch(
            Map.of("LOGHAUL_AOT_CACHE", cache.toString(), "LOGHAUL_JAVA_OPTS", "-XX:AOTMode=on"),
            "run",
            "--batch.max-rows=-1");
    assertThat(using.exit()).isEqualTo(2);
    assertThat(using.output()).contains("batch.max-rows: -1 (expected: > 0)");
  }

  /**
   * The redaction prefilter's vector blocks need jdk.incubator.vector, which the JVM announces with
   * a warning: the launcher adds it only when a rules file is configured.
   */
  @Test
  void aRulesFileGivesTheJvmTheVectorApi(@TempDir Path dir) throws Exception {
    Path rules = Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    Result with = launch(Map.of(), "run", "--redaction.rules-file=" + rules, "--batch.max-rows=-1");
    assertThat(with.exit()).isEqualTo(2);
    assertThat(with.output()).contains("Using incubator modules: jdk.incubator.vector");
    Result fromEnvironment =
        launch(
            Map.of("LOGHAUL_REDACTION_RULES_FILE", rules.toString()), "run", "--batch.max-rows=-1");
    assertThat(fromEnvironment.output()).contains("Using incubator modules: jdk.incubator.vector");
    Result without = launch(Map.of(), "run", "--batch.max-rows=-1");
    assertThat(without.exit()).isEqualTo(2);
    assertThat(without.output()).doesNotContain("incubator");
  }

  /** A relative path in a setting is the caller's, although the launcher runs from its own. */
  @Test
  void aRelativeFileSettingIsTheCallersPath(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), "rules:\n  - {name: a, preset: emial}\n");
    Result flag =
        launchIn(dir, Map.of(), "run", "--redaction.rules-file=rules.yaml", "--batch.max-rows=5");
    assertThat(flag.exit()).isEqualTo(2);
    assertThat(flag.output()).contains(dir.resolve("rules.yaml") + ":2: unknown preset 'emial'");
    Result env =
        launchIn(
            dir, Map.of("LOGHAUL_REDACTION_RULES_FILE", "rules.yaml"), "run", "--batch.max-rows=5");
    assertThat(env.exit()).isEqualTo(2);
    assertThat(env.output()).contains(dir.resolve("rules.yaml") + ":2: unknown preset 'emial'");
  }

  @Test
  void batchesTooLargeForTheHeapStopStartupNamingTheKey() throws Exception {
    Result r = launch(Map.of("LOGHAUL_JAVA_OPTS", "-Xmx128m"), "run", "--batch.max-bytes=67108864");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output())
        .contains("batch.max-bytes: 67108864 (expected: at most")
        .contains("-Xmx")
        .doesNotContain("Exception");
  }

  @Test
  void runBacksTheHeapWithTransparentHugePagesWhereTheKernelOffersThem() throws Exception {
    boolean offered = TransparentHugePages.offered();
    // an unknown key stops the server right after the JVM has printed its page sizes
    Result r =
        launch(Map.of("LOGHAUL_JAVA_OPTS", "-Xlog:pagesize=info:stdout"), "run", "--batch.x=1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output())
        .contains("UseTransparentHugePages=" + (offered ? 1 : 0))
        .doesNotContain("[warning][pagesize]");
  }

  @Test
  void anUnknownKeyStopsStartupNamingIt() throws Exception {
    Result r = launch(Map.of(), "run", "--batch.max-rowz=5");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output()).contains("batch.max-rowz");
  }

  @Test
  void aBadEnvironmentValueNamesTheKey() throws Exception {
    Result r = launch(Map.of("LOGHAUL_ADMIN_PORT", "seventy"), "run");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output()).contains("admin.port").doesNotContain("Exception");
  }

  @Test
  void runHelpListsEverySettingWithItsDefault() throws Exception {
    Result r = launch(Map.of(), "run", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.output())
        .contains(
            "kafka.bootstrap",
            "clickhouse.url",
            "batch.max-rows",
            "100000",
            "schema.max-record-bytes",
            "otlp.grpc.port",
            "admin.port");
  }
}
