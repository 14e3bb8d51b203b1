package io.loghaul.record;

/**
 * The accepted rows of one partition that the destination may hold although their offsets are not
 * committed yet: their offset range and event-time bounds. The pipeline writes it into the commit
 * metadata before every INSERT (the duplicate window of
 * docs/delivery-guarantees.md#crashes-and-duplicates); after a crash the next owner of the
 * partition reads it back and asks the destination which of exactly these rows it already has, so
 * it skips only those. Immutable.
 *
 * @param firstOffset lowest offset of such a row
 * @param lastOffset highest offset of such a row
 * @param minTimestampNanos earliest event time among them, ns since the epoch
 * @param maxTimestampNanos latest event time among them
 */
public record UncommittedRows(
    long firstOffset, long lastOffset, long minTimestampNanos, long maxTimestampNanos) {
  /** Prefix of the commit metadata; anything else in the metadata is ignored. */
  static final String PREFIX = "loghaul/v1 uncommitted ";

  /**
   * The commit metadata form, e.g. {@code loghaul/v1 uncommitted 10 20 1795316252000000000
   * 1795316253000000000}.
   */
  public String toMetadata() {
    return PREFIX
        + firstOffset
        + ' '
        + lastOffset
        + ' '
        + minTimestampNanos
        + ' '
        + maxTimestampNanos;
  }

  /** The rows described by commit metadata, or null when it holds none (or is not ours). */
  public static UncommittedRows parse(String metadata) {
    if (metadata == null || !metadata.startsWith(PREFIX)) {
      return null;
    }
    String[] parts = metadata.substring(PREFIX.length()).trim().split(" ");
    if (parts.length != 4) {
      return null;
    }
    try {
      long first = Long.parseLong(parts[0]);
      long last = Long.parseLong(parts[1]);
      long min = Long.parseLong(parts[2]);
      long max = Long.parseLong(parts[3]);
      if (first < 0 || last < first || max < min) {
        return null;
      }
      return new UncommittedRows(first, last, min, max);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
