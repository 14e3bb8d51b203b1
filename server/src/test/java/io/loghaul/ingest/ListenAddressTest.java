package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListenAddressTest {
  @Test
  void showsTheConfiguredHostAndPortAndSaysWhenItIsEveryInterface() {
    assertThat(ListenAddress.describe("0.0.0.0", 4317)).isEqualTo("0.0.0.0:4317 (all interfaces)");
    assertThat(ListenAddress.describe("::", 4317)).isEqualTo("[::]:4317 (all interfaces)");
    assertThat(ListenAddress.describe("127.0.0.1", 4318)).isEqualTo("127.0.0.1:4318");
    assertThat(ListenAddress.describe("::1", 9464)).isEqualTo("[::1]:9464");
  }
}
