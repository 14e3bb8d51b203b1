package io.loghaul.loadtest;

import static io.loghaul.loadtest.BenchFiles.deleteTree;
import static io.loghaul.loadtest.BenchFiles.round;

import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.clickhouse.ClickHouseTable;
import io.loghaul.clickhouse.ServerProfile;
import io.loghaul.embedded.kafka.EmbeddedKafka;
import io.loghaul.schema.ErrorType;
import io.loghaul.testkit.FreePorts;
import io.loghaul.testkit.LoghaulProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bench compare}: loads N generated JSON LogEntry records (plus bad ones) into a Kafka topic
 * once, then ingests that topic into a fresh ClickHouse table twice, one system after the other:
 * ClickHouse's own Kafka table engine with a materialized view (several settings tried, the best
 * reported), then loghaul as a child process. For each: wall time until every row is visible and
 * the consumer group has committed the end of the topic, CPU-seconds of the processes involved (the
 * Kafka broker, in this JVM, excluded), rows landed and what happened to the bad records. Writes
 * summary.json, summary.md and compare.png into --out.
 */
final class CompareSuite {
  static final Set<String> OPTIONS =
      Set.of(
          "records",
          "bad-ratio",
          "out",
          "partitions",
          "server-jar",
          "loghaul-jvm-opts",
          "timeout",
          "engine-configs",
          "flush-interval-ms",
          "loghaul-configs",
          "steady-warmup",
          "kafka-security");
  static final String TOPIC = "bench";

  /**
   * loghaul's trials: the defaults of docs/configuration.md#keys. Larger batches were tried
   * (250,000 rows / 64 MiB: fewer ClickHouse parts and merges) and were slower end to end — each
   * INSERT takes long enough that the next batch fills and the consumer pauses — so they are not
   * tried by default.
   */
  static final String DEFAULT_LOGHAUL_CONFIGS = "default";

  static final int TOO_LARGE_BYTES = 70_000;

  /** system.part_log's event type of a merge. */
  private static final String MERGE_PARTS = "MERGE_PARTS";

  /** The summary's name for merges that finished only after a trial's end. */
  private static final String MERGES_AFTER_END = MERGE_PARTS + "_AFTER_END";

  static final String LEVEL_ENUM =
      "Enum8('TRACE' = 1, 'DEBUG' = 2, 'INFO' = 3, 'WARN' = 4, 'ERROR' = 5, 'FATAL' = 6)";

  private final long records;
  private final double badRatio;
  private final Path out;
  private final int partitions;
  private final Path serverJar;
  private final List<String> jvmOpts;
  private final Duration timeout;
  private final List<int[]> engineConfigs;
  private final long flushIntervalMs;
  private final List<String> loghaulConfigs;
  private final double steadyWarmupSeconds;

  private final List<KafkaSecurity> kafkaSecurity;

  /** How loghaul's trials reach the broker: its plaintext listener or a SASL_SSL/SCRAM one. */
  enum KafkaSecurity {
    PLAINTEXT,
    SASL_SSL
  }

  CompareSuite(Options o) {
    if (!o.has("records")) {
      throw new IllegalArgumentException("compare: --records=N is required");
    }
    this.records = o.positiveLong("records", 0);
    this.badRatio = o.ratio("bad-ratio", 0);
    this.out =
        Path.of(o.string("out", Summary.defaultOut("compare").toString()))
            .toAbsolutePath()
            .normalize();
    this.partitions = o.positiveInt("partitions", 4);
    this.serverJar = Path.of(o.string("server-jar", "server/target/loghaul-server.jar"));
    this.jvmOpts = parseJvmOpts(o.string("loghaul-jvm-opts", "-Xms1g -Xmx1g"));
    this.timeout = o.duration("timeout", Duration.ofSeconds(120 + records / 5_000));
    this.engineConfigs =
        parseEngineConfigs(o.string("engine-configs", "1x65536,2x65536,2x1048576"));
    this.flushIntervalMs = o.positiveLong("flush-interval-ms", 1000);
    this.loghaulConfigs = parseLoghaulConfigs(o.string("loghaul-configs", DEFAULT_LOGHAUL_CONFIGS));
    this.steadyWarmupSeconds = o.duration("steady-warmup", Duration.ofSeconds(5)).toMillis() / 1e3;
    this.kafkaSecurity = parseKafkaSecurity(o.string("kafka-security", "plaintext"));
  }

  /**
   * "OPTS;OPTS;..." → the JVM options of each loghaul trial, tried in this order with every
   * --loghaul-configs entry (e.g. an AOT cache's training run, then without and with the cache).
   */
  static List<String> parseJvmOpts(String s) {
    List<String> list = new ArrayList<>();
    for (String part : s.split(";")) {
      list.add(part.trim().replaceAll("\\s+", " "));
    }
    return list;
  }

  /**
   * "plaintext", "sasl_ssl" or "both" (plaintext then SASL_SSL, each loghaul trial twice on the
   * same records).
   */
  static List<KafkaSecurity> parseKafkaSecurity(String s) {
    return switch (s) {
      case "plaintext" -> List.of(KafkaSecurity.PLAINTEXT);
      case "sasl_ssl" -> List.of(KafkaSecurity.SASL_SSL);
      case "both" -> List.of(KafkaSecurity.PLAINTEXT, KafkaSecurity.SASL_SSL);
      default ->
          throw new IllegalArgumentException(
              "compare: --kafka-security: " + s + " (expected: plaintext, sasl_ssl or both)");
    };
  }

  /**
   * "default;--key=value --key=value;..." → the extra arguments of each loghaul trial ("default":
   * none, the defaults of docs/configuration.md#keys).
   */
  static List<String> parseLoghaulConfigs(String s) {
    List<String> list = new ArrayList<>();
    for (String part : s.split(";")) {
      String args = part.trim();
      if (args.equals("default")) {
        list.add("");
      } else if (!args.isEmpty()
          && Arrays.stream(args.split("\\s+")).allMatch(a -> a.matches("--[a-z.-]+=\\S+"))) {
        list.add(args);
      } else {
        throw new IllegalArgumentException(
            "compare: --loghaul-configs: "
                + s
                + " (expected: ';'-separated trials, each 'default' or --key=value settings)");
      }
    }
    return list;
  }

  /** "CONSUMERSxBLOCK,..." → [consumers, blockSize] pairs; "none": no engine trials. */
  static List<int[]> parseEngineConfigs(String s) {
    List<int[]> list = new ArrayList<>();
    if (s.equals("none")) {
      return list;
    }
    for (String part : s.split(",")) {
      String[] cb = part.trim().split("x");
      try {
        int c = Integer.parseInt(cb[0]);
        int b = Integer.parseInt(cb[1]);
        if (cb.length == 2 && c > 0 && b > 0) {
          list.add(new int[] {c, b});
          continue;
        }
      } catch (RuntimeException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "compare: --engine-configs: "
              + s
              + " (expected: CONSUMERSxBLOCK_SIZE pairs, e.g. 1x65536,2x1048576, or none)");
    }
    return list;
  }

  /** Bad records of each {@link LogRecordGenerator#BAD_TYPES type}, round-robin. */
  long badRecords() {
    return Math.round(records * badRatio);
  }

  void run() throws Exception {
    if (!Files.isRegularFile(serverJar)) {
      throw new IllegalStateException(
          "loghaul server jar not found at " + serverJar + " (build it, or pass --server-jar)");
    }
    Files.createDirectories(out);
    Path work = out.resolve("work");
    deleteTree(work);
    Map<String, Object> machine = Machine.describe();
    System.out.println(
        "compare: "
            + records
            + " records + "
            + badRecords()
            + " bad; machine: "
            + Machine.oneLine(machine));
    SecureListener secure =
        kafkaSecurity.contains(KafkaSecurity.SASL_SSL)
            ? SecureListener.create(work.resolve("pki"))
            : null;
    try (EmbeddedKafka kafka =
            EmbeddedKafka.start(
                work.resolve("kafka"),
                FreePorts.freePort(),
                secure == null ? Map.of() : secure.brokerOverrides());
        BenchClickHouse ch =
            BenchClickHouse.start(
                work.resolve("clickhouse"), FreePorts.freePort(), flushIntervalMs);
        ClickHouseHttpClient client =
            new ClickHouseHttpClient(ch.url(), "default", "", Duration.ofSeconds(60));
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      if (secure != null) {
        secure.createUser(admin);
      }
      long loadStart = System.nanoTime();
      produce(kafka.bootstrapServers());
      System.out.printf(
          Locale.ROOT,
          "loaded %d records into %s (%d partitions) in %.1f s%n",
          records + badRecords(),
          TOPIC,
          partitions,
          (System.nanoTime() - loadStart) / 1e9);
      Map<TopicPartition, Long> ends = endOffsets(admin, TOPIC);

      List<Map<String, Object>> trials = new ArrayList<>();
      for (int i = 0; i < engineConfigs.size(); i++) {
        trials.add(
            runEngine(i, engineConfigs.get(i), kafka.bootstrapServers(), admin, client, ch, ends));
      }
      List<Map<String, Object>> loghaulTrials = new ArrayList<>();
      for (String jvm : jvmOpts) {
        for (String config : loghaulConfigs) {
          // the same settings over each listener back to back
          for (KafkaSecurity protocol : kafkaSecurity) {
            List<String> connection =
                protocol == KafkaSecurity.PLAINTEXT
                    ? List.of("--kafka.bootstrap=" + kafka.bootstrapServers())
                    : secure.loghaulFlags();
            Map<String, Object> r =
                runLoghaul(
                    loghaulTrials.size(), jvm, config, connection, admin, client, ch, ends, work);
            r.put("kafka_security", protocol.name());
            if (protocol != KafkaSecurity.PLAINTEXT) {
              r.put("settings", r.get("settings") + " over " + protocol.name());
            }
            loghaulTrials.add(r);
          }
        }
      }
      if (trials.isEmpty()) {
        // --engine-configs=none: loghaul's trials only (e.g. PLAINTEXT vs SASL_SSL)
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        json.put("loghaul_trials", loghaulTrials);
        Summary.write(out, json, loghaulOnlyMarkdown(machine, loghaulTrials));
      } else {
        engineAndLoghaul(machine, trials, loghaulTrials);
      }
      System.out.println(Files.readString(out.resolve("summary.md")));
      System.out.println("results in " + out);
    } catch (Exception e) {
      throw failed(e, work); // the servers are stopped by now
    } catch (Error e) {
      throw failed(e, work);
    }
    deleteTree(work); // after the try: the broker and clickhouse-server have stopped
  }

  /** The summary of a run with engine trials: the best of each side, then every trial. */
  private void engineAndLoghaul(
      Map<String, Object> machine,
      List<Map<String, Object>> trials,
      List<Map<String, Object>> loghaulTrials) {
    Map<String, Object> bestEngine =
        trials.stream()
            .max(Comparator.comparingDouble(t -> (double) t.get("records_per_s")))
            .orElseThrow();
    // the engine reads the plaintext listener: compare it with loghaul's plaintext trials
    Map<String, Object> loghaul =
        loghaulTrials.stream()
            .filter(t -> KafkaSecurity.PLAINTEXT.name().equals(t.get("kafka_security")))
            .max(Comparator.comparingDouble(t -> (double) t.get("records_per_s")))
            .orElseGet(
                () ->
                    loghaulTrials.stream()
                        .max(Comparator.comparingDouble(t -> (double) t.get("records_per_s")))
                        .orElseThrow());

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", machine);
    json.put("rows", List.of(row(loghaul), row(bestEngine)));
    json.put("engine_trials", trials);
    json.put("loghaul_details", loghaul);
    json.put("loghaul_trials", loghaulTrials);
    Summary.write(out, json, markdown(machine, loghaul, bestEngine, trials, loghaulTrials));
    Charts.bars(
        "loghaul vs ClickHouse Kafka engine, "
            + records
            + " records ("
            + Machine.oneLine(machine).split(",")[0]
            + ")",
        List.of(
            new Charts.Panel(
                "throughput",
                "records/s",
                List.of("loghaul", "kafka engine"),
                List.of(
                    (double) loghaul.get("records_per_s"),
                    (double) bestEngine.get("records_per_s"))),
            new Charts.Panel(
                "CPU per record",
                "µs",
                List.of("loghaul", "kafka engine"),
                List.of(
                    (double) loghaul.get("cpu_us_per_record"),
                    (double) bestEngine.get("cpu_us_per_record")))),
        out.resolve("compare.png"));
  }

  /**
   * A failed run keeps its logs (the servers' data goes) and says where they are; a result folder
   * left with nothing in it is removed.
   */
  private <E extends Throwable> E failed(E e, Path work) {
    try {
      deleteTree(
          work.resolve("kafka")); // the broker's segments are *.log files too: data, not logs
      boolean kept = BenchFiles.keepOnlyLogs(work);
      BenchFiles.deleteIfEmpty(out);
      if (Files.isDirectory(out)) {
        System.err.println("compare failed: " + e.getMessage());
        System.err.println(
            "logs kept in "
                + out
                + (kept
                    ? " (clickhouse-server: "
                        + work.resolve("clickhouse/log")
                        + ", loghaul: loghaul-N.log)"
                    : ""));
      }
    } catch (IOException cleanup) {
      e.addSuppressed(cleanup);
    }
    return e;
  }

  private static Map<String, Object> row(Map<String, Object> r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k :
        List.of(
            "system",
            "records",
            "records_landed",
            "seconds",
            "records_per_s",
            "cpu_seconds",
            "cpu_us_per_record",
            "bad_records_handled",
            "steady_state")) {
      m.put(k, r.get(k));
    }
    return m;
  }

  private void produce(String bootstrap) throws Exception {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
    // numbers only: the engine's JSONEachRow cannot read RFC 3339 strings into a number
    LogRecordGenerator g = new LogRecordGenerator(1, System.currentTimeMillis(), false);
    long bad = badRecords();
    long every = bad == 0 ? Long.MAX_VALUE : Math.max(1, (records + bad) / bad);
    List<ErrorType> types = LogRecordGenerator.BAD_TYPES;
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c)) {
      long badSent = 0;
      CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
      for (long i = 0, good = 0; good < records || badSent < bad; i++) {
        byte[] value;
        if ((i % every == every - 1 && badSent < bad) || good >= records) {
          value = g.bad(types.get((int) (badSent++ % types.size())), TOO_LARGE_BYTES);
        } else {
          value = g.next();
          good++;
        }
        last = send(p, new ProducerRecord<>(TOPIC, (int) (i % partitions), null, value));
      }
      p.flush();
      last.get(60, TimeUnit.SECONDS);
    }
  }

  /** Sends {@code record}; the future completes with Kafka's acknowledgement or its error. */
  static CompletableFuture<Void> send(
      KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    producer.send(
        record,
        (md, e) -> {
          if (e != null) {
            acked.completeExceptionally(e);
          } else {
            acked.complete(null);
          }
        });
    return acked;
  }

  private Map<String, Object> runEngine(
      int trial,
      int[] config,
      String bootstrap,
      Admin admin,
      ClickHouseHttpClient client,
      BenchClickHouse ch,
      Map<TopicPartition, Long> ends)
      throws Exception {
    String target = "engine_logs_" + trial;
    String queue = "engine_queue_" + trial;
    String view = "engine_mv_" + trial;
    String group = "clickhouse-engine-" + trial;
    client.query(
        ClickHouseTable.of("default", target, ServerProfile.LEGACY)
            .createTableSql(ServerProfile.LEGACY));
    // a new group would start at the end of the topic: point it at the start first
    Map<TopicPartition, OffsetAndMetadata> earliest = new HashMap<>();
    ends.keySet().forEach(tp -> earliest.put(tp, new OffsetAndMetadata(0)));
    admin.alterConsumerGroupOffsets(group, earliest).all().get(30, TimeUnit.SECONDS);
    client.query(
        "CREATE TABLE default."
            + queue
            + " (timestamp UInt64, service_name String, level String,"
            + " message String, trace_id String, span_id String) ENGINE = Kafka SETTINGS"
            + " kafka_broker_list = '"
            + bootstrap
            + "', kafka_topic_list = '"
            + TOPIC
            + "',"
            + " kafka_group_name = '"
            + group
            + "', kafka_format = 'JSONEachRow', kafka_row_delimiter = '\\n',"
            + " kafka_num_consumers = "
            + config[0]
            + ", kafka_max_block_size = "
            + config[1]);
    double cpu0 = ProcStat.cpuSeconds(ch.pid());
    Bystanders bystanders = Bystanders.start();
    long t0 = System.nanoTime();
    // attaching the view starts consumption
    client.query(
        "CREATE MATERIALIZED VIEW default."
            + view
            + " TO default."
            + target
            + " AS SELECT"
            // the alias "timestamp" shadows the source column everywhere in 18.16 (subqueries and
            // chained views do not work on a Kafka source), so timestamp_ns is only second-precise
            + " toDateTime(intDiv(timestamp, 1000), 'UTC') AS timestamp, toUInt64(timestamp) * 1000000000 AS timestamp_ns,"
            + " service_name, CAST(if(has(['TRACE','DEBUG','INFO','WARN','ERROR','FATAL'], upper(level)),"
            + " upper(level), 'INFO') AS "
            + LEVEL_ENUM
            + ") AS level, message, trace_id, span_id,"
            + " emptyArrayString() AS `attributes.key`, emptyArrayString() AS `attributes.value`,"
            + " '"
            + TOPIC
            + "' AS kafka_topic, toUInt32(0) AS kafka_partition, toUInt64(0) AS kafka_offset"
            + " FROM default."
            + queue);
    Done done =
        awaitDone(
            admin,
            group,
            ends,
            client,
            target,
            t0,
            (seconds, rows) ->
                new SteadyState.Sample(
                    seconds, rows, ProcStat.cpuSeconds(ch.pid()), Double.NaN, Map.of()));
    double cpu = ProcStat.cpuSeconds(ch.pid()) - cpu0;
    Map<String, Object> bystanderCpu = bystanders.stop(cpu);
    client.query("DROP TABLE default." + view);
    client.query("DROP TABLE default." + queue);
    long landed = count(client, target);
    Map<String, Object> r = result("clickhouse-kafka-engine", done, landed, cpu);
    r.put("steady_state", steady(done));
    r.putAll(bystanderCpu);
    r.put("parts", settle(client, target));
    r.put(
        "settings",
        Map.of(
            "kafka_num_consumers",
            config[0],
            "kafka_max_block_size",
            config[1],
            "stream_flush_interval_ms",
            flushIntervalMs));
    long bad = badRecords();
    // the engine skips rows it cannot parse and lands the rest, bad or not
    r.put("bad_records_handled", Math.max(0, records + bad - landed));
    r.put("bad_records_landed", Math.max(0, landed - records));
    System.out.println("engine " + config[0] + "x" + config[1] + ": " + r);
    return r;
  }

  private Map<String, Object> runLoghaul(
      int trial,
      String jvmOptions,
      String extraArgs,
      List<String> connection,
      Admin admin,
      ClickHouseHttpClient client,
      BenchClickHouse ch,
      Map<TopicPartition, Long> ends,
      Path work)
      throws Exception {
    String table = "loghaul_logs_" + trial;
    String group = "loghaul-bench-" + trial;
    String dlq = TOPIC + ".dlq." + trial;
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--data.dir=" + work.resolve("loghaul"),
                "--kafka.topics=" + TOPIC,
                "--kafka.ingest-topic=" + TOPIC,
                "--kafka.dlq-topic=" + dlq,
                "--kafka.group=" + group,
                "--kafka.topic-partitions=" + partitions,
                "--clickhouse.url=" + ch.url(),
                "--clickhouse.table=" + table,
                "--schema.max-record-bytes=65536",
                "--otlp.grpc.port=0",
                "--otlp.http.port=0"));
    flags.addAll(connection);
    for (String arg : extraArgs.split("\\s+")) {
      if (!arg.isEmpty()) {
        flags.add(arg);
      }
    }
    List<String> jvm =
        LauncherJdkOptions.with(
            Arrays.stream(jvmOptions.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList());
    long launch = System.nanoTime();
    try (LoghaulProcess p =
        LoghaulProcess.jar(serverJar)
            .jvmOptions(jvm)
            .flags(flags)
            .log(out.resolve("loghaul-" + trial + ".log"))
            .start()) {
      // ready = consuming: the clock starts when /readyz says so, not when the JVM starts
      p.awaitReady(Duration.ofSeconds(120));
      double chCpu0 = ProcStat.cpuSeconds(ch.pid());
      double jvmCpu0 = ProcStat.cpuSeconds(p.pid());
      double jit0 = jitCpuSeconds(p.pid());
      Bystanders bystanders = Bystanders.start();
      long t0 = System.nanoTime();
      double startupSeconds = (t0 - launch) / 1e9;
      Done done =
          awaitDone(
              admin,
              group,
              ends,
              client,
              table,
              t0,
              (seconds, rows) -> {
                double loghaulCpu = ProcStat.cpuSeconds(p.pid());
                return new SteadyState.Sample(
                    seconds,
                    rows,
                    loghaulCpu + ProcStat.cpuSeconds(ch.pid()),
                    loghaulCpu,
                    ProcStat.cpuSecondsByThread(p.pid()));
              });
      double jit = jitCpuSeconds(p.pid()) - jit0;
      double jvmCpu = ProcStat.cpuSeconds(p.pid()) - jvmCpu0;
      double chCpu = ProcStat.cpuSeconds(ch.pid()) - chCpu0;
      Map<String, Object> bystanderCpu = bystanders.stop(jvmCpu + chCpu);
      long rss = ProcStat.rssBytes(p.pid());
      Map<String, Object> threads = new LinkedHashMap<>();
      ProcStat.cpuSecondsByThread(p.pid()).entrySet().stream()
          .limit(12)
          .forEach(e -> threads.put(e.getKey(), round(e.getValue())));
      long landed = count(client, table);
      long dead = endOffsets(admin, dlq).values().stream().mapToLong(Long::longValue).sum();
      Map<String, Object> r = result("loghaul", done, landed, jvmCpu + chCpu);
      r.put("bad_records_handled", dead);
      r.putAll(bystanderCpu);
      r.put("cpu_seconds_loghaul_jvm", round(jvmCpu));
      r.put("cpu_seconds_clickhouse", round(chCpu));
      r.put("steady_state", steady(done));
      r.put("jit_cpu_seconds", round(jit));
      r.put("startup_seconds", round(startupSeconds));
      r.put("startup_cpu_seconds", round(jvmCpu0));
      r.put("startup_jit_cpu_seconds", round(jit0));
      r.put("rss_bytes_at_end", rss);
      r.put("cpu_seconds_by_thread_whole_life", threads);
      r.put("jvm_opts", jvmOptions);
      r.put("settings", extraArgs.isEmpty() ? "default" : extraArgs);
      try {
        p.terminate(Duration.ofSeconds(60));
      } catch (IllegalStateException e) {
        System.err.println("compare: " + e.getMessage()); // killed; the trial's numbers stand
      }
      r.put("parts", settle(client, table));
      System.out.println("loghaul: " + r);
      return r;
    }
  }

  private Map<String, Object> result(String system, Done done, long landed, double cpu) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("system", system);
    r.put("records", records);
    r.put("records_landed", landed);
    r.put("seconds", round(done.seconds()));
    r.put("records_per_s", round(landed / done.seconds()));
    r.put("cpu_seconds", round(cpu));
    r.put("cpu_us_per_record", round(cpu * 1e6 / Math.max(1, landed)));
    r.put("completed", done.completed());
    return r;
  }

  /** The steady-state figures of a trial, or null when the run was too short for them. */
  private Map<String, Object> steady(Done done) {
    return SteadyState.of(done.samples(), steadyWarmupSeconds)
        .map(SteadyState.Window::toMap)
        .orElse(null);
  }

  /** CPU seconds of the JIT compiler threads of a JVM so far. */
  private static double jitCpuSeconds(long pid) {
    return ProcStat.cpuSecondsByThread(pid).getOrDefault(SteadyState.JIT_THREADS, 0.0);
  }

  record Done(double seconds, boolean completed, List<SteadyState.Sample> samples) {}

  /** Reads the counted CPU at a moment of a trial. */
  interface Meter {
    SteadyState.Sample read(double seconds, long rows);
  }

  /**
   * CPU used during a trial by what it does not count: this JVM (the Kafka broker serving the
   * fetches, plus the harness's polling) and every other process on the machine (which should be
   * about 0; more means the numbers are disturbed).
   */
  record Bystanders(double self0, double machine0) {
    static Bystanders start() {
      return new Bystanders(
          ProcStat.cpuSeconds(ProcessHandle.current().pid()), ProcStat.machineBusySeconds());
    }

    Map<String, Object> stop(double countedCpuSeconds) {
      double self = ProcStat.cpuSeconds(ProcessHandle.current().pid()) - self0;
      double machine = ProcStat.machineBusySeconds() - machine0;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("cpu_seconds_broker_and_harness", round(self));
      m.put("cpu_seconds_other_processes", round(Math.max(0, machine - self - countedCpuSeconds)));
      return m;
    }
  }

  /**
   * Waits until {@code group} has committed the end of every partition and the table's row count
   * has not changed for a second; returns the time from {@code t0} to the last change of either.
   * Gives up after --timeout (completed = false): a consumer that stalls on a bad record.
   */
  private Done awaitDone(
      Admin admin,
      String group,
      Map<TopicPartition, Long> ends,
      ClickHouseHttpClient client,
      String table,
      long t0,
      Meter meter)
      throws Exception {
    List<SteadyState.Sample> samples = new ArrayList<>();
    samples.add(meter.read(0, 0));
    long deadline = t0 + timeout.toNanos();
    long lastCount = -1;
    long lastChange = t0;
    boolean committed = false;
    while (System.nanoTime() < deadline) {
      Thread.sleep(200);
      long now = System.nanoTime();
      long n = count(client, table);
      samples.add(meter.read((now - t0) / 1e9, n));
      if (n != lastCount) {
        lastCount = n;
        lastChange = now;
      }
      if (!committed) {
        Map<TopicPartition, OffsetAndMetadata> c =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        committed =
            ends.entrySet().stream()
                .allMatch(
                    e -> c.get(e.getKey()) != null && c.get(e.getKey()).offset() >= e.getValue());
        if (committed) {
          lastChange = now;
        }
      }
      if (committed && now - lastChange >= TimeUnit.SECONDS.toNanos(1)) {
        return new Done((lastChange - t0) / 1e9, true, samples);
      }
    }
    return new Done(timeout.toNanos() / 1e9, false, samples);
  }

  /**
   * What ClickHouse did with a finished trial's table (parts written by INSERTs, merges and the
   * rows they rewrote, from system.part_log), then waits for its background merges to end and drops
   * it, so that the next trial's CPU counters see none of this trial's work. Merges that finish
   * while it waits are reported apart ({@code MERGE_PARTS_AFTER_END}): the trial's CPU counters had
   * stopped, so at most the part of them that ran before its end is counted.
   */
  static Map<String, Object> settle(ClickHouseHttpClient client, String table) throws Exception {
    Map<String, Map<String, Long>> atEnd = partLog(client, table);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline
        && Long.parseLong(client.query("SELECT count() FROM system.merges").trim()) > 0) {
      Thread.sleep(200);
    }
    Map<String, Long> mergedByNow = partLog(client, table).get(MERGE_PARTS);
    client.query("DROP TABLE default." + table);
    Map<String, Object> parts = new LinkedHashMap<>(atEnd);
    mergesSince(atEnd.get(MERGE_PARTS), mergedByNow).ifPresent(m -> parts.put(MERGES_AFTER_END, m));
    return parts;
  }

  /**
   * The merges of {@code mergedByNow} (part_log's totals: parts, rows, duration_ms) that {@code
   * mergedBefore} (the same, earlier; null when there were none) did not have; empty if none.
   */
  static Optional<Map<String, Long>> mergesSince(
      Map<String, Long> mergedBefore, Map<String, Long> mergedByNow) {
    if (mergedByNow == null || mergedByNow.equals(mergedBefore)) {
      return Optional.empty();
    }
    Map<String, Long> since = new LinkedHashMap<>();
    mergedByNow.forEach(
        (k, v) -> since.put(k, v - (mergedBefore == null ? 0 : mergedBefore.getOrDefault(k, 0L))));
    return Optional.of(since);
  }

  /** The table's part_log so far by event type: parts, rows, duration_ms. */
  private static Map<String, Map<String, Long>> partLog(ClickHouseHttpClient client, String table)
      throws Exception {
    client.query("SYSTEM FLUSH LOGS");
    Map<String, Map<String, Long>> parts = new LinkedHashMap<>();
    String rows =
        client.query(
            "SELECT event_type, count(), sum(rows), sum(duration_ms) FROM system.part_log"
                + " WHERE database = 'default' AND table = '"
                + table
                + "' GROUP BY event_type ORDER BY event_type");
    for (String line : rows.split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 4) {
        // event_type is an Enum: NEW_PART, MERGE_PARTS, ...
        Map<String, Long> of = new LinkedHashMap<>();
        of.put("parts", Long.parseLong(f[1]));
        of.put("rows", Long.parseLong(f[2]));
        of.put("duration_ms", Long.parseLong(f[3]));
        parts.put(f[0], of);
      }
    }
    return parts;
  }

  static long count(ClickHouseHttpClient client, String table) throws Exception {
    return Long.parseLong(client.query("SELECT count() FROM default." + table).trim());
  }

  static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    var desc =
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    Map<TopicPartition, OffsetSpec> q = new HashMap<>();
    desc.partitions()
        .forEach(p -> q.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(q)
        .all()
        .get(30, TimeUnit.SECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /**
   * The steady-state lines of the summary: both systems' rate and CPU per record after the warm-up,
   * their ratios, and where loghaul's JVM spent its CPU meanwhile.
   */
  @SuppressWarnings({"FormatString", "unchecked"})
  String steadyMarkdown(Map<String, Object> loghaul, Map<String, Object> engine) {
    Map<String, Object> l = (Map<String, Object>) loghaul.get("steady_state");
    Map<String, Object> e = (Map<String, Object>) engine.get("steady_state");
    if (l == null || e == null) {
      return String.format(
          Locale.ROOT,
          "Steady state: not measured (a trial landed 95 %% of its rows less than %.0f s after"
              + " the %.0f s warm-up; use more --records).%n%n",
          SteadyState.MIN_SECONDS,
          steadyWarmupSeconds);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Steady state (from the first rows landing after a %.0f s warm-up until 95 %% of the"
                + " rows landed; the whole-run figures above include the start and the tail):%n%n",
            steadyWarmupSeconds));
    sb.append("| system | window s | rows | records/s | CPU µs/record | JVM CPU µs/record |\n");
    sb.append("|---|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, Map<String, Object>> r :
        List.of(Map.entry("loghaul", l), Map.entry("clickhouse-kafka-engine", e))) {
      Map<String, Object> w = r.getValue();
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f–%.1f | %,d | %,.0f | %.2f | %s |%n",
              r.getKey(),
              w.get("from_s"),
              w.get("to_s"),
              w.get("rows"),
              w.get("records_per_s"),
              w.get("cpu_us_per_record"),
              w.containsKey("jvm_cpu_us_per_record")
                  ? String.format(Locale.ROOT, "%.2f", w.get("jvm_cpu_us_per_record"))
                  : "–"));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nloghaul / engine in the steady state: %.2f× the records/s, %.2f× the CPU per"
                + " record. loghaul JVM CPU-s by thread in the window: %s (JIT %.2f CPU-s).%n%n",
            (double) l.get("records_per_s") / Math.max(1e-9, (double) e.get("records_per_s")),
            (double) l.get("cpu_us_per_record")
                / Math.max(1e-9, (double) e.get("cpu_us_per_record")),
            l.get("jvm_cpu_seconds_by_thread"),
            l.get("jit_cpu_seconds")));
    return sb.toString();
  }

  /**
   * The summary of a run without engine trials: each loghaul trial with its listener, and for each
   * settings tried over both listeners the SASL_SSL / PLAINTEXT ratios.
   */
  // the values are doubles for %f and whole numbers for %d (see markdown)
  @SuppressWarnings("FormatString")
  String loghaulOnlyMarkdown(Map<String, Object> machine, List<Map<String, Object>> trials) {
    StringBuilder sb = new StringBuilder("# bench compare: loghaul over Kafka listeners\n\n");
    sb.append("Machine: ").append(Machine.oneLine(machine)).append("  \n");
    sb.append(
        String.format(
            Locale.ROOT,
            "Records: %,d good + %,d bad JSON LogEntry records, topic with %d partitions, loaded"
                + " once; each trial a fresh loghaul (own consumer group and table) from the start"
                + " of the topic, one after the other. SASL_SSL: SCRAM-SHA-512 over TLS"
                + " (throwaway CA, EC P-256 broker certificate).%n%n",
            records,
            badRecords(),
            partitions));
    sb.append(
        "| listener | settings | records | landed | seconds | records/s | CPU-s (JVM + clickhouse) |"
            + " CPU µs/record | JVM CPU-s | broker + harness CPU-s | other processes CPU-s |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map<String, Object> t : trials) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s%s | %,d | %,d | %.2f | %,.0f | %.2f | %.2f | %.2f | %s | %s |%n",
              t.get("kafka_security"),
              t.get("settings"),
              Boolean.TRUE.equals(t.get("completed")) ? "" : " (timed out)",
              t.get("records"),
              t.get("records_landed"),
              t.get("seconds"),
              t.get("records_per_s"),
              t.get("cpu_seconds"),
              t.get("cpu_us_per_record"),
              t.get("cpu_seconds_loghaul_jvm"),
              t.get("cpu_seconds_broker_and_harness"),
              t.get("cpu_seconds_other_processes")));
    }
    for (int i = 0; i + 1 < trials.size(); i++) {
      Map<String, Object> a = trials.get(i);
      Map<String, Object> b = trials.get(i + 1);
      if (KafkaSecurity.PLAINTEXT.name().equals(a.get("kafka_security"))
          && KafkaSecurity.SASL_SSL.name().equals(b.get("kafka_security"))) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%nSASL_SSL / PLAINTEXT (%s): %.3f× the records/s, %.3f× the CPU per record.%n",
                a.get("settings"),
                (double) b.get("records_per_s") / Math.max(1e-9, (double) a.get("records_per_s")),
                (double) b.get("cpu_us_per_record")
                    / Math.max(1e-9, (double) a.get("cpu_us_per_record"))));
      }
    }
    return sb.toString();
  }

  // The values come from Map<String, Object> result maps, which Error Prone cannot check against
  // %d/%f; this class puts in them whole numbers for %d and doubles for %f.
  @SuppressWarnings("FormatString")
  String markdown(
      Map<String, Object> machine,
      Map<String, Object> loghaul,
      Map<String, Object> engine,
      List<Map<String, Object>> trials,
      List<Map<String, Object>> loghaulTrials) {
    StringBuilder sb = new StringBuilder("# bench compare: loghaul vs ClickHouse Kafka engine\n\n");
    sb.append("Machine: ").append(Machine.oneLine(machine)).append("  \n");
    sb.append(
        String.format(
            Locale.ROOT,
            "Records: %,d good JSON LogEntry records (150 B–2 KB mix, epoch-ms timestamps)"
                + " + %,d bad ones (every JSON error type, round-robin); topic with %d partitions, loaded once.%n%n",
            records,
            badRecords(),
            partitions));
    sb.append(
        "| system | records | landed | seconds | records/s | CPU-s | CPU µs/record | bad records handled |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map<String, Object> r : List.of(loghaul, engine)) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s%s | %,d | %,d | %.2f | %,.0f | %.2f | %.2f | %,d |%n",
              r.get("system"),
              Boolean.TRUE.equals(r.get("completed")) ? "" : " (timed out)",
              r.get("records"),
              r.get("records_landed"),
              r.get("seconds"),
              r.get("records_per_s"),
              r.get("cpu_seconds"),
              r.get("cpu_us_per_record"),
              r.get("bad_records_handled")));
    }
    double ratio =
        (double) loghaul.get("records_per_s")
            / Math.max(1e-9, (double) engine.get("records_per_s"));
    double cpuRatio =
        (double) loghaul.get("cpu_us_per_record")
            / Math.max(1e-9, (double) engine.get("cpu_us_per_record"));
    sb.append(
        String.format(
            Locale.ROOT,
            "%nloghaul / engine: %.2f× the records/s, %.2f× the CPU per record.%n%n",
            ratio,
            cpuRatio));
    sb.append(steadyMarkdown(loghaul, engine));
    sb.append(
        String.format(
            Locale.ROOT,
            "loghaul CPU: JVM %.2f s (of which JIT compiler threads %.2f s) + clickhouse-server"
                + " %.2f s; start-up (excluded) %.1f s to ready using %.2f CPU-s (JIT %.2f);"
                + " RSS at end %,d MB; JVM options %s. Bad records went to the DLQ topic.%n%n",
            loghaul.get("cpu_seconds_loghaul_jvm"),
            loghaul.get("jit_cpu_seconds"),
            loghaul.get("cpu_seconds_clickhouse"),
            loghaul.get("startup_seconds"),
            loghaul.get("startup_cpu_seconds"),
            loghaul.get("startup_jit_cpu_seconds"),
            ((Number) loghaul.get("rss_bytes_at_end")).longValue() >> 20,
            loghaul.get("jvm_opts")));
    sb.append("loghaul JVM CPU-s by thread over its whole life (start-up included): ")
        .append(loghaul.get("cpu_seconds_by_thread_whole_life"))
        .append("\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "Not counted above: the Kafka broker (and this harness's polling) used %s"
                + " CPU-s during the loghaul run and %s during the engine's; other processes on the machine %s and %s"
                + " CPU-s (should be about 0).%n%n",
            loghaul.get("cpu_seconds_broker_and_harness"),
            engine.get("cpu_seconds_broker_and_harness"),
            loghaul.get("cpu_seconds_other_processes"),
            engine.get("cpu_seconds_other_processes")));
    sb.append(
        String.format(
            Locale.ROOT,
            "ClickHouse parts (system.part_log, new parts and merges until the trial's end;"
                + " %s: merges that finished after it, their CPU not or only"
                + " partly counted): loghaul %s; engine %s.%n%n",
            MERGES_AFTER_END,
            loghaul.get("parts"),
            engine.get("parts")));
    sb.append(
        "loghaul settings tried (the best is the row above; CPU = loghaul's JVM + clickhouse-server):\n\n");
    sb.append(
        "| JVM options | settings | seconds | records/s | CPU µs/record | JVM CPU-s | JIT CPU-s"
            + " | clickhouse-server CPU-s | start-up s | start-up CPU-s | steady records/s"
            + " | steady CPU µs/record | steady JVM µs/record | ClickHouse parts |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Map<String, Object> t : loghaulTrials) {
      @SuppressWarnings("unchecked")
      Map<String, Object> st = (Map<String, Object>) t.get("steady_state");
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.2f | %,.0f | %.2f | %.2f | %.2f | %.2f | %.1f | %.2f | %s | %s | %s | %s |%n",
              t.get("jvm_opts"),
              t.get("settings"),
              t.get("seconds"),
              t.get("records_per_s"),
              t.get("cpu_us_per_record"),
              t.get("cpu_seconds_loghaul_jvm"),
              t.get("jit_cpu_seconds"),
              t.get("cpu_seconds_clickhouse"),
              t.get("startup_seconds"),
              t.get("startup_cpu_seconds"),
              st == null ? "–" : String.format(Locale.ROOT, "%,.0f", st.get("records_per_s")),
              st == null ? "–" : String.format(Locale.ROOT, "%.2f", st.get("cpu_us_per_record")),
              st == null
                  ? "–"
                  : String.format(Locale.ROOT, "%.2f", st.get("jvm_cpu_us_per_record")),
              t.get("parts")));
    }
    sb.append("\n");
    sb.append(
        "Kafka engine settings tried (best first row above; CPU = clickhouse-server only):\n\n");
    sb.append(
        "| kafka_num_consumers | kafka_max_block_size | seconds | records/s | CPU µs/record | landed |\n");
    sb.append("|---:|---:|---:|---:|---:|---:|\n");
    for (Map<String, Object> t : trials) {
      @SuppressWarnings("unchecked")
      Map<String, Object> s = (Map<String, Object>) t.get("settings");
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.2f | %,.0f | %.2f | %,d |%n",
              s.get("kafka_num_consumers"),
              s.get("kafka_max_block_size"),
              t.get("seconds"),
              t.get("records_per_s"),
              t.get("cpu_us_per_record"),
              t.get("records_landed")));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nstream_flush_interval_ms = %d. What the engine does NOT do that loghaul does:"
                + " attributes are dropped (18.16's JSONEachRow cannot read an object into a column; skipped as unknown);"
                + " no timestamp window, no RFC 3339 timestamps, no hex-id, size or depth checks, no duplicate-key or"
                + " unknown-field rejection; unparsable rows are silently skipped (input_format_allow_errors_*), not"
                + " dead-lettered, and bad-but-parsable rows land as data; timestamp_ns is second-precise; provenance columns are constants (18.16 has"
                + " no _partition/_offset virtual columns).%n",
            flushIntervalMs));
    return sb.toString();
  }
}
