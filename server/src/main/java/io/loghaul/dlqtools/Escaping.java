package io.loghaul.dlqtools;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;

/**
 * Bytes as one line of text a terminal shows safely: valid UTF-8 as is, except {@code \} as {@code
 * \\}, newline, carriage return and tab as {@code \n}, {@code \r}, {@code \t}, and every other
 * control character and every byte that is not part of valid UTF-8 as {@code \xNN}. Cut after a
 * number of input bytes with a note of how many were left out. Stateless.
 */
final class Escaping {
  /** What {@code show} prints of a value at most. */
  static final int SHOW_VALUE_BYTES = 1024;

  private Escaping() {}

  /**
   * {@code bytes} escaped, cut after {@code maxBytes} input bytes; {@code null} for a null value.
   */
  static String escape(byte[] bytes, int maxBytes) {
    if (bytes == null) {
      return "null";
    }
    int end = Math.min(bytes.length, maxBytes);
    StringBuilder out = new StringBuilder(end + 16);
    CharsetDecoder decoder =
        UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    int i = 0;
    while (i < end) {
      int b = bytes[i] & 0xff;
      if (b < 0x80) {
        ascii(out, b);
        i++;
        continue;
      }
      int len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      String decoded = len > 1 && i + len <= end ? decode(decoder, bytes, i, len) : null;
      if (decoded == null) {
        hex(out, b);
        i++;
      } else {
        decoded
            .codePoints()
            .forEach(
                cp -> {
                  if (Character.getType(cp) == Character.CONTROL || cp == 0x2028 || cp == 0x2029) {
                    out.append(String.format("\\u%04x", cp));
                  } else {
                    out.appendCodePoint(cp);
                  }
                });
        i += len;
      }
    }
    if (bytes.length > end) {
      out.append("… (").append(bytes.length - end).append(" more bytes)");
    }
    return out.toString();
  }

  private static void ascii(StringBuilder out, int b) {
    switch (b) {
      case '\\' -> out.append("\\\\");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> {
        if (b < 0x20 || b == 0x7f) {
          hex(out, b);
        } else {
          out.append((char) b);
        }
      }
    }
  }

  private static void hex(StringBuilder out, int b) {
    out.append("\\x")
        .append(Character.forDigit(b >> 4, 16))
        .append(Character.forDigit(b & 0xf, 16));
  }

  private static String decode(CharsetDecoder decoder, byte[] bytes, int off, int len) {
    try {
      return decoder.reset().decode(ByteBuffer.wrap(bytes, off, len)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
