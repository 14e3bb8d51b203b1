package io.loghaul.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UncommittedRowsTest {
  @Test
  void roundTripsThroughCommitMetadata() {
    UncommittedRows rows =
        new UncommittedRows(10, 20, 1_795_316_252_000_000_000L, 1_795_316_253_123_456_789L);
    assertThat(rows.toMetadata())
        .isEqualTo("loghaul/v1 uncommitted 10 20 1795316252000000000 1795316253123456789");
    assertThat(UncommittedRows.parse(rows.toMetadata())).isEqualTo(rows);
  }

  @Test
  void ignoresMetadataThatIsNotOursOrIsMalformed() {
    assertThat(UncommittedRows.parse(null)).isNull();
    assertThat(UncommittedRows.parse("")).isNull();
    assertThat(UncommittedRows.parse("written by another tool")).isNull();
    assertThat(UncommittedRows.parse("loghaul/v1 uncommitted 10 20 30")).isNull();
    assertThat(UncommittedRows.parse("loghaul/v1 uncommitted 20 10 0 1"))
        .as("last < first")
        .isNull();
    assertThat(UncommittedRows.parse("loghaul/v1 uncommitted 1 2 5 4")).as("max < min").isNull();
    assertThat(UncommittedRows.parse("loghaul/v1 uncommitted a b c d")).isNull();
  }
}
