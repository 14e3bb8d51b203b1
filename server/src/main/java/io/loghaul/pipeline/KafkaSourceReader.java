package io.loghaul.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;

/**
 * A {@link SourceReader} over a consumer of its own ({@code KafkaClients#sourceReaderConsumer}: no
 * group, read_committed, {@code auto.offset.reset=none}), made on the first read, as most pipelines
 * never need one. It seeks to the record asked for and polls until it comes; the records fetched
 * after it are kept, because refused rows are handed over in row order, so the refusals of one
 * batch mostly cost one seek per partition, not one per row.
 *
 * <p>A record is {@link Gone} when the partition now starts after it (retention deleted it: the
 * consumer's {@link OffsetOutOfRangeException}) or the consumer's position passed it without
 * returning it (compacted away, or part of an aborted transaction); anything else that fails, or a
 * read that takes longer than its timeout, is {@link Unavailable}. Single-threaded.
 */
final class KafkaSourceReader implements SourceReader {
  /** How long one read waits for its record before it reports {@link Unavailable}. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration POLL_STEP = Duration.ofMillis(200);

  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final Duration timeout;
  private Consumer<byte[], byte[]> consumer;

  /** The partition assigned to {@link #consumer}, or null. */
  private TopicPartition assigned;

  /** Records of {@link #assigned} fetched after the last one read, in offset order. */
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> ahead = new ArrayDeque<>();

  /**
   * @param consumers makes the consumer, on the first read
   * @param timeout how long one read may wait for its record
   */
  KafkaSourceReader(Supplier<Consumer<byte[], byte[]>> consumers, Duration timeout) {
    this.consumers = requireNonNull(consumers, "consumers");
    this.timeout = requireNonNull(timeout, "timeout");
  }

  @Override
  public Result read(TopicPartition partition, long offset) {
    ConsumerRecord<byte[], byte[]> kept = takeAhead(partition, offset);
    if (kept != null) {
      return new Found(kept);
    }
    try {
      if (consumer == null) {
        consumer = consumers.get();
      }
      if (!partition.equals(assigned)) {
        assigned = null;
        consumer.assign(List.of(partition));
        assigned = partition;
      }
      consumer.seek(partition, offset);
      return poll(partition, offset);
    } catch (OffsetOutOfRangeException e) {
      return beforeTheStart(partition, offset, e);
    } catch (InterruptException e) {
      forget();
      throw e;
    } catch (KafkaException e) {
      forget();
      return new Unavailable(e.toString());
    }
  }

  private Result poll(TopicPartition partition, long offset) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      // ahead is empty here (takeAhead emptied it), so whatever it holds after the loop came
      // after the offset asked for: with no record at that offset, Kafka has passed it
      ConsumerRecord<byte[], byte[]> found = null;
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL_STEP).records(partition)) {
        if (r.offset() == offset) {
          found = r;
        } else if (r.offset() > offset) {
          ahead.add(r);
        }
      }
      if (found != null) {
        return new Found(found);
      }
      if (!ahead.isEmpty() || consumer.position(partition) > offset) {
        return new Gone(
            "Kafka returned no record at offset "
                + offset
                + " of "
                + partition
                + " (compacted away, or part of an aborted transaction)");
      }
      if (System.nanoTime() - deadline >= 0) {
        forget();
        return new Unavailable(
            "no record at offset " + offset + " of " + partition + " within " + timeout);
      }
    }
  }

  /** The consumer says {@code offset} is out of range: gone if the partition now starts later. */
  private Result beforeTheStart(TopicPartition partition, long offset, RuntimeException e) {
    forget();
    try {
      Map<TopicPartition, Long> start = consumer.beginningOffsets(List.of(partition), timeout);
      Long first = start.get(partition);
      if (first != null && offset < first) {
        return new Gone(
            "deleted by retention: " + partition + " starts at offset " + first + " now");
      }
    } catch (KafkaException ignored) {
      // reported below as the original failure
    }
    return new Unavailable(e.toString());
  }

  /** The record at {@code offset} if it was fetched already; drops the ones before it. */
  private ConsumerRecord<byte[], byte[]> takeAhead(TopicPartition partition, long offset) {
    if (!partition.equals(assigned)) {
      ahead.clear();
      return null;
    }
    while (!ahead.isEmpty() && ahead.peekFirst().offset() < offset) {
      ahead.pollFirst();
    }
    if (!ahead.isEmpty() && ahead.peekFirst().offset() == offset) {
      return ahead.pollFirst();
    }
    ahead.clear();
    return null;
  }

  /** After a failure the consumer's assignment and position are not to be trusted. */
  private void forget() {
    assigned = null;
    ahead.clear();
  }

  @Override
  public void close() {
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(5));
      consumer = null;
    }
  }
}
