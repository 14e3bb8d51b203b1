package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CityHash128Test {

  /**
   * Vectors computed by clickhouse-server 18.16.1 itself: a compressed block with a zero checksum
   * and the given payload makes it reply "Checksum doesn't match ... Actual: <low><high>" (each
   * half as a big-endian hex number). The hashed bytes are the 9-byte block header {@code 0x82,
   * size (9 + n) LE, 1000 LE} followed by {@code n} bytes {@code (i * 31 + 7) & 0xFF}. The sizes
   * cover every branch: 8..15, 16, 17..31, under 128, exactly 128, and 128+ with tails.
   */
  @ParameterizedTest
  @CsvSource({
    "0, b52e3138183650644409cda2cfb0b3ad",
    "7, 075be3afc31a3b3c8347173ae844f2ea",
    "20, cce76de77acb81d75ed3914c6c3da164",
    "100, 7e6c3aba9898d3ce61ded3dee1e02e8d",
    "119, 9677d67b94f65250a25f0c6d76c65d69",
    "150, d954d8db87fd6508379b01093a211602",
    "300, 1b2d0fd65266fbf7948d0adeec062612",
  })
  void matchesTheChecksumsClickHouseComputes(int n, String expected) {
    byte[] block = new byte[3 + 9 + n]; // 3 bytes of padding check that the offset is honoured
    int off = 3;
    block[off] = (byte) 0x82;
    putIntLE(block, off + 1, 9 + n);
    putIntLE(block, off + 5, 1000);
    for (int i = 0; i < n; i++) {
      block[off + 9 + i] = (byte) (i * 31 + 7);
    }

    long[] out = new long[2];
    CityHash128.hash(block, off, 9 + n, out);

    assertThat(String.format("%016x%016x", out[0], out[1])).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0", "20", "300"})
  void writesLowThenHighLittleEndian(int n) {
    byte[] data = new byte[n];
    for (int i = 0; i < n; i++) {
      data[i] = (byte) i;
    }
    long[] halves = new long[2];
    CityHash128.hash(data, 0, n, halves);
    byte[] dst = new byte[18];

    CityHash128.hash(data, 0, n, dst, 2);

    for (int i = 0; i < 8; i++) {
      assertThat(dst[2 + i]).isEqualTo((byte) (halves[0] >>> (8 * i)));
      assertThat(dst[10 + i]).isEqualTo((byte) (halves[1] >>> (8 * i)));
    }
  }

  private static void putIntLE(byte[] b, int i, int v) {
    for (int k = 0; k < 4; k++) {
      b[i + k] = (byte) (v >>> (8 * k));
    }
  }
}
