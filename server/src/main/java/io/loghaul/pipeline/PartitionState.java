package io.loghaul.pipeline;

import io.loghaul.metrics.PartitionMeters;
import io.loghaul.metrics.TopicMeters;
import io.loghaul.record.UncommittedRows;
import org.apache.kafka.common.TopicPartition;

/**
 * What the pipeline knows about one assigned partition: which processed records still wait for
 * their work ({@link PartitionProgress}), the accepted rows at or above the committed offset (they
 * may be in ClickHouse already, so the commit metadata names them, see {@link UncommittedRows}),
 * the metadata of the last commit, and the partition's meters. Created on assignment, dropped on
 * revocation. Single-threaded (the consumer thread).
 */
final class PartitionState {
  final TopicPartition partition;
  final PartitionProgress progress = new PartitionProgress();
  final TopicMeters meters;
  private final PartitionMeters lag;

  /** Accepted rows at or above the committed offset; -1 = none. */
  private long uncommittedFirst = -1;

  private long uncommittedLast;
  private long uncommittedMinTs;
  private long uncommittedMaxTs;

  /** The metadata of the last successful commit of this partition. */
  private String committedMetadata = "";

  PartitionState(TopicPartition partition, TopicMeters meters, PartitionMeters lag) {
    this.partition = partition;
    this.meters = meters;
    this.lag = lag;
  }

  /** Notes an accepted row (inserted now, or skipped as already stored). */
  void noteAccepted(long offset, long timestampNanos) {
    if (uncommittedFirst < 0) {
      uncommittedFirst = offset;
      uncommittedMinTs = timestampNanos;
      uncommittedMaxTs = timestampNanos;
    } else {
      uncommittedMinTs = Math.min(uncommittedMinTs, timestampNanos);
      uncommittedMaxTs = Math.max(uncommittedMaxTs, timestampNanos);
    }
    uncommittedLast = offset;
  }

  /**
   * The commit metadata describing the accepted rows at or above {@code committedOffset}, or ""
   * when none.
   */
  String metadataFor(long committedOffset) {
    if (uncommittedFirst < 0 || uncommittedLast < committedOffset) {
      return "";
    }
    return new UncommittedRows(
            Math.max(uncommittedFirst, committedOffset),
            uncommittedLast,
            uncommittedMinTs,
            uncommittedMaxTs)
        .toMetadata();
  }

  /** Whether committing {@code offset} with {@code metadata} would change what the group has. */
  boolean changes(long offset, String metadata) {
    return offset > progress.committed() || !metadata.equals(committedMetadata);
  }

  /** Notes a successful commit. */
  void committed(long offset, String metadata) {
    progress.markCommitted(offset);
    committedMetadata = metadata;
    if (uncommittedFirst >= 0 && uncommittedLast < offset) {
      uncommittedFirst = -1;
    }
  }

  /** Notes the metadata the group held when the partition was assigned. */
  void assignedWith(String metadata) {
    committedMetadata = metadata == null ? "" : metadata;
  }

  /**
   * Publishes the lag gauges' inputs: the oldest record not committed yet (the older of the oldest
   * pending one and {@code oldestUnprocessed}, a polled record not processed yet; -1 = none) and
   * the committed offset.
   */
  void publishLag(long oldestUnprocessed) {
    long oldest = progress.oldestPendingTimestamp();
    if (oldestUnprocessed >= 0 && (oldest < 0 || oldestUnprocessed < oldest)) {
      oldest = oldestUnprocessed;
    }
    lag.oldestUncommitted(oldest);
    long committed = progress.committed();
    // before our first commit the group's position is where we started reading
    lag.committed(committed >= 0 ? committed : progress.firstOffset());
  }
}
