package io.loghaul.dlqtools;

import static java.util.Objects.requireNonNull;

import io.loghaul.config.ConfigException;
import io.loghaul.config.ConfigLoader;
import io.loghaul.config.LoghaulConfig;
import io.loghaul.kafka.KafkaClients;
import io.loghaul.pipeline.RecordDecoder;
import io.loghaul.pipeline.TopicProvisioner;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;

/**
 * {@code loghaul dlq stats|show|replay [options] [--key=value ...]} (docs/dead-letters.md): parses
 * the command line, loads the same configuration as {@code run}, connects to {@code
 * kafka.bootstrap} (unset: the embedded broker of a {@code ./loghaul run} on this host, {@code
 * 127.0.0.1:kafka.embedded.port}) and runs the verb. Results go to {@code out}, problems to {@code
 * err}. Exit codes: 0 done, 1 Kafka failed (unreachable, a produce or commit refused), 2 usage or
 * configuration error.
 */
public final class DlqCommand {
  /** Suffix of the replay's consumer group (and transactional id) after {@code kafka.group}. */
  public static final String REPLAY_GROUP_SUFFIX = ".dlq-replay";

  private static final String USAGE =
      """
      usage: loghaul dlq <verb> [options] [--key=value ...]

      verbs (each reads kafka.dlq-topic from kafka.bootstrap; settings as for run):
        stats [--format=table|json]
            letters by error type, by loghaul.error.field and by source topic, oldest and
            newest loghaul.failed.at; reads the topic to its current end and stops
        show [--type=T,...] [--limit=N]
            the newest N letters (default 10), newest last: headers and value (escaped, cut
            to 1 KiB)
        replay [--type=T,...] [--since=TIME] [--until=TIME] [--to=TOPIC] [--dry-run]
               [--max-records=N] [--max-replays=N]
            re-checks letters with today's schema and limits and produces those that pass to
            their source topic (or --to), without loghaul.error.* headers and with
            loghaul.replay.count + 1; letters replayed --max-replays times (default 3) are
            skipped; progress is committed in consumer group <kafka.group>.dlq-replay, so a
            rerun continues after the last letter handled; --dry-run counts per error type
            what would pass and what would fail, and writes nothing
      TIME: %s
      """
          .formatted(TimeArgument.EXPECTED);

  private DlqCommand() {}

  /**
   * Runs one {@code dlq} command.
   *
   * @param args the words after {@code dlq}
   * @param terminal whether {@code err} is a terminal (a progress line is shown on it)
   */
  public static int run(
      List<String> args,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      boolean terminal) {
    requireNonNull(args, "args");
    if (args.isEmpty()
        || args.contains("--help")
        || args.contains("-h")
        || args.get(0).equals("help")) {
      (args.isEmpty() ? err : out).print(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    Clock clock = Clock.systemUTC();
    DlqOptions options;
    LoghaulConfig config;
    try {
      options = DlqOptions.parse(args, clock.instant());
      config = ConfigLoader.load(options.settings(), env);
    } catch (UsageException e) {
      err.println("loghaul: " + e.getMessage());
      err.println("(loghaul dlq --help shows the verbs and their options)");
      return 2;
    } catch (ConfigException e) {
      err.println("loghaul: configuration error: " + e.getMessage());
      return 2;
    }
    KafkaClients clients = new KafkaClients(bootstrap(config.kafka()));
    String topic = config.kafka().dlqTopic();
    try {
      switch (options.verb()) {
        case STATS -> out.print(stats(clients, topic, options, new Progress(err, terminal)));
        case SHOW -> out.print(show(clients, topic, options));
        case REPLAY ->
            out.print(replay(clients, config, options, clock, new Progress(err, terminal)));
      }
      out.flush();
      return 0;
    } catch (UsageException e) {
      err.println("loghaul: " + e.getMessage());
      return 2;
    } catch (ReplayException e) {
      err.println("loghaul: dlq replay stopped: " + e.getMessage());
      return 1;
    } catch (KafkaException e) {
      err.println(
          "loghaul: dlq "
              + options.verb().word
              + " failed talking to Kafka at "
              + clients.bootstrapServers()
              + ": "
              + e);
      return 1;
    }
  }

  /** {@code kafka.bootstrap}, or the address of the embedded broker a local {@code run} starts. */
  static String bootstrap(LoghaulConfig.Kafka kafka) {
    return kafka.embedded() ? "127.0.0.1:" + kafka.embeddedPort() : kafka.bootstrap();
  }

  private static String stats(
      KafkaClients clients, String topic, DlqOptions options, Progress progress)
      throws UsageException {
    DlqStats stats = new DlqStats(topic);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(clients.dlqToolConsumer(null))) {
      DlqReader reader = DlqReader.open(consumer, topic, DlqReader.StartOffsets.beginning());
      while (!reader.done()) {
        reader.poll().forEach(stats::add);
        progress.update(
            String.format("stats: %d of %d letters read", reader.read(), reader.total()));
      }
    }
    progress.clear();
    return options.json() ? stats.json() : stats.table();
  }

  private static String show(KafkaClients clients, String topic, DlqOptions options)
      throws UsageException {
    DlqShow show = new DlqShow(options.limit());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(clients.dlqToolConsumer(null))) {
      // without a type filter the newest letters are among the last `limit` of each partition
      DlqReader reader =
          DlqReader.open(
              consumer,
              topic,
              options.types().isEmpty()
                  ? DlqReader.StartOffsets.last(options.limit())
                  : DlqReader.StartOffsets.beginning());
      while (!reader.done()) {
        for (ConsumerRecord<byte[], byte[]> r : reader.poll()) {
          if (options.selects(Letters.errorType(r.headers()))) {
            show.add(r);
          }
        }
      }
    }
    return show.render();
  }

  private static String replay(
      KafkaClients clients,
      LoghaulConfig config,
      DlqOptions options,
      Clock clock,
      Progress progress)
      throws UsageException, ReplayException {
    String group = config.kafka().group() + REPLAY_GROUP_SUFFIX;
    DlqReplay replay = new DlqReplay(options, new RecordDecoder(config.schema()), clock);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(clients.dlqToolConsumer(group))) {
      if (options.dryRun()) {
        return DlqReplay.render(
            replay.run(consumer, null, config.kafka().dlqTopic(), group, progress));
      }
      int maxRequestBytes =
          TopicProvisioner.unprovisionedDlqMaxBytes(config.schema().maxRecordBytes());
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(clients.dlqReplayProducer(group, maxRequestBytes))) {
        producer.initTransactions();
        DlqReplay.Result result =
            replay.run(consumer, producer, config.kafka().dlqTopic(), group, progress);
        producer.close(Duration.ofSeconds(30));
        return DlqReplay.render(result);
      }
    }
  }
}
