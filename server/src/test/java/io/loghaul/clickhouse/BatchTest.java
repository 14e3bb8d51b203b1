package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchTest {
  private static final byte[] TOPIC = "logs".getBytes(StandardCharsets.UTF_8);

  @Test
  void holdsRowsCompressedAndCutsAnyRangeOfRowsBackOutOfTheBlocks() throws Exception {
    BatchPool pool =
        BatchMemory.pool(new RowBinaryEncoder(ServerProfile.LEGACY), 100_000, 48L << 20, false);
    Batch batch = CompressedBatchIT.fill(pool, 9_000, Set.of());
    // the same rows, encoded the plain way, and where each one starts
    RowBinaryEncoder encoder = new RowBinaryEncoder(ServerProfile.LEGACY);
    RowBuffer plain = new RowBuffer();
    int[] starts = new int[9_001];
    for (int i = 0; i < 9_000; i++) {
      starts[i] = plain.size();
      encoder.encode(CompressedBatchIT.entry(CompressedBatchIT.message(i)), TOPIC, 0, i, plain);
    }
    starts[9_000] = plain.size();
    assertThat(batch.rawBytes()).isEqualTo(plain.size()).isGreaterThan(3L * Batch.BLOCK_BYTES);

    batch.seal();

    // byte for byte what compressing the blocks one after the other on this thread gives
    byte[] sequential = new byte[NativeCompression.maxCompressedLength(plain.size()) * 2];
    int length = 0;
    int blockStart = 0;
    for (int i = 1; i <= 9_000; i++) {
      if (starts[i] - blockStart >= Batch.BLOCK_BYTES || i == 9_000) {
        length +=
            NativeCompression.compress(
                plain.array(), blockStart, starts[i] - blockStart, sequential, length);
        blockStart = starts[i];
      }
    }
    Batch.Body whole = batch.body(0, 9_000);
    assertThat(Arrays.copyOfRange(whole.array(), whole.offset(), whole.offset() + whole.length()))
        .isEqualTo(Arrays.copyOf(sequential, length));

    Random random = new Random(7);
    int[][] ranges = new int[40][];
    ranges[0] = new int[] {0, 9_000};
    ranges[1] = new int[] {0, 1};
    ranges[2] = new int[] {8_999, 9_000};
    ranges[3] = new int[] {0, 4_500};
    ranges[4] = new int[] {4_500, 9_000};
    for (int i = 5; i < ranges.length; i++) {
      int a = random.nextInt(9_000);
      int b = a + 1 + random.nextInt(i % 2 == 0 ? 9_000 - a : Math.min(50, 9_000 - a));
      ranges[i] = new int[] {a, b};
    }
    for (int[] r : ranges) {
      Batch.Body body = batch.body(r[0], r[1]);
      byte[] rows = NativeCompression.decompress(body.array(), body.offset(), body.length());
      assertThat(rows)
          .as("rows %d..%d", r[0], r[1])
          .isEqualTo(Arrays.copyOfRange(plain.array(), starts[r[0]], starts[r[1]]));
      assertThat(body.rawBytes()).isEqualTo(starts[r[1]] - starts[r[0]]);
    }
    assertThatThrownBy(() -> batch.body(3, 3)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void holdsLogLikeRowsInAFractionOfTheirSize() throws Exception {
    BatchPool pool =
        BatchMemory.pool(new RowBinaryEncoder(ServerProfile.LEGACY), 100_000, 48L << 20, false);
    Batch batch = pool.open(0);
    for (int i = 0; i < 20_000; i++) {
      String m = "GET /api/v1/orders/" + i + " 200 " + "ok ".repeat(100);
      batch.add(CompressedBatchIT.entry(m), CompressedBatchIT.source(i, m));
    }
    assertThat(batch.rawBytes()).isGreaterThan(5L * Batch.BLOCK_BYTES);
    batch.seal(); // no raw blocks waiting for the compressor any more
    // the rows compressed, and 16 bytes per row saying where it came from: a tenth of the rows
    assertThat((long) batch.byteSize()).isLessThan(batch.rawBytes() / 10);
    assertThat((long) batch.byteSize()).isGreaterThan(20_000L * RowOrigins.BYTES_PER_ROW);
    assertThat(batch.overfull()).isFalse();
  }

  @Test
  void refusesToCutRowsBeforeItIsSealed() throws Exception {
    BatchPool pool =
        BatchMemory.pool(new RowBinaryEncoder(ServerProfile.LEGACY), 100_000, 48L << 20, false);
    Batch batch = CompressedBatchIT.fill(pool, 3, Set.of());
    assertThatThrownBy(() -> batch.body(0, 3)).isInstanceOf(IllegalStateException.class);
    batch.seal();
    Batch.Body body = batch.body(0, 3);
    assertThat(NativeCompression.decompress(body.array(), body.offset(), body.length()))
        .hasSize((int) batch.rawBytes());
  }

  @Test
  void aRecycledBatchStartsEmpty() throws Exception {
    BatchPool pool =
        BatchMemory.pool(new RowBinaryEncoder(ServerProfile.LEGACY), 100_000, 48L << 20, false);
    Batch first = CompressedBatchIT.fill(pool, 5_000, Set.of());
    pool.recycle(first);
    Batch second = CompressedBatchIT.fill(pool, 2, Set.of(1));
    assertThat(second.rowCount()).isEqualTo(2);
    second.seal();
    Batch.Body body = second.body(1, 2);
    assertThat(
            new String(
                NativeCompression.decompress(body.array(), body.offset(), body.length()),
                StandardCharsets.UTF_8))
        .contains("poison m-1 ");
  }
}
