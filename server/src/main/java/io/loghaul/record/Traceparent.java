package io.loghaul.record;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The one W3C {@code traceparent} parser of loghaul: {@code <version>-<32 hex trace id>-<16 hex
 * span id>-<2 hex flags>}, lower-case hex, ids not all zero, version {@code ff} invalid, version
 * {@code 00} exactly {@value #LENGTH} characters and later versions possibly longer with a {@code
 * -} after the flags. Used by OTLP ingest to check a request's context before carrying it into
 * the {@link RecordContract#TRACEPARENT} header, and on the consumer side to link spans to the
 * trace that produced a record. Values are parsed only when a span is built, never per record on
 * the row path; malformed values are ignored. Stateless; thread-safe.
 */
public final class Traceparent {
  /** Length of a version-00 value. */
  static final int LENGTH = 55;

  private Traceparent() {}

  /** Whether {@code value} is a syntactically valid {@code traceparent}. */
  public static boolean isValid(String value) {
    if (value == null || value.length() < LENGTH || value.startsWith("ff")
        || (value.length() > LENGTH && (value.startsWith("00") || value.charAt(LENGTH) != '-'))) {
      return false;
    }
    if (value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
      return false;
    }
    return isHex(value, 0, 2) && isNonZeroHex(value, 3, 35) && isNonZeroHex(value, 36, 52)
        && isHex(value, 53, 55);
  }

  /** The raw value of the last {@link RecordContract#TRACEPARENT} header in {@code headers}, or null. */
  public static byte[] header(Headers headers) {
    Header h = headers.lastHeader(RecordContract.TRACEPARENT);
    return h == null ? null : h.value();
  }

  /** Whether two raw traceparent values name the same trace (same trace id). */
  public static boolean sameTrace(byte[] a, byte[] b) {
    if (a.length < LENGTH || b.length < LENGTH) {
      return false;
    }
    for (int i = 3; i < 35; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  /** The remote span context of a raw traceparent value, or null when it is absent or malformed. */
  public static SpanContext spanContext(byte[] value) {
    if (value == null || value.length < LENGTH) {
      return null;
    }
    String s = new String(value, US_ASCII);
    if (!isValid(s)) {
      return null;
    }
    int flags = Integer.parseInt(s, 53, 55, 16);
    return SpanContext.createFromRemoteParent(
        s.substring(3, 35), s.substring(36, 52), TraceFlags.fromByte((byte) flags), TraceState.getDefault());
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNonZeroHex(String s, int from, int to) {
    if (!isHex(s, from, to)) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return true;
      }
    }
    return false;
  }
}
