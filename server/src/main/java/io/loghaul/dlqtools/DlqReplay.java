package io.loghaul.dlqtools;

import static java.util.Objects.requireNonNull;

import io.loghaul.dlq.DlqHeaders;
import io.loghaul.pipeline.RecordDecoder;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.LogEntry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * {@code dlq replay}: reads the dead-letter topic from the replay group's committed position to the
 * end it had when the run began, checks each selected letter with today's schema and limits (the
 * pipeline's {@link RecordDecoder}, JSON or protobuf by the {@code content-type} header), and
 * produces the letters that pass to their source topic (or {@code --to}) with the original key,
 * value and headers, minus {@code loghaul.error.*}, with {@code loghaul.replay.count} + 1. Letters
 * that still fail stay where they are; nothing is dead-lettered by the replay.
 *
 * <p>Exactly once: the produces of each chunk of letters and the group's new position are committed
 * in one Kafka transaction (transactional id = the group), so after a crash anywhere the next run
 * starts after the last committed chunk and the aborted chunk's records are invisible to
 * read-committed consumers such as loghaul's pipeline. A second replay of the same group fences the
 * first. A dry run uses no producer and commits nothing. Single-threaded.
 */
final class DlqReplay {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** What became of one letter. */
  enum Verdict {
    /** Passes today's check: replayed (or, dry, would be). */
    PASS,
    /** Still fails: stays in the DLQ. */
    FAIL,
    /** Replayed {@code --max-replays} times already. */
    TOO_MANY_REPLAYS,
    /** No {@code loghaul.source.topic} header and no {@code --to}. */
    NO_TARGET,
    /**
     * A rejected OTLP record (source partition -1): its client was told and resends; not a Kafka
     * record.
     */
    NOT_FROM_KAFKA
  }

  /** Per error type: passed, failed, skipped. */
  static final class Tally {
    long pass;
    long fail;
    long skipped;
  }

  /** The outcome of a run. */
  record Result(
      Map<String, Tally> byType,
      long passedOver,
      long stoppedAtUntil,
      boolean dryRun,
      String to,
      String group) {
    long passed() {
      return byType.values().stream().mapToLong(t -> t.pass).sum();
    }

    long failed() {
      return byType.values().stream().mapToLong(t -> t.fail).sum();
    }

    long skipped() {
      return byType.values().stream().mapToLong(t -> t.skipped).sum();
    }
  }

  private final DlqOptions options;
  private final RecordDecoder decoder;
  private final Clock clock;
  private final LogEntry entry = new LogEntry();

  DlqReplay(DlqOptions options, RecordDecoder decoder, Clock clock) {
    this.options = requireNonNull(options, "options");
    this.decoder = requireNonNull(decoder, "decoder");
    this.clock = requireNonNull(clock, "clock");
  }

  /** The verdict on one letter now. */
  Verdict check(ConsumerRecord<byte[], byte[]> letter) {
    if ("-1".equals(Letters.text(letter.headers(), DlqHeaders.SOURCE_PARTITION))) {
      return Verdict.NOT_FROM_KAFKA;
    }
    if (Letters.replayCount(letter.headers()) >= options.maxReplays()) {
      return Verdict.TOO_MANY_REPLAYS;
    }
    if (target(letter) == null) {
      return Verdict.NO_TARGET;
    }
    return decoder.decode(letter.value(), letter.headers(), clock.millis(), entry)
            == Accepted.INSTANCE
        ? Verdict.PASS
        : Verdict.FAIL;
  }

  /** The topic a letter goes back to, or null. */
  String target(ConsumerRecord<byte[], byte[]> letter) {
    if (options.to() != null) {
      return options.to();
    }
    String source = Letters.text(letter.headers(), DlqHeaders.SOURCE_TOPIC);
    return source == null || source.isEmpty() ? null : source;
  }

  /** The record a letter is replayed as: its key, value and headers for the replay. */
  ProducerRecord<byte[], byte[]> replayOf(ConsumerRecord<byte[], byte[]> letter) {
    return new ProducerRecord<>(
        target(letter),
        null,
        null,
        letter.key(),
        letter.value(),
        Letters.replayHeaders(letter.headers()));
  }

  /**
   * Runs the replay.
   *
   * @param consumer a consumer whose {@code group.id} is {@code group}; assigned, never subscribed
   * @param producer a transactional producer whose transactions are initialized, or null for a dry
   *     run
   * @throws ReplayException when a produce or commit fails; what was committed before stays
   */
  Result run(
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      String topic,
      String group,
      Progress progress)
      throws UsageException, ReplayException {
    boolean dry = producer == null;
    List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new UsageException("kafka.dlq-topic: topic '" + topic + "' does not exist");
    }
    Set<TopicPartition> partitions = new HashSet<>();
    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions, TIMEOUT);
    DlqReader reader =
        DlqReader.open(
            consumer,
            topic,
            DlqReader.StartOffsets.from(
                tp -> {
                  OffsetAndMetadata o = committed.get(tp);
                  return o == null ? null : o.offset();
                }));
    Map<String, Tally> byType = new TreeMap<>();
    long passedOver = 0;
    long stoppedAtUntil = 0;
    long replayed = 0;
    ConsumerGroupMetadata groupMetadata = new ConsumerGroupMetadata(group);
    while (!reader.done()) {
      List<ConsumerRecord<byte[], byte[]>> batch = reader.poll();
      if (batch.isEmpty()) {
        continue;
      }
      Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
      Set<TopicPartition> stopped = new HashSet<>();
      AtomicReference<String> failure = new AtomicReference<>();
      if (!dry) {
        producer.beginTransaction();
      }
      for (ConsumerRecord<byte[], byte[]> letter : batch) {
        TopicPartition tp = new TopicPartition(letter.topic(), letter.partition());
        if (stopped.contains(tp)) {
          continue;
        }
        long failedAt = Letters.failedAt(letter.headers(), letter.timestamp());
        if (options.untilMillis() != null && failedAt > options.untilMillis()) {
          // later letters of this partition failed later still: leave them for another run
          stopped.add(tp);
          stoppedAtUntil++;
          continue;
        }
        next.put(tp, new OffsetAndMetadata(letter.offset() + 1));
        String type = Letters.errorType(letter.headers());
        if (!options.selects(type)
            || (options.sinceMillis() != null && failedAt < options.sinceMillis())) {
          passedOver++;
          continue;
        }
        Tally tally = byType.computeIfAbsent(type == null ? DlqStats.NONE : type, t -> new Tally());
        switch (check(letter)) {
          case PASS -> {
            tally.pass++;
            replayed++;
            if (!dry) {
              producer.send(
                  replayOf(letter),
                  (metadata, e) -> {
                    if (e != null) {
                      failure.compareAndSet(
                          null,
                          letter.topic()
                              + " partition "
                              + letter.partition()
                              + " offset "
                              + letter.offset()
                              + ": "
                              + e);
                    }
                  });
            }
          }
          case FAIL -> tally.fail++;
          case TOO_MANY_REPLAYS, NO_TARGET, NOT_FROM_KAFKA -> tally.skipped++;
        }
        if (replayed >= options.maxRecords()) {
          stopped.addAll(partitions);
          break;
        }
      }
      reader.stop(stopped);
      if (!dry && !next.isEmpty()) {
        commit(producer, next, groupMetadata, failure);
      } else if (!dry) {
        producer.abortTransaction();
      }
      progress.update(
          String.format(
              "replay: %d of %d letters read, %d %s",
              reader.read(), reader.total(), replayed, dry ? "would pass" : "replayed"));
    }
    progress.clear();
    return new Result(byType, passedOver, stoppedAtUntil, dry, options.to(), group);
  }

  private static void commit(
      Producer<byte[], byte[]> producer,
      Map<TopicPartition, OffsetAndMetadata> next,
      ConsumerGroupMetadata group,
      AtomicReference<String> failure)
      throws ReplayException {
    try {
      producer.sendOffsetsToTransaction(next, group);
      producer.commitTransaction();
    } catch (ProducerFencedException e) {
      throw new ReplayException(
          "another replay of group "
              + group.groupId()
              + " started meanwhile and took over; this one stopped (nothing of its last chunk was committed)",
          e);
    } catch (KafkaException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException ignored) {
        // the transaction times out on the broker and is aborted there
      }
      String which = failure.get();
      throw new ReplayException(
          "could not replay "
              + (which != null ? "the letter at " + which : "a chunk of letters: " + e)
              + "; nothing of this chunk was committed, a rerun retries it",
          e);
    }
  }

  /** The per-type table and a summary, for people. */
  static String render(Result r) {
    StringBuilder out = new StringBuilder();
    String passTitle = r.dryRun() ? "would pass" : "replayed";
    String failTitle = r.dryRun() ? "would fail" : "still fail";
    int width = "error type".length();
    for (String t : r.byType().keySet()) {
      width = Math.max(width, t.length());
    }
    String row = "%-" + width + "s  %10s  %10s  %10s%n";
    out.append(String.format(row, "error type", passTitle, failTitle, "skipped"));
    for (Map.Entry<String, Tally> e : r.byType().entrySet()) {
      out.append(
          String.format(
              row, e.getKey(), e.getValue().pass, e.getValue().fail, e.getValue().skipped));
    }
    out.append(String.format(row, "total", r.passed(), r.failed(), r.skipped()));
    List<String> notes = new ArrayList<>();
    if (r.passedOver() > 0) {
      notes.add(r.passedOver() + " letters outside --type/--since passed over");
    }
    if (r.stoppedAtUntil() > 0) {
      notes.add(
          "stopped at the first letter after --until in " + r.stoppedAtUntil() + " partitions");
    }
    notes.forEach(n -> out.append(n).append('\n'));
    if (r.dryRun()) {
      out.append("dry run: nothing was produced or committed\n");
    } else {
      out.append("replayed ")
          .append(r.passed())
          .append(" letters to ")
          .append(r.to() != null ? r.to() : "their source topics")
          .append("; progress committed in consumer group ")
          .append(r.group())
          .append('\n');
    }
    return out.toString();
  }
}
