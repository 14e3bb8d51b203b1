package io.loghaul.loadtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.embedded.kafka.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka broker (the same KRaft broker loghaul embeds) in a JVM of its own, as a
 * production deployment has it: {@code ./loghaul bench broker --port=P [--data=DIR]} runs one in
 * the foreground until stopped, and {@code bench otlp --broker=process} starts one as a child
 * process ({@link #start}) and points the loghaul it starts at it with {@code --kafka.bootstrap}.
 * The child prints {@link #READY} and its bootstrap address once clients can connect, and stops
 * when its standard input closes, so it never outlives the benchmark that started it.
 */
final class BrokerProcess implements AutoCloseable {
  static final String READY = "broker ready: ";

  /**
   * The broker's default JVM options: a 512 MB heap and the G1 settings Kafka's own start scripts
   * give every broker ({@code KAFKA_JVM_PERFORMANCE_OPTS} of {@code kafka-run-class.sh}). With a
   * bare G1 heap the broker paused once for 65–93 ms in every 30 s of 10,000 OTLP req/s, which is
   * most of loghaul's P99.9 with the broker outside (BENCHMARKS.md, "External broker").
   */
  static final String DEFAULT_JVM_OPTS =
      "-Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20"
          + " -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent";

  static final Set<String> OPTIONS = Set.of("port", "data", "stdin", "server-jar");

  private final Process process;
  private final String bootstrap;

  private BrokerProcess(Process process, String bootstrap) {
    this.process = process;
    this.bootstrap = bootstrap;
  }

  /** The foreground broker of {@code ./loghaul bench broker}. */
  static void runForeground(Options o) throws Exception {
    int port = o.positiveInt("port", 9092);
    Path data = Path.of(o.string("data", "data/bench-broker"));
    try (EmbeddedKafka kafka = EmbeddedKafka.start(data, port)) {
      System.out.println(READY + kafka.bootstrapServers());
      System.out.flush();
      if (o.flag("stdin")) {
        // a child of bench otlp: stop when the parent closes our standard input (or dies)
        while (System.in.read() >= 0) {
          // discard
        }
      } else {
        Thread.currentThread().join(); // until SIGTERM/Ctrl-C; the JVM's shutdown stops Kafka
      }
    }
  }

  /**
   * Starts {@code ./loghaul bench broker} as a child JVM with {@code jvmOptions} on a free port
   * with its data under {@code data}, its output in {@code log}; returns once it serves clients.
   */
  static BrokerProcess start(Path data, int port, List<String> jvmOptions, Path log)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(LoadTest.class.getName());
    cmd.addAll(command(data, port));
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .start();
    String bootstrap = null;
    try (var logOut = Files.newBufferedWriter(log, UTF_8)) {
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        logOut.write(line);
        logOut.newLine();
        if (line.startsWith(READY)) {
          bootstrap = line.substring(READY.length()).trim();
          break;
        }
      }
    }
    if (bootstrap == null) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "the Kafka broker process exited before it was ready (exit "
              + p.exitValue()
              + ", output in "
              + log
              + ")");
    }
    BrokerProcess b = new BrokerProcess(p, bootstrap);
    // keep draining its output so that a chatty broker never blocks on a full pipe
    Thread drain =
        new Thread(
            () -> {
              try (OutputStream o = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
                p.getInputStream().transferTo(o);
              } catch (IOException e) {
                // the broker stopped
              }
            },
            "broker-output");
    drain.setDaemon(true);
    drain.start();
    return b;
  }

  /** The arguments of the child: {@code broker --port=P --data=DIR --stdin}. */
  static List<String> command(Path data, int port) {
    return List.of("broker", "--port=" + port, "--data=" + data, "--stdin");
  }

  String bootstrap() {
    return bootstrap;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      process.getOutputStream().close(); // the broker's cue to stop cleanly
    } catch (IOException e) {
      // already gone
    }
    if (!process.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
