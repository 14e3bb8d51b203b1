package io.loghaul.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Key families and secrets through the generic machinery, on a small table of its own: the
 * production table has no family yet ({@code kafka.client.<property>} and {@code
 * clickhouse.settings.<name>} will be the first).
 */
class KeyFamilyTest {
  private static final Key<String> NAME =
      Key.of("app.name", "loghaul", Parsers.NON_EMPTY, "a plain key", c -> "loghaul");
  private static final Key<String> TOKEN =
      Key.of("app.token", "t0", Parsers.NON_EMPTY, "a secret key", c -> null).asSecret();
  private static final KeyFamily<String> CLIENT =
      new KeyFamily<>(
          "app.client.",
          Parsers.ANY,
          "passed through to the client",
          '.',
          name -> name.contains("password"),
          c -> Map.of("sasl.password", "hunter2", "linger.ms", "5"));
  private static final KeyFamily<String> SETTINGS =
      new KeyFamily<>(
          "app.settings.",
          Parsers.IDENTIFIER,
          "sent with every insert",
          '_',
          name -> false,
          c -> Map.of());
  private static final KeyTable TABLE =
      new KeyTable(List.of(NAME, TOKEN), List.of(CLIENT, SETTINGS));

  private static Values load(List<String> args, Map<String, String> env) throws ConfigException {
    return ConfigSources.load(TABLE, args, env);
  }

  @Test
  void acceptsAnyMemberOfAFamilyFromEverySourceWithTheUsualPrecedence() throws Exception {
    Values v =
        load(
            List.of("--app.client.linger.ms=10", "--app.settings.insert_quorum=two"),
            Map.of(
                "LOGHAUL_APP_CLIENT_LINGER_MS",
                "20",
                "LOGHAUL_APP_CLIENT_SASL_JAAS_CONFIG",
                "x required;",
                "LOGHAUL_APP_SETTINGS_MAX_INSERT_THREADS",
                "four"));

    assertThat(v.get(CLIENT))
        .containsExactly(entry("linger.ms", "10"), entry("sasl.jaas.config", "x required;"));
    assertThat(v.get(SETTINGS))
        .containsExactly(entry("insert_quorum", "two"), entry("max_insert_threads", "four"));
    assertThat(v.get(NAME)).isEqualTo("loghaul");
  }

  @Test
  void parsesMembersWithTheFamilysParserNamingTheFullKey() {
    assertThatThrownBy(() -> load(List.of("--app.settings.quorum=1x"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "app.settings.quorum: 1x (expected: an identifier matching "
                + "[A-Za-z_][A-Za-z0-9_]*)")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("app.settings.quorum");
  }

  @Test
  void theBarePrefixIsNotAKey() {
    assertThatThrownBy(() -> load(List.of("--app.client.=1"), Map.of()))
        .hasMessageStartingWith("app.client.: unknown key on the command line");
  }

  @Test
  void neverEchoesASecretThatFailsToParse() {
    assertThatThrownBy(() -> load(List.of("--app.token="), Map.of()))
        .hasMessage("app.token: (not shown) (expected: a non-empty string)");
  }

  @Test
  void keepsSecretsUntrimmedAndOthersTrimmed() throws Exception {
    Values v =
        load(
            List.of("--app.token= t ", "--app.client.sasl.password= p ", "--app.client.acks= all "),
            Map.of());

    assertThat(v.get(TOKEN)).isEqualTo(" t ");
    assertThat(v.get(CLIENT)).containsEntry("sasl.password", " p ").containsEntry("acks", "all");
  }

  @Test
  void showsSecretMembersAsStarsInTheEffectiveConfig() throws Exception {
    LoghaulConfig any = ConfigLoader.load(List.of(), Map.of());

    assertThat(EffectiveConfig.of(TABLE, any))
        .containsExactly(
            entry("app.name", "loghaul"), entry("app.token", "(unset)"),
            entry("app.client.linger.ms", "5"), entry("app.client.sasl.password", "***"));
  }

  @Test
  void listsFamiliesInTheHelp() {
    assertThat(ConfigHelp.describe(TABLE))
        .containsPattern("(?m)^app\\.client\\.<name> +\\(none\\) +passed through to the client$");
  }

  @Test
  void refusesAKeyInsideAFamily() {
    Key<String> inside = Key.of("app.client.id", "x", Parsers.ANY, "clash", c -> "x");
    assertThatThrownBy(() -> new KeyTable(List.of(inside), List.of(CLIENT)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
