package io.loghaul.bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LittleEndianTest {
  @Test
  void roundTripsLongsAndIntsAtEveryAlignment() {
    Random random = new Random(3);
    byte[] b = new byte[24];
    for (int i = 0; i < 1000; i++) {
      long v = random.nextLong();
      int at = random.nextInt(b.length - 7);
      LittleEndian.putLong(b, at, v);
      assertThat(LittleEndian.getLong(b, at)).isEqualTo(v);
      assertThat(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at)).isEqualTo(v);

      int x = random.nextInt();
      at = random.nextInt(b.length - 3);
      LittleEndian.putInt(b, at, x);
      assertThat(LittleEndian.getInt(b, at)).isEqualTo(x);
      assertThat(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at)).isEqualTo(x);
    }
  }

  @Test
  void theLowestByteComesFirst() {
    byte[] b = new byte[8];
    LittleEndian.putLong(b, 0, 0x0807_0605_0403_0201L);

    assertThat(b).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(
            LittleEndian.getInt(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, 0))
        .isEqualTo(-2);
  }

  @Test
  void refusesToReachPastTheArray() {
    assertThatThrownBy(() -> LittleEndian.getLong(new byte[10], 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> LittleEndian.putInt(new byte[4], 1, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
