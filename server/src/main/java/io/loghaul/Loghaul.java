package io.loghaul;

import io.loghaul.clickhouse.BatchMemory;
import io.loghaul.config.ConfigException;
import io.loghaul.config.ConfigLoader;
import io.loghaul.config.LoghaulConfig;
import io.loghaul.dlqtools.DlqCommand;
import io.loghaul.embedded.DataDirLock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The command line: {@code loghaul run [--key=value ...]} runs the server until SIGTERM/SIGINT;
 * {@code loghaul dlq stats|show|replay} are the dead-letter tools ({@link DlqCommand}); {@code
 * help} or no arguments print usage. (The {@code ./loghaul} launcher adds {@code test} and {@code
 * bench} and builds the jar.) Exit codes: 0 clean stop or help, 1 startup failure or a failed
 * pipeline, 2 usage or configuration error (no arguments count as a usage error).
 */
public final class Loghaul {
  /** Created on first use, so {@code dlq} can send logging to stderr before logback starts. */
  private static final class Log {
    static final Logger log = LoggerFactory.getLogger(Loghaul.class);
  }

  /** The logback property naming the console stream (src/main/resources/logback.xml). */
  static final String LOG_TARGET = "loghaul.log.target";

  private Loghaul() {}

  public static void main(String[] args) {
    if (args.length == 0 || "help".equals(args[0]) || "--help".equals(args[0])) {
      usage();
      System.exit(args.length == 0 ? 2 : 0);
      return;
    }
    if ("dlq".equals(args[0])) {
      // stdout is the verb's output (a table, JSON for scripts): logs must not mix into it
      if (System.getProperty(LOG_TARGET) == null) {
        System.setProperty(LOG_TARGET, "System.err");
      }
      System.exit(
          DlqCommand.run(
              Arrays.asList(args).subList(1, args.length),
              System.getenv(),
              System.out,
              System.err,
              System.console() != null));
      return;
    }
    if (!"run".equals(args[0])) {
      System.err.println("loghaul: unknown command '" + args[0] + "'");
      usage();
      System.exit(2);
      return;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      System.out.println(ConfigLoader.describe());
      System.exit(0);
      return;
    }
    LoghaulConfig config;
    try {
      long maxHeap = Runtime.getRuntime().maxMemory();
      config = ConfigLoader.load(rest, System.getenv(), BatchMemory.largestMaxBytes(maxHeap));
      checkBatchesFitHeap(config.batch().maxBytes(), maxHeap);
      try (var rules = LoghaulServer.readRedaction(config.redaction())) {
        // checked here so that a bad rules file is a configuration error (exit 2) like the others
      }
    } catch (ConfigException e) {
      System.err.println("loghaul: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(config));
  }

  /** Refuses a {@code batch.max-bytes} whose batches this JVM's heap cannot hold. */
  static void checkBatchesFitHeap(long maxBytes, long maxHeapBytes) throws ConfigException {
    long limit = BatchMemory.largestMaxBytes(maxHeapBytes);
    if (maxBytes > limit) {
      throw new ConfigException(
          "batch.max-bytes",
          "batch.max-bytes: "
              + maxBytes
              + " (expected: at most "
              + limit
              + " with this JVM's maximum heap of "
              + (maxHeapBytes >> 20)
              + " MiB; lower it, or raise -Xmx in LOGHAUL_JAVA_OPTS)");
    }
  }

  /** Runs until the JVM is asked to stop; returns the exit code. */
  static int run(LoghaulConfig config) {
    JulBridge.install(); // gRPC and Netty log through java.util.logging
    LoghaulServer server;
    try {
      server = LoghaulServer.start(config);
    } catch (DataDirLock.InUseException e) {
      // the message says all there is to say: which key, which directory, which pid
      Log.log.error("Startup failed: {}", e.getMessage());
      return 1;
    } catch (Exception e) {
      Log.log.error("Startup failed: {}", e.getMessage(), e);
      return 1;
    }
    // Handle TERM/INT ourselves so a clean stop exits 0 (a JVM killed by a signal exits 143).
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> stop.countDown());
    }
    // a dead pipeline stops the process (exit 1): a supervisor restarts it, nothing is committed
    // past
    // what ClickHouse holds, so the restart resumes where it died
    AtomicBoolean failed = new AtomicBoolean();
    server
        .pipeline()
        .failure()
        .thenRun(
            () -> {
              failed.set(true);
              stop.countDown();
            });
    // any other exit path (System.exit elsewhere) still flushes
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "loghaul-shutdown"));
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Log.log.info(
        failed.get()
            ? "Stopping because the pipeline failed"
            : "Stopping: flushing pending batches and committing offsets");
    server.close();
    Log.log.info("Stopped");
    return failed.get() ? 1 : 0;
  }

  private static void usage() {
    System.err.println(
        """
        usage: loghaul <command> [--key=value ...]

        commands:
          run     run the server (embedded Kafka and managed ClickHouse unless
                  kafka.bootstrap / clickhouse.url are set)
          dlq     dead letters: stats, show, replay (loghaul dlq --help)

        configuration: --key=value, LOGHAUL_<KEY> environment variables, or
        --config=FILE (properties); see README.md for every key.""");
  }
}
