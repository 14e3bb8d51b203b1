package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loghaul.config.ConfigException;
import org.junit.jupiter.api.Test;

class BatchMemoryTest {

  @Test
  void batchesMustFitHalfTheHeap() throws Exception {
    BatchMemory.checkFitsHeap(16L << 20, 256L << 20);
    assertThatThrownBy(() -> BatchMemory.checkFitsHeap(16L << 20, 128L << 20))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("batch.max-bytes: 16777216 (expected: at most 12373196 with this JVM's maximum heap"
            + " of 128 MiB")
        .extracting(e -> ((ConfigException) e).key()).isEqualTo("batch.max-bytes");
    // the limit it names is accepted
    BatchMemory.checkFitsHeap(12_373_196, 128L << 20);
    BatchMemory.checkFitsHeap(32L << 20, 1L << 30);
    assertThatThrownBy(() -> BatchMemory.checkFitsHeap(128L << 20, 1L << 30))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void poolBuffersStartAtOneBatchPlusARecordAndAtMost64MiB() {
    assertThat(BatchMemory.initialBufferBytes(16L << 20)).isEqualTo((16 << 20) + (1 << 20));
    assertThat(BatchMemory.initialBufferBytes(1L << 30)).isEqualTo(64 << 20);
    assertThat(BatchMemory.expectedRows(1_000)).isEqualTo(1_000);
    assertThat(BatchMemory.expectedRows(100_000)).isEqualTo(1 << 16);
  }
}
