package io.loghaul.schema;

import java.util.Arrays;

/**
 * Reads one JSON value of any depth without recursion, through a {@link JsonLexer}, and either only
 * checks its syntax ({@link #skip}) or also appends its compact JSON text to the entry's arena
 * while enforcing the rules of docs/record-schema.md for an attribute value that is an object,
 * array or literal ({@link #write}): nesting depth, no key twice in one object, total size. The
 * first violation stops the writing; reading goes on to the end of the value to find syntax errors.
 * Not thread-safe; one per parser.
 */
final class CompactJsonWriter {
  private static final byte OBJECT = 1;
  private static final byte ARRAY = 2;

  private final JsonLexer in;
  private final int maxDepth;
  private final int maxValueBytes;

  // container kinds by depth, and (while writing) each object's keys: nestedKeys holds
  // (offset, length, hash) triples, keyBase[depth] where the current object's start
  private byte[] containers = new byte[32];
  private int[] keyBase = new int[16];
  private int[] nestedKeys = new int[3 * 32];
  private int nestedKeyTop;

  // the value being written
  private boolean emitting;
  private int emitStart;
  private int attrKeyOffset;
  private int attrKeyLength;
  private Rejected defect;

  CompactJsonWriter(JsonLexer in, int maxDepth, int maxValueBytes) {
    this.in = in;
    this.maxDepth = maxDepth;
    this.maxValueBytes = maxValueBytes;
  }

  /** Reads the value at the cursor, checking its syntax only. */
  void skip() {
    value(false);
  }

  /**
   * Reads the value at the cursor and appends its compact JSON to the arena, as the value of the
   * attribute whose key is {@code arena[keyOffset, keyOffset + keyLength)}; returns the first rule
   * it breaks, or {@code null}.
   */
  Rejected write(int keyOffset, int keyLength) {
    attrKeyOffset = keyOffset;
    attrKeyLength = keyLength;
    defect = null;
    value(true);
    Rejected d = defect;
    defect = null;
    return d;
  }

  /** The rejection of an attribute value longer than the limit. */
  static Rejected valueTooLong(LogEntry entry, int keyOffset, int keyLength, int maxValueBytes) {
    return new Rejected(
        ErrorType.FIELD_OVERFLOW,
        Echo.attributePath(entry.arena(), keyOffset, keyLength),
        "attribute value is longer than " + maxValueBytes + " bytes");
  }

  private void value(boolean emit) {
    JsonLexer in = this.in;
    LogEntry entry = in.out;
    emitting = emit;
    emitStart = entry.arenaSize();
    nestedKeyTop = 0;
    int depth = 0;
    while (true) {
      // here: at the start of a value
      if (in.pos >= in.end) {
        throw in.syntax(in.pos, "unexpected end of data, expected a value");
      }
      boolean closed = true;
      int c = in.buf[in.pos];
      switch (c) {
        case '{', '[' -> {
          in.pos++;
          if (depth == containers.length) {
            containers = Arrays.copyOf(containers, depth * 2);
          }
          containers[depth++] = c == '{' ? OBJECT : ARRAY;
          if (emitting) {
            if (depth > maxDepth) {
              stop(
                  new Rejected(
                      ErrorType.FIELD_OVERFLOW,
                      attributePath(),
                      "attribute value is nested deeper than " + maxDepth + " levels"));
            } else {
              entry.appendByte(c);
              if (depth >= keyBase.length) {
                keyBase = Arrays.copyOf(keyBase, depth * 2);
              }
              keyBase[depth] = nestedKeyTop;
            }
          }
          in.skipWhitespace();
          int closer = c == '{' ? '}' : ']';
          if (in.pos < in.end && in.buf[in.pos] == closer) {
            in.pos++;
            depth--;
            if (emitting) {
              entry.appendByte(closer);
            }
          } else {
            closed = false;
            if (c == '{') {
              nestedKey(depth);
            }
          }
        }
        case '"' -> in.string(emitting ? JsonLexer.JSON : JsonLexer.SKIP);
        case 't' -> in.literal(JsonLexer.TRUE, emitting);
        case 'f' -> in.literal(JsonLexer.FALSE, emitting);
        case 'n' -> in.literal(JsonLexer.NULL, emitting);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            in.number(emitting);
          } else {
            throw in.syntax(in.pos, "unexpected character");
          }
        }
      }
      if (!closed) {
        continue;
      }
      // here: after a complete value
      while (true) {
        if (emitting && entry.arenaSize() - emitStart > maxValueBytes) {
          stop(valueTooLong(entry, attrKeyOffset, attrKeyLength, maxValueBytes));
        }
        if (depth == 0) {
          emitting = false;
          return;
        }
        in.skipWhitespace();
        if (in.pos >= in.end) {
          throw in.syntax(in.pos, "unexpected end of data inside an object or array");
        }
        byte kind = containers[depth - 1];
        int d = in.buf[in.pos++];
        if (d == ',') {
          if (emitting) {
            entry.appendByte(',');
          }
          in.skipWhitespace();
          if (kind == OBJECT) {
            nestedKey(depth);
          }
          break;
        }
        if (d == (kind == OBJECT ? '}' : ']')) {
          if (emitting) {
            entry.appendByte(d);
            if (kind == OBJECT) {
              nestedKeyTop = keyBase[depth];
            }
          }
          depth--;
        } else {
          throw in.syntax(
              in.pos - 1, kind == OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
        }
      }
    }
  }

  /** Reads {@code "key" :} inside a nested object; while writing, checks it is not a duplicate. */
  private void nestedKey(int depth) {
    JsonLexer in = this.in;
    if (in.pos >= in.end || in.buf[in.pos] != '"') {
      throw in.syntax(in.pos, "expected a field name");
    }
    if (!emitting) {
      in.string(JsonLexer.SKIP);
    } else {
      LogEntry entry = in.out;
      int k = entry.arenaSize();
      in.string(JsonLexer.JSON);
      byte[] a = entry.arena();
      int len = entry.arenaSize() - k;
      int h = AttributeKeys.hash(a, k, len);
      // the re-escaped form is canonical, so equal bytes mean equal decoded keys
      for (int i = keyBase[depth]; i < nestedKeyTop; i += 3) {
        int o = nestedKeys[i];
        if (nestedKeys[i + 2] == h
            && nestedKeys[i + 1] == len
            && Arrays.equals(a, o, o + len, a, k, k + len)) {
          stop(
              new Rejected(
                  ErrorType.DUPLICATE_FIELD,
                  attributePath(),
                  "attribute value has the key "
                      + Echo.echo(a, k, len)
                      + " more than once in one object"));
          break;
        }
      }
      if (emitting) {
        if (nestedKeyTop + 3 > nestedKeys.length) {
          nestedKeys = Arrays.copyOf(nestedKeys, nestedKeys.length * 2);
        }
        nestedKeys[nestedKeyTop] = k;
        nestedKeys[nestedKeyTop + 1] = len;
        nestedKeys[nestedKeyTop + 2] = h;
        nestedKeyTop += 3;
      }
    }
    in.skipWhitespace();
    in.expect(':');
    if (emitting) {
      in.out.appendByte(':');
    }
    in.skipWhitespace();
  }

  /** Records the first broken rule and stops writing. */
  private void stop(Rejected rule) {
    emitting = false;
    if (defect == null) {
      defect = rule;
    }
  }

  private String attributePath() {
    return Echo.attributePath(in.out.arena(), attrKeyOffset, attrKeyLength);
  }
}
