package io.loghaul.pipeline;

import io.loghaul.record.Durable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Offset bookkeeping for one assigned partition: which processed records are still waiting for
 * their {@link Durable} work, and so which offset may be committed.
 *
 * <p>Records are recorded in offset order as runs: consecutive records held by the same work share
 * one run, so a 100 000-row batch of one partition costs one run, not 100 000 entries. The
 * committable offset is the start of the oldest run whose work is not durable yet, or the offset
 * after the last processed record when every run is durable. Single-threaded (the consumer thread).
 */
final class PartitionProgress {
  private static final class Run {
    final long start;
    long end; // exclusive
    final Durable work;

    /** Kafka timestamp of the run's first record, for the commit-lag gauge. */
    final long firstTimestamp;

    Run(long start, long end, Durable work, long firstTimestamp) {
      this.start = start;
      this.end = end;
      this.work = work;
      this.firstTimestamp = firstTimestamp;
    }
  }

  private final ArrayDeque<Run> runs = new ArrayDeque<>();
  private long nextOffset = -1;
  private long firstOffset = -1;
  private long committed = -1;

  /** Notes that the record at {@code offset} is now held by {@code work}. */
  void add(long offset, Durable work, long recordTimestamp) {
    Run last = runs.peekLast();
    if (last != null && last.work == work && last.end == offset) {
      last.end = offset + 1;
    } else {
      runs.addLast(new Run(offset, offset + 1, work, recordTimestamp));
    }
    nextOffset = offset + 1;
    if (firstOffset < 0) {
      firstOffset = offset;
    }
  }

  /**
   * Moves the record at {@code offset} from the work holding it to {@code work}, splitting that
   * work's run: a row the sink refused is held by its dead letter from then on, while the rows
   * around it stay with their batch. Does nothing when no run covers {@code offset}. A negative
   * {@code recordTimestamp} (unknown) takes the covering run's first timestamp.
   */
  void reassign(long offset, Durable work, long recordTimestamp) {
    Run target = null;
    for (Run r : runs) {
      if (r.start <= offset && offset < r.end) {
        target = r;
        break;
      }
    }
    if (target == null) {
      return;
    }
    if (recordTimestamp < 0) {
      recordTimestamp = target.firstTimestamp;
    }
    List<Run> rebuilt = new ArrayList<>(runs.size() + 2);
    for (Run r : runs) {
      if (r != target) {
        rebuilt.add(r);
        continue;
      }
      if (r.start < offset) {
        rebuilt.add(new Run(r.start, offset, r.work, r.firstTimestamp));
      }
      rebuilt.add(new Run(offset, offset + 1, work, recordTimestamp));
      if (offset + 1 < r.end) {
        // the timestamps of the records after it are unknown here; the refused one is the closest
        rebuilt.add(new Run(offset + 1, r.end, r.work, recordTimestamp));
      }
    }
    runs.clear();
    runs.addAll(rebuilt);
  }

  /** The first offset processed since assignment (where the group's position was), or -1. */
  long firstOffset() {
    return firstOffset;
  }

  /**
   * Drops durable runs from the head and returns the offset that may be committed now, or -1 when
   * nothing was processed yet.
   */
  long committable() {
    Run head;
    while ((head = runs.peekFirst()) != null && head.work.isDurable()) {
      runs.pollFirst();
    }
    return head != null ? head.start : nextOffset;
  }

  /** True while some processed record is not durable yet. */
  boolean hasPending() {
    committable();
    return !runs.isEmpty();
  }

  /** Kafka timestamp of the oldest record not yet durable, or -1 when all are. */
  long oldestPendingTimestamp() {
    committable();
    Run head = runs.peekFirst();
    return head == null ? -1 : head.firstTimestamp;
  }

  /** Whether the given work holds a record of this partition that is not committed yet. */
  boolean holds(Durable work) {
    for (Run r : runs) {
      if (r.work == work) {
        return true;
      }
    }
    return false;
  }

  long committed() {
    return committed;
  }

  void markCommitted(long offset) {
    committed = Math.max(committed, offset);
  }
}
