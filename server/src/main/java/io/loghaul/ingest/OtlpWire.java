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

import io.loghaul.bytes.LittleEndian;
import io.loghaul.bytes.Varint;

/**
 * A cursor over request bytes that {@link OtlpWireCheck} has accepted: reads tags, varints and
 * fixed64 values and skips fields without bounds checks (the check did them), and finds the key and
 * value of a {@code KeyValue} and the case of an {@code AnyValue}. Shared by the mapping and the
 * {@link AnyValueWriter} of one {@link OtlpLogDecoder}; not thread-safe.
 */
final class OtlpWire {
  byte[] buf;
  int pos;

  // results of readKeyValue() and valueField(); read them into locals before the next call
  int keyOff;
  int keyLen;
  int valueOff;
  int valueEnd;
  int valuePos;

  int tag() {
    return (int) varint();
  }

  long varint() {
    byte[] b = buf;
    int p = pos;
    pos = Varint.end(b, p);
    return Varint.value(b, p);
  }

  long fixed64() {
    long v = LittleEndian.getLong(buf, pos);
    pos += 8;
    return v;
  }

  void skip(int tag) {
    switch (tag & 7) {
      case VARINT -> varint();
      case I64 -> pos += 8;
      case LEN -> {
        int len = (int) varint();
        pos += len;
      }
      case START_GROUP -> {
        int endTag = tag & ~7 | END_GROUP;
        for (int t = tag(); t != endTag; t = tag()) {
          skip(t);
        }
      }
      case I32 -> pos += 4;
      default ->
          throw new IllegalStateException("wire type " + (tag & 7) + " after the check pass");
    }
  }

  /**
   * Reads the {@code KeyValue} {@code [start, end)} into {@link #keyOff}/{@link #keyLen} (the last
   * key; empty when absent) and {@link #valueOff}/{@link #valueEnd} (-1 when there is no value).
   */
  void readKeyValue(int start, int end) {
    int ko = 0;
    int kl = 0;
    int vo = -1;
    int ve = -1;
    pos = start;
    while (pos < end) {
      int tag = tag();
      if (tag == KEY_VALUE_KEY) {
        kl = (int) varint();
        ko = pos;
        pos += kl;
      } else if (tag == KEY_VALUE_VALUE) {
        int len = (int) varint();
        vo = pos;
        ve = pos += len;
      } else {
        skip(tag);
      }
    }
    keyOff = ko;
    keyLen = kl;
    valueOff = vo;
    valueEnd = ve;
  }

  /**
   * The tag of the case set in the {@code AnyValue} {@code [start, end)}, 0 when none is; {@link
   * #valuePos} is where the field's value starts (at its length for length-delimited ones).
   */
  int valueField(int start, int end) {
    int found = 0;
    pos = start;
    while (pos < end) {
      int tag = tag();
      switch (tag) {
        case ANY_STRING, ANY_BOOL, ANY_INT, ANY_DOUBLE, ANY_ARRAY, ANY_KVLIST, ANY_BYTES -> {
          found = tag;
          valuePos = pos;
          skip(tag);
        }
        default -> skip(tag);
      }
    }
    return found;
  }
}
