package io.loghaul.dlqtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DlqOptionsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static DlqOptions parse(String... args) throws UsageException {
    return DlqOptions.parse(List.of(args), NOW);
  }

  @Test
  void separatesTheVerbsOptionsFromTheSettings() throws Exception {
    DlqOptions o =
        parse(
            "replay",
            "--type=field_overflow,record_too_large",
            "--kafka.bootstrap=k:9092",
            "--since=2h",
            "--until=2026-12-01T11:30:00Z",
            "--to=logs.retry",
            "--dry-run",
            "--max-records=50",
            "--max-replays=5",
            "--config=/etc/loghaul.properties",
            "--schema.max-message-bytes=262144");

    assertThat(o.verb()).isEqualTo(DlqOptions.Verb.REPLAY);
    assertThat(o.types()).containsExactlyInAnyOrder("field_overflow", "record_too_large");
    assertThat(o.sinceMillis()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z").toEpochMilli());
    assertThat(o.untilMillis()).isEqualTo(Instant.parse("2026-12-01T11:30:00Z").toEpochMilli());
    assertThat(o.to()).isEqualTo("logs.retry");
    assertThat(o.dryRun()).isTrue();
    assertThat(o.maxRecords()).isEqualTo(50);
    assertThat(o.maxReplays()).isEqualTo(5);
    assertThat(o.settings())
        .containsExactly(
            "--kafka.bootstrap=k:9092",
            "--config=/etc/loghaul.properties",
            "--schema.max-message-bytes=262144");
  }

  @Test
  void hasDefaults() throws Exception {
    DlqOptions replay = parse("replay");
    assertThat(replay.types()).isEmpty();
    assertThat(replay.selects("json_syntax")).isTrue();
    assertThat(replay.selects(null)).isTrue();
    assertThat(replay.dryRun()).isFalse();
    assertThat(replay.maxReplays()).isEqualTo(3);
    assertThat(replay.maxRecords()).isEqualTo(Long.MAX_VALUE);
    assertThat(replay.sinceMillis()).isNull();
    assertThat(replay.untilMillis()).isNull();
    assertThat(parse("show").limit()).isEqualTo(10);
    assertThat(parse("stats").json()).isFalse();
    assertThat(parse("stats", "--format=json").json()).isTrue();
  }

  @Test
  void aTypeFilterSelectsOnlyItsTypes() throws Exception {
    DlqOptions o = parse("show", "--type=json_syntax", "--limit=3");
    assertThat(o.selects("json_syntax")).isTrue();
    assertThat(o.selects("field_overflow")).isFalse();
    assertThat(o.selects(null)).isFalse();
    assertThat(o.limit()).isEqualTo(3);
  }

  @Test
  void rejectsWhatItCannotRun() {
    assertThatThrownBy(() -> parse()).hasMessageContaining("stats, show or replay");
    assertThatThrownBy(() -> parse("purge")).hasMessageContaining("unknown verb 'purge'");
    assertThatThrownBy(() -> parse("stats", "--type=json_syntax"))
        .hasMessageContaining("unknown option --type")
        .hasMessageContaining("--format");
    assertThatThrownBy(() -> parse("show", "--dry-run"))
        .hasMessageContaining("unknown option --dry-run");
    assertThatThrownBy(() -> parse("replay", "--type=json"))
        .hasMessageContaining("--type: 'json'")
        .hasMessageContaining("json_syntax");
    assertThatThrownBy(() -> parse("replay", "--max-replays=0"))
        .hasMessageContaining("--max-replays: '0'");
    assertThatThrownBy(() -> parse("replay", "--max-records=x"))
        .hasMessageContaining("--max-records: 'x'");
    assertThatThrownBy(() -> parse("show", "--limit"))
        .hasMessageContaining("--limit needs a value");
    assertThatThrownBy(() -> parse("stats", "--format=yaml")).hasMessageContaining("table or json");
    assertThatThrownBy(() -> parse("replay", "--dry-run=yes")).hasMessageContaining("no value");
    assertThatThrownBy(() -> parse("replay", "now"))
        .hasMessageContaining("unexpected argument 'now'");
    assertThatThrownBy(() -> parse("replay", "--since=1h", "--until=2h"))
        .hasMessageContaining("--since is after --until");
    assertThatThrownBy(() -> parse("replay", "--since=yesterday"))
        .hasMessageContaining("--since: 'yesterday'");
  }
}
