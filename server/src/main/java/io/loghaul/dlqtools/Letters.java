package io.loghaul.dlqtools;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.dlq.DlqHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Reading a dead letter's {@code loghaul.*} headers (docs/dead-letters.md#headers) and building the
 * headers of its replay. A header that occurs several times (a letter that was replayed and
 * rejected again carries the earlier letter's headers too) counts by its last occurrence, the
 * newest. Stateless.
 */
final class Letters {
  /** How often a record was replayed from the DLQ; absent means never. */
  static final String REPLAY_COUNT = "loghaul.replay.count";

  /** Every header of this prefix is dropped from a replay: the letter's error no longer applies. */
  static final String ERROR_PREFIX = "loghaul.error.";

  private Letters() {}

  /** The last value of header {@code name} as UTF-8 text, or null when absent or null. */
  static String text(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), UTF_8);
  }

  /** {@code loghaul.error.type}, or null for a record loghaul did not dead-letter. */
  static String errorType(Headers headers) {
    return text(headers, DlqHeaders.ERROR_TYPE);
  }

  /** {@code loghaul.failed.at} in epoch ms, or {@code fallback} when absent or not a number. */
  static long failedAt(Headers headers, long fallback) {
    return number(text(headers, DlqHeaders.FAILED_AT), fallback);
  }

  /** {@code loghaul.replay.count}; 0 when absent, and when not a number (never trust it high). */
  static int replayCount(Headers headers) {
    long n = number(text(headers, REPLAY_COUNT), 0);
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
  }

  /**
   * The headers of a letter's replay: all of the letter's headers in their order, without any
   * {@code loghaul.error.*} and {@code loghaul.replay.count} header, then {@code
   * loghaul.replay.count} = the letter's count + 1.
   */
  static Headers replayHeaders(Headers letter) {
    RecordHeaders out = new RecordHeaders();
    for (Header h : letter) {
      if (h.key().startsWith(ERROR_PREFIX) || h.key().equals(REPLAY_COUNT)) {
        continue;
      }
      out.add(h.key(), h.value());
    }
    out.add(REPLAY_COUNT, Integer.toString(replayCount(letter) + 1).getBytes(UTF_8));
    return out;
  }

  private static long number(String text, long fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
