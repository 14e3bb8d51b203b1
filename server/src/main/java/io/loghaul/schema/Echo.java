package io.loghaul.schema;

import java.nio.charset.StandardCharsets;

/**
 * How rejection messages and field paths quote bytes of the payload (docs/dead-letters.md#headers):
 * never more than {@value #MAX_ECHO_BYTES} bytes, cut at a character boundary. Runs only when a
 * record is rejected.
 */
final class Echo {
  /** Most payload bytes a message or field path may echo (docs/dead-letters.md#headers). */
  static final int MAX_ECHO_BYTES = 64;

  private Echo() {}

  /** At most {@value #MAX_ECHO_BYTES} bytes of the text, cut at a character boundary. */
  static String cap(byte[] b, int off, int len) {
    int n = Math.min(len, MAX_ECHO_BYTES);
    while (n < len && n > 0 && (b[off + n] & 0xC0) == 0x80) {
      n--;
    }
    return new String(b, off, n, StandardCharsets.UTF_8);
  }

  /** Like {@link #cap}, with {@code ...} appended when the text was cut. */
  static String echo(byte[] b, int off, int len) {
    String s = cap(b, off, len);
    return len > MAX_ECHO_BYTES ? s + "..." : s;
  }

  /** The field path of the attribute whose key is {@code b[off, off + len)}. */
  static String attributePath(byte[] b, int off, int len) {
    return "/attributes/" + cap(b, off, len);
  }
}
