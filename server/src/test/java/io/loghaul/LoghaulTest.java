package io.loghaul;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loghaul.config.ConfigException;
import org.junit.jupiter.api.Test;

class LoghaulTest {

  @Test
  void batchesThatDoNotFitTheHeapAreAConfigErrorNamingTheKeyAndTheLimit() throws Exception {
    Loghaul.checkBatchesFitHeap(16L << 20, 256L << 20);
    assertThatThrownBy(() -> Loghaul.checkBatchesFitHeap(16L << 20, 128L << 20))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "batch.max-bytes: 16777216 (expected: at most 12373196 with this JVM's maximum heap"
                + " of 128 MiB")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("batch.max-bytes");
    // the limit it names is accepted
    Loghaul.checkBatchesFitHeap(12_373_196, 128L << 20);
    Loghaul.checkBatchesFitHeap(32L << 20, 1L << 30);
    assertThatThrownBy(() -> Loghaul.checkBatchesFitHeap(128L << 20, 1L << 30))
        .isInstanceOf(ConfigException.class);
  }
}
