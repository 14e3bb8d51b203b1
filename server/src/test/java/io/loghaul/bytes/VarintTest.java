package io.loghaul.bytes;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VarintTest {
  private static final long[] EDGES = {
    0,
    1,
    127,
    128,
    16_383,
    16_384,
    (1L << 21) - 1,
    1L << 21,
    (1L << 28) - 1,
    1L << 28,
    1L << 35,
    1L << 42,
    1L << 49,
    (1L << 56) - 1,
    1L << 56,
    1L << 63 - 1,
    Long.MAX_VALUE,
    -1,
    Long.MIN_VALUE
  };

  @Test
  void roundTripsValuesOfEveryLengthAsProtobufJavaWritesThem() throws IOException {
    for (long v : EDGES) {
      byte[] out = new byte[Varint.MAX_BYTES + 2];
      int end = Varint.put(out, 1, v);

      assertThat(end - 1)
          .as("size of %d", v)
          .isEqualTo(Varint.size(v))
          .isEqualTo(CodedOutputStream.computeUInt64SizeNoTag(v));
      assertThat(Varint.checkedEnd(out, 1, end)).isEqualTo(end);
      assertThat(Varint.end(out, 1)).isEqualTo(end);
      assertThat(Varint.value(out, 1)).isEqualTo(v);
      assertThat(CodedInputStream.newInstance(out, 1, end - 1).readRawVarint64()).isEqualTo(v);
    }
  }

  @Test
  void negativeValuesTakeTenBytes() {
    assertThat(Varint.size(-1)).isEqualTo(10);
    assertThat(Varint.size(Long.MIN_VALUE)).isEqualTo(10);
  }

  @Test
  void readsNonMinimalEncodings() {
    byte[] zero = HexFormat.of().parseHex("8080808000");

    assertThat(Varint.checkedEnd(zero, 0, zero.length)).isEqualTo(5);
    assertThat(Varint.value(zero, 0)).isZero();
  }

  @Test
  void dropsTheBitsOfTheTenthByteBeyond64() throws IOException {
    byte[] b = HexFormat.of().parseHex("ffffffffffffffffff7f");

    assertThat(Varint.checkedEnd(b, 0, b.length)).isEqualTo(10);
    assertThat(Varint.value(b, 0))
        .isEqualTo(-1L)
        .isEqualTo(CodedInputStream.newInstance(b).readRawVarint64());
  }

  @Test
  void takesBit63FromBit0OfTheTenthByteLikeProtobufJavasSlowPath() throws IOException {
    byte[] b = HexFormat.of().parseHex("80808080808080808000");

    assertThat(Varint.value(b, 0)).isZero();
    // through a buffer too small for its fast path, protobuf-java reads it the same way
    assertThat(
            CodedInputStream.newInstance(new java.io.ByteArrayInputStream(b), 1).readRawVarint64())
        .isZero();
  }

  @Test
  void rejectsVarintsLongerThanTenBytes() {
    byte[] b = HexFormat.of().parseHex("ffffffffffffffffffff01");

    assertThat(Varint.checkedEnd(b, 0, b.length)).isEqualTo(Varint.TOO_LONG);
  }

  @Test
  void reportsVarintsCutByTheLimit() {
    byte[] b = HexFormat.of().parseHex("ff7f");

    assertThat(Varint.checkedEnd(b, 0, 1)).isEqualTo(Varint.TRUNCATED);
    assertThat(Varint.checkedEnd(b, 0, 0)).isEqualTo(Varint.TRUNCATED);
    assertThat(Varint.checkedEnd(b, 0, 2)).isEqualTo(2);
  }

  @Test
  void agreesWithProtobufJavaOnRandomBytes() {
    Random random = new Random(5);
    for (int i = 0; i < 50_000; i++) {
      byte[] b = new byte[random.nextInt(13)];
      for (int j = 0; j < b.length; j++) {
        b[j] = (byte) (random.nextInt(4) == 0 ? random.nextInt(128) : 128 + random.nextInt(128));
      }
      int end = Varint.checkedEnd(b, 0, b.length);
      CodedInputStream in = CodedInputStream.newInstance(b);
      try {
        long expected = in.readRawVarint64();
        assertThat(end).as(HexFormat.of().formatHex(b)).isEqualTo(in.getTotalBytesRead());
        // protobuf-java's fast path (10+ bytes left) ignores the value of a 10th byte and sets bit
        // 63; its slow path, and loghaul, take bit 0 of that byte: they differ only when it is even
        if (end < 10 || (b[9] & 1) == 1) {
          assertThat(Varint.value(b, 0)).as(HexFormat.of().formatHex(b)).isEqualTo(expected);
        }
      } catch (IOException e) {
        assertThat(end).as(HexFormat.of().formatHex(b)).isNegative();
        assertThat(end)
            .isEqualTo(e.getMessage().contains("malformed") ? Varint.TOO_LONG : Varint.TRUNCATED);
      }
    }
  }
}
