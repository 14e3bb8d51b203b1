package io.loghaul.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code insert_deduplication_token} of one INSERT (docs/clusters.md#deduplication): built from
 * where its rows came from, so the same rows sent again after an ambiguous failure carry the same
 * token and a replicated table drops the repeat even where block hashing alone would not see it.
 * For every topic partition among the rows, {@code topic:partition:first-last} (first and last
 * offset), sorted by topic and partition and joined with {@code ,}; a token longer than {@value
 * #MAX_PLAIN_LENGTH} characters is replaced by {@code sha256:} and the hex digest of that text.
 *
 * <p>Only servers that know the setting get it (ClickHouse 22.2 and later; not 18.16, where re-sent
 * batches are byte-identical and identical-block deduplication applies).
 */
final class DeduplicationToken {
  static final int MAX_PLAIN_LENGTH = 256;

  private DeduplicationToken() {}

  /** The token of rows {@code from} (inclusive) to {@code to} (exclusive) of {@code origins}. */
  static String of(RowOrigins origins, int from, int to) {
    if (from < 0 || to > origins.size() || from >= to) {
      throw new IllegalArgumentException(
          "rows: " + from + ".." + to + " (expected: a non-empty range of " + origins.size() + ")");
    }
    Map<String, Map<Integer, long[]>> ranges = new TreeMap<>();
    for (int i = from; i < to; i++) {
      long offset = origins.offset(i);
      long[] range =
          ranges
              .computeIfAbsent(origins.topic(i), t -> new TreeMap<>())
              .computeIfAbsent(origins.partition(i), p -> new long[] {offset, offset});
      range[0] = Math.min(range[0], offset);
      range[1] = Math.max(range[1], offset);
    }
    StringBuilder sb = new StringBuilder();
    ranges.forEach(
        (topic, partitions) ->
            partitions.forEach(
                (partition, range) ->
                    sb.append(sb.isEmpty() ? "" : ",")
                        .append(topic)
                        .append(':')
                        .append(partition)
                        .append(':')
                        .append(range[0])
                        .append('-')
                        .append(range[1])));
    if (sb.length() <= MAX_PLAIN_LENGTH) {
      return sb.toString();
    }
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
