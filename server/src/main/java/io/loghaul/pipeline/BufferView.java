package io.loghaul.pipeline;

import java.nio.ByteBuffer;

/**
 * A {@link ByteBuffer}'s remaining bytes as {@code array()[offset(), offset() + length())}, for
 * code that reads byte arrays: a heap buffer is viewed in place, with no copy; any other buffer (a
 * direct buffer, or a read-only one, whose array is not accessible) is copied into a scratch array
 * this view owns and reuses. Neither way changes the buffer's position or limit.
 *
 * <p>The view is valid until the next {@link #of} (the scratch array is overwritten) and only as
 * long as the buffer's own bytes are: it holds a reference to a heap buffer's array, so whoever
 * keeps bytes beyond that copies them out. Not thread-safe; one instance per thread and use.
 */
final class BufferView {
  private byte[] scratch = new byte[0];
  private byte[] array;
  private int offset;
  private int length;

  /**
   * Views {@code buffer}'s remaining bytes; false (and an empty view) when {@code buffer} is null.
   */
  boolean of(ByteBuffer buffer) {
    if (buffer == null) {
      array = null;
      offset = 0;
      length = 0;
      return false;
    }
    length = buffer.remaining();
    if (buffer.hasArray()) {
      array = buffer.array();
      offset = buffer.arrayOffset() + buffer.position();
      return true;
    }
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, Math.min(Integer.MAX_VALUE - 8, scratch.length * 2))];
    }
    buffer.get(buffer.position(), scratch, 0, length);
    array = scratch;
    offset = 0;
    return true;
  }

  /** The array holding the bytes; null after {@link #of} returned false. */
  byte[] array() {
    return array;
  }

  /** Where the bytes start in {@link #array()}. */
  int offset() {
    return offset;
  }

  /** How many bytes there are. */
  int length() {
    return length;
  }

  /** A new array holding a copy of {@code buffer}'s remaining bytes, or null for null. */
  static byte[] copyOf(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    byte[] out = new byte[buffer.remaining()];
    buffer.get(buffer.position(), out, 0, out.length);
    return out;
  }
}
