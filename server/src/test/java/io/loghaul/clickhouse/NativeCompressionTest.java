package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NativeCompressionTest {

  @Test
  void roundTripsSmallInput() {
    byte[] raw =
        "hello, hello, hello, clickhouse".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    byte[] framed = compress(raw, 0, raw.length);

    assertThat(NativeCompression.decompress(framed, 0, framed.length)).isEqualTo(raw);
  }

  @Test
  void framesOneBlockWithChecksumMethodAndSizes() {
    byte[] raw = new byte[1000];
    Arrays.fill(raw, (byte) 'x');

    byte[] framed = compress(raw, 0, raw.length);

    assertThat(framed[16]).isEqualTo((byte) 0x82);
    int blockSize = intLE(framed, 17);
    assertThat(blockSize).isEqualTo(framed.length - 16);
    assertThat(intLE(framed, 21)).isEqualTo(1000);
    byte[] checksum = new byte[16];
    CityHash128.hash(framed, 16, blockSize, checksum, 0);
    assertThat(Arrays.copyOfRange(framed, 0, 16)).isEqualTo(checksum);
  }

  @Test
  void cutsLargeInputIntoBlocksOfOneMebibyte() {
    byte[] raw = new byte[(int) (2.5 * NativeCompression.MAX_BLOCK_BYTES) + 3];
    new Random(7).nextBytes(raw); // incompressible: the worst case for the output size

    byte[] framed = compress(raw, 0, raw.length);

    int blocks = 0;
    for (int pos = 0; pos < framed.length; pos += 16 + intLE(framed, pos + 17)) {
      assertThat(intLE(framed, pos + 21)).isLessThanOrEqualTo(NativeCompression.MAX_BLOCK_BYTES);
      blocks++;
    }
    assertThat(blocks).isEqualTo(3);
    assertThat(NativeCompression.decompress(framed, 0, framed.length)).isEqualTo(raw);
  }

  @Test
  void compressesOnlyTheGivenRange() {
    byte[] raw = "xxABCDEFGHyy".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    byte[] framed = compress(raw, 2, 8);

    assertThat(
            new String(
                NativeCompression.decompress(framed, 0, framed.length),
                java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("ABCDEFGH");
  }

  @Test
  void writesNothingForEmptyInput() {
    assertThat(compress(new byte[0], 0, 0)).isEmpty();
  }

  @Test
  void detectsACorruptedBlock() {
    byte[] raw = new byte[500];
    byte[] framed = compress(raw, 0, raw.length);
    framed[framed.length - 1] ^= 1;

    assertThatThrownBy(() -> NativeCompression.decompress(framed, 0, framed.length))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checksum");
  }

  private static byte[] compress(byte[] raw, int off, int len) {
    byte[] dst = new byte[NativeCompression.maxCompressedLength(len)];
    int n = NativeCompression.compress(raw, off, len, dst);
    return Arrays.copyOf(dst, n);
  }

  private static int intLE(byte[] b, int i) {
    return (b[i] & 0xFF)
        | (b[i + 1] & 0xFF) << 8
        | (b[i + 2] & 0xFF) << 16
        | (b[i + 3] & 0xFF) << 24;
  }
}
