package io.loghaul.embedded;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerTest {

  @Test
  void aBuildWithoutTheBrokerAsksForKafkaBootstrap(@TempDir Path dir) {
    assertThatThrownBy(
            () -> EmbeddedBroker.start("io.loghaul.embedded.kafka.Absent", dir, 9092, 9093))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("kafka.bootstrap is not set and this build has no embedded Kafka")
        .hasMessageContaining("--kafka.bootstrap=");
  }
}
