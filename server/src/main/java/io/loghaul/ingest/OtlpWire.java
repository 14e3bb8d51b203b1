package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpFields.ANY_ARRAY;
import static io.loghaul.ingest.OtlpFields.ANY_BOOL;
import static io.loghaul.ingest.OtlpFields.ANY_BYTES;
import static io.loghaul.ingest.OtlpFields.ANY_DOUBLE;
import static io.loghaul.ingest.OtlpFields.ANY_INT;
import static io.loghaul.ingest.OtlpFields.ANY_KVLIST;
import static io.loghaul.ingest.OtlpFields.ANY_STRING;
import static io.loghaul.ingest.OtlpFields.END_GROUP;
import static io.loghaul.ingest.OtlpFields.I32;
import static io.loghaul.ingest.OtlpFields.I64;
import static io.loghaul.ingest.OtlpFields.KEY_VALUE_KEY;
import static io.loghaul.ingest.OtlpFields.KEY_VALUE_VALUE;
import static io.loghaul.ingest.OtlpFields.LEN;
import static io.loghaul.ingest.OtlpFields.START_GROUP;
import static io.loghaul.ingest.OtlpFields.VARINT;

import io.loghaul.bytes.Varint;

/**
 * Reads of request bytes that {@link OtlpWireCheck} has accepted, without bounds checks (the check
 * did them): skipping a field, and finding the key and value of a {@code KeyValue} and the case of
 * an {@code AnyValue}. Stateless: every read takes a position and returns one, so that callers keep
 * their cursor in a local (a cursor object's field would be written back on every read). Tags and
 * lengths are read with {@link Varint#value} and {@link Varint#end}.
 */
final class OtlpWire {
  /** {@link #keyValue}: the key or the value is absent. */
  static final int ABSENT = -1;

  private OtlpWire() {}

  /** The tag at {@code b[p]}; {@link Varint#end} is the position after it. */
  static int tag(byte[] b, int p) {
    return (int) Varint.value(b, p);
  }

  /** The position after the value of the field whose {@code tag} ends just before {@code p}. */
  static int skip(byte[] b, int p, int tag) {
    return switch (tag & 7) {
      case VARINT -> Varint.end(b, p);
      case I64 -> p + 8;
      case LEN -> Varint.end(b, p) + (int) Varint.value(b, p);
      case START_GROUP -> skipGroup(b, p, tag);
      case I32 -> p + 4;
      default ->
          throw new IllegalStateException("wire type " + (tag & 7) + " after the check pass");
    };
  }

  private static int skipGroup(byte[] b, int p, int tag) {
    int endTag = tag & ~7 | END_GROUP;
    while (true) {
      int t = tag(b, p);
      p = Varint.end(b, p);
      if (t == endTag) {
        return p;
      }
      p = skip(b, p, t);
    }
  }

  /**
   * Where the last key and the last value of the {@code KeyValue} {@code [start, end)} are: the
   * position of each one's length (after its tag), {@link #ABSENT} when there is none, packed as
   * {@link #keyAt}/{@link #valueAt} unpack them.
   */
  static long keyValue(byte[] b, int start, int end) {
    int key = ABSENT;
    int value = ABSENT;
    int p = start;
    while (p < end) {
      int tag = tag(b, p);
      p = Varint.end(b, p);
      if (tag == KEY_VALUE_KEY) {
        key = p;
      } else if (tag == KEY_VALUE_VALUE) {
        value = p;
      }
      p = skip(b, p, tag);
    }
    return (long) key << 32 | value & 0xFFFF_FFFFL;
  }

  /** The key position of a {@link #keyValue} result. */
  static int keyAt(long keyValue) {
    return (int) (keyValue >> 32);
  }

  /** The value position of a {@link #keyValue} result. */
  static int valueAt(long keyValue) {
    return (int) keyValue;
  }

  /**
   * The position of the tag of the case set in the {@code AnyValue} {@code [start, end)} (the last
   * one), {@link #ABSENT} when none is.
   */
  static int valueCase(byte[] b, int start, int end) {
    int found = ABSENT;
    int p = start;
    while (p < end) {
      int tag = tag(b, p);
      int next = Varint.end(b, p);
      switch (tag) {
        case ANY_STRING, ANY_BOOL, ANY_INT, ANY_DOUBLE, ANY_ARRAY, ANY_KVLIST, ANY_BYTES ->
            found = p;
        default -> {}
      }
      p = skip(b, next, tag);
    }
    return found;
  }
}
