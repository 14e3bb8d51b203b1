package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchMemoryTest {

  @Test
  void batchesMayTakeHalfTheHeap() {
    // two batches' buffers at twice what they hold, and a split's halves: five times (max-bytes +
    // 1 MiB slack) in half the heap
    assertThat(BatchMemory.largestMaxBytes(128L << 20)).isEqualTo(12_373_196);
    assertThat(BatchMemory.largestMaxBytes(1L << 30)).isEqualTo((1L << 30) / 10 - (1 << 20));
    assertThat(BatchMemory.largestMaxBytes(5L << 20)).isZero();
  }

  @Test
  void poolBuffersStartAtABatchPlusARecordAndAtMost32MiB() {
    assertThat(BatchMemory.initialBufferBytes(16L << 20)).isEqualTo((16 << 20) + (1 << 20));
    assertThat(BatchMemory.initialBufferBytes(48L << 20)).isEqualTo(32 << 20);
    assertThat(BatchMemory.initialBufferBytes(1L << 30)).isEqualTo(32 << 20);
    assertThat(BatchMemory.expectedRows(1_000)).isEqualTo(1_000);
    assertThat(BatchMemory.expectedRows(100_000)).isEqualTo(1 << 16);
  }
}
