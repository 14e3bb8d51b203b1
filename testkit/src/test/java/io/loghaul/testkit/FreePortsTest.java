package io.loghaul.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void neverHandsOutTheSamePortTwice() throws Exception {
    // 500 picks from the ~28k ephemeral ports repeat one with near certainty (birthday bound)
    // unless repeats are refused
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ports.add(FreePorts.freePort());
    }

    assertThat(ports).doesNotHaveDuplicates().allMatch(p -> p > 0 && p < 65536);
    try (ServerSocket s = new ServerSocket(ports.get(499), 1, InetAddress.getLoopbackAddress())) {
      assertThat(s.getLocalPort()).isEqualTo(ports.get(499));
    }
  }
}
