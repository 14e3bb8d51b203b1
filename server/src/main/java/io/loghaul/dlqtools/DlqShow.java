package io.loghaul.dlqtools;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * {@code dlq show}: the newest letters (of the selected types), oldest first and newest last, each
 * with its coordinates, key, headers and value, escaped and cut to {@value
 * Escaping#SHOW_VALUE_BYTES} bytes. Keeps at most {@code limit} letters per partition. Not
 * thread-safe.
 */
final class DlqShow {
  private final int limit;
  private final Map<Integer, ArrayDeque<ConsumerRecord<byte[], byte[]>>> newest = new HashMap<>();

  DlqShow(int limit) {
    this.limit = limit;
  }

  /** Offers a letter read in offset order of its partition. */
  void add(ConsumerRecord<byte[], byte[]> letter) {
    ArrayDeque<ConsumerRecord<byte[], byte[]>> q =
        newest.computeIfAbsent(letter.partition(), p -> new ArrayDeque<>());
    q.addLast(letter);
    if (q.size() > limit) {
      q.removeFirst();
    }
  }

  /** The chosen letters, newest last (by {@code loghaul.failed.at}). */
  List<ConsumerRecord<byte[], byte[]>> letters() {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    newest.values().forEach(all::addAll);
    all.sort(
        Comparator.<ConsumerRecord<byte[], byte[]>>comparingLong(
                r -> Letters.failedAt(r.headers(), r.timestamp()))
            .thenComparingInt(ConsumerRecord::partition)
            .thenComparingLong(ConsumerRecord::offset));
    return all.subList(Math.max(0, all.size() - limit), all.size());
  }

  String render() {
    StringBuilder out = new StringBuilder();
    for (ConsumerRecord<byte[], byte[]> r : letters()) {
      out.append(r.topic())
          .append(" partition ")
          .append(r.partition())
          .append(" offset ")
          .append(r.offset())
          .append(", failed at ")
          .append(Instant.ofEpochMilli(Letters.failedAt(r.headers(), r.timestamp())))
          .append(", key ")
          .append(r.key() == null ? "null" : '"' + Escaping.escape(r.key(), 256) + '"')
          .append('\n');
      out.append("headers:\n");
      for (Header h : r.headers()) {
        out.append("  ")
            .append(h.key())
            .append(": ")
            .append(Escaping.escape(h.value(), Escaping.SHOW_VALUE_BYTES))
            .append('\n');
      }
      out.append("value (")
          .append(r.value() == null ? "null" : r.value().length + " bytes")
          .append("):\n  ")
          .append(Escaping.escape(r.value(), Escaping.SHOW_VALUE_BYTES))
          .append("\n\n");
    }
    if (out.isEmpty()) {
      out.append("no dead letters").append('\n');
    }
    return out.toString();
  }
}
