package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loghaul.clickhouse.RefusedRow;
import io.loghaul.config.LoghaulConfig;
import io.loghaul.record.Durable;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryParser;
import io.loghaul.schema.SchemaLimits;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatcherTest {
  private static final long NOW = 1_795_316_252_000L;
  private static final TopicPartition P0 = new TopicPartition("logs", 0);

  private final ManualClock clock = new ManualClock(NOW);
  private final MemorySink sink = new MemorySink();
  private final List<String> events = new ArrayList<>();

  /** Offsets of refused rows the listener declines (cannot read back yet), once per entry. */
  private final List<Long> declineOnce = new ArrayList<>();

  private final Batcher batcher =
      new Batcher(
          sink,
          new LoghaulConfig.Batch(3, 1 << 20, 1_000),
          clock,
          new Batcher.Listener() {
            @Override
            public void beforeInsert() {
              events.add("commit");
            }

            @Override
            public boolean refused(RefusedRow row) {
              if (declineOnce.remove(row.offset())) {
                events.add("not now " + row.offset());
                return false;
              }
              events.add("refused " + row.offset());
              return true;
            }
          });
  private final LogEntry entry = new LogEntry();
  private long offset;

  private Durable add() {
    byte[] value = LogRecords.valid(NOW, "svc", offset).getBytes(UTF_8);
    assertThat(
            new LogEntryParser(SchemaLimits.defaults()).parse(value, 0, value.length, NOW, entry))
        .isSameAs(Accepted.INSTANCE);
    return batcher.add(entry, new ConsumerRecord<>("logs", 0, offset++, null, value));
  }

  @Test
  void handsABatchOverWhenItsFirstRowIsOldEnough() {
    add();
    clock.advance(Duration.ofMillis(999));
    batcher.flushIfDue();
    assertThat(sink.submitted).isEmpty();
    clock.advance(Duration.ofMillis(1));
    batcher.flushIfDue();
    assertThat(sink.submitted).hasSize(1);
    assertThat(events).containsExactly("commit");
  }

  @Test
  void anAgeDueBatchWaitsForRecordsThatWouldFillItButNotForever() {
    add();
    clock.advance(Duration.ofMillis(1_000));
    // two more rows fill it (batch.max-rows = 3) and five wait in Kafka: worth waiting for
    batcher.flushIfDue(5);
    assertThat(sink.submitted).isEmpty();
    // one waiting record cannot fill it: no reason to wait
    batcher.flushIfDue(1);
    assertThat(sink.submitted).hasSize(1);

    sink.finishWriting();
    assertThat(batcher.collectFinished()).isTrue();
    add();
    clock.advance(Duration.ofMillis(9_999));
    batcher.flushIfDue(1_000);
    assertThat(sink.submitted).hasSize(1);
    // ten times batch.max-delay-ms: handed over whatever waits
    clock.advance(Duration.ofMillis(1));
    batcher.flushIfDue(1_000);
    assertThat(sink.submitted).hasSize(2);
  }

  @Test
  void handsABatchOverWhenFullButOnlyWhileTheSinkIsFree() {
    add();
    add();
    assertThat(batcher.full()).isFalse();
    add();
    assertThat(batcher.full()).isTrue();
    batcher.flushIfFull();
    add();
    add();
    add();
    assertThat(batcher.dispatch()).as("the sink is still writing").isFalse();
    sink.finishWriting();
    assertThat(batcher.dispatch()).isTrue();
    assertThat(sink.submitted).extracting(b -> b.rowCount()).containsExactly(3, 3);
  }

  @Test
  void aBatchTurnsDurableOnlyAfterItsRefusedRowsWereHandedOver() {
    sink.refuse(P0, 1);
    Durable work = add();
    add();
    batcher.flushIfFull();
    batcher.dispatch();
    assertThat(work.isDurable()).isFalse();
    sink.finishWriting();
    assertThat(work.isDurable()).as("finished, but not collected").isFalse();
    assertThat(batcher.collectFinished()).isTrue();
    assertThat(work.isDurable()).isTrue();
    assertThat(events).containsExactly("commit", "refused 1");
  }

  @Test
  void aRefusedRowTheListenerCannotTakeYetIsHandedOverAgainAndHoldsTheBatch() {
    sink.refuse(P0, 0).refuse(P0, 2);
    Durable work = add();
    add();
    add();
    batcher.dispatch();
    sink.finishWriting();
    declineOnce.add(2L);
    declineOnce.add(2L);
    assertThat(batcher.collectFinished()).isFalse();
    assertThat(batcher.collectFinished()).isFalse();
    assertThat(work.isDurable()).as("a refused row is not dead-lettered yet").isFalse();
    assertThat(batcher.collectFinished()).isTrue();
    assertThat(work.isDurable()).isTrue();
    assertThat(events)
        .as("each row taken once, in order, the declined one again on the next calls")
        .containsExactly("commit", "refused 0", "not now 2", "not now 2", "refused 2");
  }

  @Test
  void closeHandsOverWhatIsOpenWithoutWaitingAndTakesNoMoreRows() {
    add();
    batcher.close();
    batcher.close();
    assertThat(sink.submitted).hasSize(1);
    assertThat(sink.writing()).isTrue();
    assertThatThrownBy(this::add).isInstanceOf(IllegalStateException.class);
  }
}
