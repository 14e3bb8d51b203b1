package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerProfileTest {

  @ParameterizedTest
  @CsvSource({
    "18.16.1, LEGACY",
    "19.17.4.11, LEGACY",
    "21.8.15.7, LEGACY",
    "22.3.20.29, LEGACY",
    "22.7.1.1, LEGACY",
    "22.8.1.1, MODERN",
    "22.10.2.11, MODERN",
    "23.1.1, MODERN",
    "24.3.2.23, MODERN",
    "'25.9.4.58 ', MODERN",
    "' 24.8 ', MODERN",
  })
  void picksTheProfileByMajorAndMinor(String version, ServerProfile expected) {
    assertThat(ServerProfile.forVersion(version)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "24", "24.", ".8", "x.8.1", "99999999999.1"})
  void rejectsTextThatIsNoVersion(String version) {
    assertThatThrownBy(() -> ServerProfile.forVersion(version))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: major.minor");
  }
}
