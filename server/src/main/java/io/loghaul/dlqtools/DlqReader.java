package io.loghaul.dlqtools;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of one topic from given start offsets up to the end offsets the topic had
 * when reading began, then stops: letters that arrive meanwhile are left for the next run. The
 * consumer is assigned the partitions (it joins no group) and commits nothing. Single-threaded.
 */
final class DlqReader {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(500);

  private final Consumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, Long> end;
  private final Set<TopicPartition> reading;
  private final long total;
  private long read;

  private DlqReader(
      Consumer<byte[], byte[]> consumer,
      Map<TopicPartition, Long> end,
      Set<TopicPartition> reading,
      long total) {
    this.consumer = consumer;
    this.end = end;
    this.reading = reading;
    this.total = total;
  }

  /**
   * Assigns every partition of {@code topic} and seeks each to {@code start} of it: given the
   * partition, its beginning and its end offset, the offset to start at.
   *
   * @throws UsageException when the topic does not exist
   */
  static DlqReader open(Consumer<byte[], byte[]> consumer, String topic, StartOffsets start)
      throws UsageException {
    requireNonNull(consumer, "consumer");
    List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new UsageException("kafka.dlq-topic: topic '" + topic + "' does not exist");
    }
    List<TopicPartition> partitions =
        infos.stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
            .toList();
    consumer.assign(partitions);
    Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, TIMEOUT);
    Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
    Set<TopicPartition> reading = new HashSet<>();
    long total = 0;
    for (TopicPartition tp : partitions) {
      long from = Math.max(beginning.get(tp), start.of(tp, beginning.get(tp), end.get(tp)));
      consumer.seek(tp, from);
      if (from < end.get(tp)) {
        reading.add(tp);
        total += end.get(tp) - from;
      }
    }
    consumer.pause(difference(partitions, reading));
    return new DlqReader(consumer, end, reading, total);
  }

  /** Where to start reading a partition. */
  @FunctionalInterface
  interface StartOffsets {
    long of(TopicPartition partition, long beginning, long end);

    static StartOffsets beginning() {
      return (tp, beginning, end) -> beginning;
    }

    /** The last {@code n} records of each partition. */
    static StartOffsets last(int n) {
      return (tp, beginning, end) -> Math.max(beginning, end - n);
    }

    /** A known offset per partition, the beginning for the others. */
    static StartOffsets from(Function<TopicPartition, Long> offsets) {
      return (tp, beginning, end) -> {
        Long o = offsets.apply(tp);
        return o == null ? beginning : o;
      };
    }
  }

  /** Whether every partition was read to its end offset (or given up with {@link #stop}). */
  boolean done() {
    return reading.isEmpty();
  }

  /** The next records below the end offsets, in offset order per partition; may be empty. */
  List<ConsumerRecord<byte[], byte[]>> poll() {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      if (reading.contains(tp) && r.offset() < end.get(tp)) {
        out.add(r);
      }
    }
    read += out.size();
    List<TopicPartition> finished = new ArrayList<>();
    for (TopicPartition tp : reading) {
      // the position passes the end also over transaction markers and compacted gaps
      if (consumer.position(tp, TIMEOUT) >= end.get(tp)) {
        finished.add(tp);
      }
    }
    stop(finished);
    return out;
  }

  /** Stops reading {@code partitions}; records of them already returned stay returned. */
  void stop(Collection<TopicPartition> partitions) {
    reading.removeAll(partitions);
    consumer.pause(partitions);
  }

  /** Records between the start and end offsets when reading began (an upper bound). */
  long total() {
    return total;
  }

  /** Records returned so far. */
  long read() {
    return read;
  }

  /** The end offsets reading stops at. */
  Map<TopicPartition, Long> endOffsets() {
    return Map.copyOf(end);
  }

  private static List<TopicPartition> difference(
      List<TopicPartition> all, Set<TopicPartition> some) {
    return all.stream().filter(tp -> !some.contains(tp)).toList();
  }
}
