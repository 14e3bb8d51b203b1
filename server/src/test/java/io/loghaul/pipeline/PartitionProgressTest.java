package io.loghaul.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.record.Durable;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {
  /** A hand-settable piece of work. */
  static final class Work implements Durable {
    boolean durable;

    @Override
    public boolean isDurable() {
      return durable;
    }
  }

  @Test
  void commitsNothingBeforeAnyRecordIsProcessed() {
    assertThat(new PartitionProgress().committable()).isEqualTo(-1);
  }

  @Test
  void committableStopsAtTheOldestRecordThatIsNotDurable() {
    PartitionProgress p = new PartitionProgress();
    Work batch = new Work();
    Work letter = new Work();
    Work next = new Work();
    p.add(10, batch, 1);
    p.add(11, batch, 1);
    p.add(12, letter, 2);
    p.add(13, batch, 3);
    p.add(14, next, 4);
    assertThat(p.committable()).isEqualTo(10);
    batch.durable = true;
    assertThat(p.committable()).as("the dead letter at 12 is still pending").isEqualTo(12);
    assertThat(p.oldestPendingTimestamp()).isEqualTo(2);
    letter.durable = true;
    assertThat(p.committable()).isEqualTo(14);
    next.durable = true;
    assertThat(p.committable()).isEqualTo(15);
    assertThat(p.hasPending()).isFalse();
    assertThat(p.oldestPendingTimestamp()).isEqualTo(-1);
  }

  @Test
  void aLaterDurableRunDoesNotLetTheOffsetPassAnEarlierPendingOne() {
    PartitionProgress p = new PartitionProgress();
    Work first = new Work();
    Work second = new Work();
    p.add(0, first, 0);
    p.add(1, second, 0);
    second.durable = true;
    assertThat(p.committable()).isZero();
  }

  @Test
  void consecutiveRecordsOfOneWorkShareOneRunAndGapsAreFine() {
    PartitionProgress p = new PartitionProgress();
    Work w = new Work();
    p.add(5, w, 0);
    p.add(8, w, 0); // offsets may have gaps (compaction, transaction markers)
    assertThat(p.holds(w)).isTrue();
    w.durable = true;
    assertThat(p.committable()).isEqualTo(9);
    assertThat(p.holds(w)).isFalse();
  }

  @Test
  void remembersTheHighestCommittedOffset() {
    PartitionProgress p = new PartitionProgress();
    p.markCommitted(7);
    p.markCommitted(3);
    assertThat(p.committed()).isEqualTo(7);
  }

  @Test
  void aReassignedRecordHoldsTheOffsetWhileTheRecordsAroundItFollowTheirWork() {
    PartitionProgress p = new PartitionProgress();
    Work batch = new Work();
    Work letter = new Work();
    for (long offset = 10; offset < 15; offset++) {
      p.add(offset, batch, 1);
    }
    p.reassign(12, letter, 7);
    batch.durable = true;
    assertThat(p.committable()).as("stops at the reassigned record").isEqualTo(12);
    assertThat(p.oldestPendingTimestamp()).isEqualTo(7);
    assertThat(p.holds(batch)).as("13..14 still belong to the batch").isTrue();
    letter.durable = true;
    assertThat(p.committable()).isEqualTo(15);
    p.reassign(99, letter, 0); // no run covers it: nothing happens
    assertThat(p.committable()).isEqualTo(15);
  }
}
