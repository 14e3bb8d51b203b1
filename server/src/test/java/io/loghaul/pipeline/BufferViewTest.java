package io.loghaul.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BufferViewTest {
  private final BufferView view = new BufferView();

  private byte[] viewed() {
    return Arrays.copyOfRange(view.array(), view.offset(), view.offset() + view.length());
  }

  @Test
  void viewsAHeapBufferInPlaceAtItsArrayOffsetAndPosition() {
    byte[] array = {9, 9, 9, 1, 2, 3, 9};
    ByteBuffer b = ByteBuffer.wrap(array, 1, 6).slice().position(2).limit(5);

    assertThat(view.of(b)).isTrue();

    assertThat(view.array()).isSameAs(array);
    assertThat(view.offset()).isEqualTo(3);
    assertThat(view.length()).isEqualTo(3);
    assertThat(viewed()).containsExactly(1, 2, 3);
    assertThat(b.position()).isEqualTo(2);
    assertThat(b.limit()).isEqualTo(5);
  }

  @Test
  void copiesADirectOrReadOnlyBufferAndLeavesItAsItWas() {
    ByteBuffer direct = ByteBuffer.allocateDirect(6).put(new byte[] {9, 1, 2, 3, 4, 9}).flip();
    direct.position(1).limit(5);
    assertThat(view.of(direct)).isTrue();
    assertThat(viewed()).containsExactly(1, 2, 3, 4);
    assertThat(direct.position()).isEqualTo(1);
    assertThat(direct.limit()).isEqualTo(5);

    // a larger one next: the scratch array grows; a smaller one reuses it
    byte[] big = new byte[100];
    Arrays.fill(big, (byte) 7);
    ByteBuffer readOnly = ByteBuffer.wrap(big).asReadOnlyBuffer();
    assertThat(view.of(readOnly)).isTrue();
    assertThat(view.array()).isNotSameAs(big);
    assertThat(viewed()).isEqualTo(big);
    assertThat(readOnly.position()).isZero();

    byte[] scratch = view.array();
    assertThat(view.of(ByteBuffer.wrap(new byte[] {5, 6}).asReadOnlyBuffer())).isTrue();
    assertThat(view.array()).isSameAs(scratch);
    assertThat(viewed()).containsExactly(5, 6);
  }

  @Test
  void nullIsNoBytes() {
    assertThat(view.of(null)).isFalse();
    assertThat(view.array()).isNull();
    assertThat(view.length()).isZero();
    assertThat(BufferView.copyOf(null)).isNull();
  }

  @Test
  void copyOfOwnsItsBytes() {
    byte[] array = {9, 1, 2, 9};
    ByteBuffer b = ByteBuffer.wrap(array, 1, 2);
    byte[] copy = BufferView.copyOf(b);
    Arrays.fill(array, (byte) 0);
    assertThat(copy).containsExactly(1, 2);
    assertThat(b.position()).isEqualTo(1);
    assertThat(BufferView.copyOf(ByteBuffer.allocateDirect(3).put(new byte[] {4, 5, 6}).flip()))
        .containsExactly(4, 5, 6);
  }
}
