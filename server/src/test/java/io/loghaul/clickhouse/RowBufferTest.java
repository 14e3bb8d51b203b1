package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RowBufferTest {

  @Test
  void writesLittleEndianIntegers() {
    RowBuffer b = new RowBuffer(1);

    b.writeUInt32LE(0xFFFFFFFFL);
    b.writeUInt64LE(-1L); // UInt64 max
    b.writeInt64LE(0x0102030405060708L);

    assertThat(hex(b)).isEqualTo("ffffffff" + "ffffffffffffffff" + "0807060504030201");
  }

  @Test
  void writesLeb128Varints() {
    RowBuffer b = new RowBuffer(1);

    b.writeVarUInt(0);
    b.writeVarUInt(127);
    b.writeVarUInt(128);
    b.writeVarUInt(300);
    b.writeVarUInt(-1L);

    assertThat(hex(b)).isEqualTo("00" + "7f" + "8001" + "ac02" + "ffffffffffffffffff01");
  }

  @Test
  void writesLengthPrefixedStrings() {
    RowBuffer b = new RowBuffer(4);
    byte[] s = "xabcx".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    b.writeString(s, 1, 3);
    b.writeString(s, 0, 0);

    assertThat(hex(b)).isEqualTo("03616263" + "00");
  }

  @Test
  void growsAndKeepsContent() {
    RowBuffer b = new RowBuffer(2);
    byte[] big = new byte[10_000];
    Arrays.fill(big, (byte) 7);

    b.writeByte(1);
    b.writeBytes(big, 0, big.length);

    assertThat(b.size()).isEqualTo(10_001);
    assertThat(b.array()[0]).isEqualTo((byte) 1);
    assertThat(b.array()[10_000]).isEqualTo((byte) 7);
  }

  @Test
  void truncatesAndResets() {
    RowBuffer b = new RowBuffer(16);
    b.writeInt64LE(1);
    b.writeInt64LE(2);

    b.truncate(8);
    assertThat(b.size()).isEqualTo(8);
    assertThatThrownBy(() -> b.truncate(9)).isInstanceOf(IndexOutOfBoundsException.class);

    b.reset();
    assertThat(b.size()).isZero();
  }

  @Test
  void rejectsANonPositiveInitialCapacity() {
    assertThatThrownBy(() -> new RowBuffer(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialCapacity: 0 (expected: > 0)");
  }

  private static String hex(RowBuffer b) {
    return HexFormat.of().formatHex(b.array(), 0, b.size());
  }
}
