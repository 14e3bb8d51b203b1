package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenerOptionsTest {

  @Test
  void plainOptionsHaveNeitherTlsNorTokens() {
    ListenerOptions options =
        ListenerOptions.plain("127.0.0.1", 4318, 1 << 20, ListenerLimits.DEFAULTS);

    assertThat(options.tls()).isNull();
    assertThat(options.tokens()).isNull();
    assertThat(options.port()).isEqualTo(4318);
  }

  @Test
  void aPortOutsideTheTcpRangeIsRefusedWithTheRange() {
    assertThatThrownBy(() -> ListenerOptions.plain("127.0.0.1", 65536, 1, ListenerLimits.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..65535");
    assertThatThrownBy(() -> ListenerOptions.plain("127.0.0.1", -1, 1, ListenerLimits.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRequestLimitMustBePositive() {
    assertThatThrownBy(() -> ListenerOptions.plain("127.0.0.1", 0, 0, ListenerLimits.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxRequestBytes: 0");
  }

  @Test
  void hostAndLimitsAreRequired() {
    assertThatThrownBy(() -> ListenerOptions.plain(null, 0, 1, ListenerLimits.DEFAULTS))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("host");
    assertThatThrownBy(() -> ListenerOptions.plain("127.0.0.1", 0, 1, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("limits");
  }
}
