package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchMemoryTest {

  @Test
  void batchesMayTakeHalfTheHeap() {
    // five buffers of (max-bytes + 1 MiB slack) in half the heap
    assertThat(BatchMemory.largestMaxBytes(128L << 20)).isEqualTo(12_373_196);
    assertThat(BatchMemory.largestMaxBytes(1L << 30)).isEqualTo((1L << 30) / 10 - (1 << 20));
    assertThat(BatchMemory.largestMaxBytes(5L << 20)).isZero();
  }

  @Test
  void poolBuffersStartAtOneBatchPlusARecordAndAtMost64MiB() {
    assertThat(BatchMemory.initialBufferBytes(16L << 20)).isEqualTo((16 << 20) + (1 << 20));
    assertThat(BatchMemory.initialBufferBytes(1L << 30)).isEqualTo(64 << 20);
    assertThat(BatchMemory.expectedRows(1_000)).isEqualTo(1_000);
    assertThat(BatchMemory.expectedRows(100_000)).isEqualTo(1 << 16);
  }
}
