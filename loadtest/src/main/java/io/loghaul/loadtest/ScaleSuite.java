package io.loghaul.loadtest;

import static io.loghaul.loadtest.BenchFiles.deleteTree;
import static io.loghaul.loadtest.BenchFiles.round;

import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.embedded.kafka.EmbeddedKafka;
import io.loghaul.testkit.FreePorts;
import io.loghaul.testkit.LoghaulProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bench scale}: loads N generated JSON LogEntry records into one Kafka topic once, then
 * ingests it into ClickHouse with 1, 2, ... loghaul processes in one consumer group (one trial per
 * count, each with its own group and table). A trial measures from the moment every instance holds
 * partitions (the instances start together, but the first to join consumes alone for a moment)
 * until the group has committed the end of the topic: records/s over that window and CPU per record
 * of the loghaul processes (summed, from /proc) and of clickhouse-server. ClickHouse is a local
 * server started here, or {@code --clickhouse-url} (several endpoints, a cluster: passed to loghaul
 * as is) with {@code --clickhouse-pids} naming the local server processes whose CPU to count.
 * Writes summary.json and summary.md into --out.
 */
final class ScaleSuite {
  static final Set<String> OPTIONS =
      Set.of(
          "records",
          "partitions",
          "instances",
          "out",
          "server-jar",
          "loghaul-jvm-opts",
          "loghaul-args",
          "timeout",
          "clickhouse-url",
          "clickhouse-pids");
  static final String TOPIC = "scale";

  private final long records;
  private final int partitions;
  private final List<Integer> instances;
  private final Path out;
  private final Path serverJar;
  private final List<String> jvmOpts;
  private final List<String> loghaulArgs;
  private final Duration timeout;
  private final String clickhouseUrl;
  private final List<Long> clickhousePids;

  ScaleSuite(Options o) {
    this.records = o.positiveLong("records", 1_000_000);
    this.partitions = o.positiveInt("partitions", 8);
    this.instances = parseInstances(o.string("instances", "1,2"));
    this.out =
        Path.of(o.string("out", Summary.defaultOut("scale").toString()))
            .toAbsolutePath()
            .normalize();
    this.serverJar = Path.of(o.string("server-jar", "server/target/loghaul-server.jar"));
    this.jvmOpts = words(o.string("loghaul-jvm-opts", "-Xms512m -Xmx512m"));
    this.loghaulArgs = words(o.string("loghaul-args", ""));
    this.timeout = o.duration("timeout", Duration.ofSeconds(120 + records / 2_000));
    this.clickhouseUrl = o.has("clickhouse-url") ? o.string("clickhouse-url", "") : null;
    this.clickhousePids = parsePids(o.string("clickhouse-pids", ""));
    if (clickhouseUrl == null && !clickhousePids.isEmpty()) {
      throw new IllegalArgumentException(
          "scale: --clickhouse-pids: only with --clickhouse-url (the local server is measured)");
    }
    if (instances.stream().anyMatch(n -> n > partitions)) {
      throw new IllegalArgumentException(
          "scale: --instances: "
              + instances
              + " (expected: at most --partitions="
              + partitions
              + " each; an instance without a partition idles)");
    }
  }

  /** "1,2,4" → [1, 2, 4]. */
  static List<Integer> parseInstances(String s) {
    List<Integer> list = new ArrayList<>();
    for (String part : s.split(",")) {
      try {
        int n = Integer.parseInt(part.trim());
        if (n > 0) {
          list.add(n);
          continue;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "scale: --instances: " + s + " (expected: instance counts, e.g. 1,2)");
    }
    return list;
  }

  /** "123,456" → [123, 456]; "" → []. */
  static List<Long> parsePids(String s) {
    List<Long> list = new ArrayList<>();
    for (String part : s.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        list.add(Long.parseLong(part.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "scale: --clickhouse-pids: " + s + " (expected: process ids, e.g. 1234,1240)", e);
      }
    }
    return list;
  }

  private static List<String> words(String s) {
    return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
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
    machine.put("load_average_at_start", loadAverage());
    System.out.println(
        "scale: "
            + records
            + " records, "
            + partitions
            + " partitions, instances "
            + instances
            + "; machine: "
            + Machine.oneLine(machine)
            + "; load "
            + loadAverage());
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"), FreePorts.freePort());
        BenchClickHouse local =
            clickhouseUrl == null
                ? BenchClickHouse.start(work.resolve("clickhouse"), FreePorts.freePort(), 1000)
                : null;
        ClickHouseHttpClient client =
            new ClickHouseHttpClient(
                local != null ? local.url() : clickhouseUrl,
                "default",
                "",
                Duration.ofSeconds(60));
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      String url = local != null ? local.url() : clickhouseUrl;
      List<Long> chPids = local != null ? List.of(local.pid()) : clickhousePids;
      admin
          .createTopics(
              List.of(
                  new NewTopic(TOPIC, partitions, (short) 1),
                  new NewTopic(TOPIC + ".dlq", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      long loadStart = System.nanoTime();
      produce(kafka.bootstrapServers());
      System.out.printf(
          Locale.ROOT,
          "loaded %d records into %s (%d partitions) in %.1f s%n",
          records,
          TOPIC,
          partitions,
          (System.nanoTime() - loadStart) / 1e9);
      Map<TopicPartition, Long> ends = CompareSuite.endOffsets(admin, TOPIC);
      String run = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);
      List<Map<String, Object>> trials = new ArrayList<>();
      for (int n : instances) {
        trials.add(trial(n, run, kafka.bootstrapServers(), url, chPids, admin, client, ends, work));
      }
      Map<String, Object> json = new LinkedHashMap<>();
      machine.put("load_average_at_end", loadAverage());
      json.put("machine", machine);
      json.put("records", records);
      json.put("partitions", partitions);
      json.put("clickhouse", local != null ? "one local clickhouse-server" : clickhouseUrl);
      json.put("trials", trials);
      Summary.write(out, json, markdown(machine, trials, local != null));
      System.out.println(Files.readString(out.resolve("summary.md")));
      System.out.println("results in " + out);
    }
    deleteTree(work);
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
    LogRecordGenerator g = new LogRecordGenerator(1, System.currentTimeMillis(), false);
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c)) {
      CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
      for (long i = 0; i < records; i++) {
        last =
            CompareSuite.send(
                p, new ProducerRecord<>(TOPIC, (int) (i % partitions), null, g.next()));
      }
      p.flush();
      last.get(60, TimeUnit.SECONDS);
    }
  }

  /** CPU seconds of every process in {@code pids}, summed; -1 if one cannot be read. */
  private static double cpu(List<Long> pids) {
    double sum = 0;
    for (long pid : pids) {
      double s = ProcStat.cpuSeconds(pid);
      if (s < 0) {
        return -1;
      }
      sum += s;
    }
    return sum;
  }

  private Map<String, Object> trial(
      int n,
      String run,
      String bootstrap,
      String url,
      List<Long> chPids,
      Admin admin,
      ClickHouseHttpClient client,
      Map<TopicPartition, Long> ends,
      Path work)
      throws Exception {
    String table = "scale_" + run + "_" + n;
    String group = "scale-" + run + "-" + n;
    List<LoghaulProcess> procs = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        List<String> flags =
            new ArrayList<>(
                List.of(
                    "--data.dir=" + work.resolve("loghaul-" + n + "-" + i),
                    "--kafka.bootstrap=" + bootstrap,
                    "--kafka.topics=" + TOPIC,
                    "--kafka.ingest-topic=" + TOPIC,
                    "--kafka.dlq-topic=" + TOPIC + ".dlq",
                    "--kafka.group=" + group,
                    "--kafka.create-topics=false",
                    "--clickhouse.url=" + url,
                    "--clickhouse.table=" + table,
                    "--otlp.grpc.port=0",
                    "--otlp.http.port=0"));
        flags.addAll(loghaulArgs);
        procs.add(
            LoghaulProcess.jar(serverJar)
                .jvmOptions(LauncherJdkOptions.with(jvmOpts))
                .flags(flags)
                .log(out.resolve("loghaul-" + n + "-" + i + ".log"))
                .start());
      }
      for (LoghaulProcess p : procs) {
        p.awaitReady(Duration.ofSeconds(180));
      }
      List<Long> pids = procs.stream().map(LoghaulProcess::pid).toList();
      double lhCpuStart = cpu(pids);
      double chCpuStart = cpu(chPids);
      long startRows = CompareSuite.count(client, table);

      // the window opens when every instance holds partitions
      long deadline = System.nanoTime() + timeout.toNanos();
      Sample open = null;
      Sample last = null;
      long lastRows = -1;
      long lastChange = System.nanoTime();
      boolean committed = false;
      while (System.nanoTime() < deadline) {
        long now = System.nanoTime();
        long rows = CompareSuite.count(client, table);
        if (open == null && everyMemberAssigned(admin, group, n)) {
          open = new Sample(now, rows, cpu(pids), cpu(chPids));
        }
        if (rows != lastRows) {
          lastRows = rows;
          lastChange = now;
          last = new Sample(now, rows, cpu(pids), cpu(chPids));
        }
        if (!committed) {
          committed = committedEnd(admin, group, ends);
        }
        if (committed && open != null && now - lastChange >= TimeUnit.SECONDS.toNanos(1)) {
          break;
        }
        Thread.sleep(200);
      }
      boolean completed = committed && open != null && last != null;
      long rowsAtEnd = CompareSuite.count(client, table);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("instances", n);
      r.put("completed", completed);
      r.put("rows", rowsAtEnd);
      r.put("rows_before_all_instances_joined", open == null ? -1 : open.rows() - startRows);
      if (completed) {
        long windowRows = last.rows() - open.rows();
        double seconds = (last.nanos() - open.nanos()) / 1e9;
        double lhCpu = last.loghaulCpu() - open.loghaulCpu();
        double chCpu = chPids.isEmpty() ? -1 : last.clickhouseCpu() - open.clickhouseCpu();
        r.put("window_rows", windowRows);
        r.put("window_seconds", round(seconds));
        r.put("records_per_s", round(windowRows / Math.max(seconds, 1e-3)));
        r.put("loghaul_cpu_seconds", round(lhCpu));
        r.put("loghaul_cpu_us_per_record", round(lhCpu * 1e6 / Math.max(1, windowRows)));
        r.put("clickhouse_cpu_seconds", round(chCpu));
        r.put(
            "clickhouse_cpu_us_per_record",
            chCpu < 0 ? -1 : round(chCpu * 1e6 / Math.max(1, windowRows)));
        // the whole trial, the first instance's lone start included
        r.put(
            "loghaul_cpu_us_per_record_whole_run",
            round((cpu(pids) - lhCpuStart) * 1e6 / Math.max(1, rowsAtEnd - startRows)));
        r.put(
            "clickhouse_cpu_us_per_record_whole_run",
            chPids.isEmpty()
                ? -1
                : round((cpu(chPids) - chCpuStart) * 1e6 / Math.max(1, rowsAtEnd - startRows)));
      }
      r.put("load_average", loadAverage());
      r.put("jvm_opts", String.join(" ", jvmOpts));
      r.put("loghaul_args", String.join(" ", loghaulArgs));
      System.out.println("scale: " + r);
      return r;
    } finally {
      for (LoghaulProcess p : procs) {
        try {
          p.terminate(Duration.ofSeconds(60));
        } catch (IllegalStateException e) {
          System.err.println("scale: " + e.getMessage());
        }
        p.close();
      }
      if (clickhouseUrl == null) {
        // wait for this trial's merges and drop its table, so the next trial's CPU sees none
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < until
            && Long.parseLong(client.query("SELECT count() FROM system.merges").trim()) > 0) {
          Thread.sleep(200);
        }
        client.query("DROP TABLE IF EXISTS default." + table);
      }
    }
  }

  /** When the rows reached a count, and the CPU seconds spent by then. */
  record Sample(long nanos, long rows, double loghaulCpu, double clickhouseCpu) {}

  private static boolean everyMemberAssigned(Admin admin, String group, int n) throws Exception {
    ConsumerGroupDescription g =
        admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
    return g.members().size() == n
        && g.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
  }

  private static boolean committedEnd(Admin admin, String group, Map<TopicPartition, Long> ends)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> c =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    return ends.entrySet().stream()
        .allMatch(e -> c.get(e.getKey()) != null && c.get(e.getKey()).offset() >= e.getValue());
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String markdown(
      Map<String, Object> machine, List<Map<String, Object>> trials, boolean local) {
    StringBuilder sb = new StringBuilder();
    sb.append("# bench scale\n\n")
        .append(Machine.oneLine(machine))
        .append("; load average ")
        .append(machine.get("load_average_at_start"))
        .append(" → ")
        .append(machine.get("load_average_at_end"))
        .append("\n\nClickHouse: ")
        .append(local ? "one local clickhouse-server" : "given by --clickhouse-url")
        .append(". The window runs from the moment every instance holds partitions to the last")
        .append(" row; CPU from /proc over the same window.\n\n")
        .append(
            "| instances | window rows | seconds | records/s | loghaul CPU µs/record |"
                + " ClickHouse CPU µs/record | loghaul CPU-s | ClickHouse CPU-s | load |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> t : trials) {
      if (!Boolean.TRUE.equals(t.get("completed"))) {
        sb.append("| ").append(t.get("instances")).append(" | did not complete |||||||\n");
        continue;
      }
      sb.append("| ")
          .append(t.get("instances"))
          .append(" | ")
          .append(t.get("window_rows"))
          .append(" | ")
          .append(t.get("window_seconds"))
          .append(" | ")
          .append(t.get("records_per_s"))
          .append(" | ")
          .append(t.get("loghaul_cpu_us_per_record"))
          .append(" | ")
          .append(t.get("clickhouse_cpu_us_per_record"))
          .append(" | ")
          .append(t.get("loghaul_cpu_seconds"))
          .append(" | ")
          .append(t.get("clickhouse_cpu_seconds"))
          .append(" | ")
          .append(t.get("load_average"))
          .append(" |\n");
    }
    return sb.toString();
  }
}
