package io.loghaul.clickhouse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.embedded.ManagedClickHouse;
import io.loghaul.schema.LogEntry;
import io.loghaul.testkit.FreePorts;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches held compressed ({@link Batch}: rows LZ4-compressed a block at a time as they are added,
 * the INSERT body sent as those blocks) against a real clickhouse-server: a batch of many blocks is
 * one INSERT and one part; a refusal in the middle of such a batch is split down to the bad rows
 * (cut out of the compressed blocks); a connection closed in the middle of the body leaves the
 * batch unfinished (so its offsets stay uncommitted) until an attempt gets through, and then every
 * row is stored exactly once.
 */
class CompressedBatchIT {
  private static final AtomicInteger TABLES = new AtomicInteger();

  @TempDir static Path dir;
  static ManagedClickHouse server;
  static ClickHouseHttpClient client;

  String table;

  @BeforeAll
  static void startServer() {
    server = ManagedClickHouse.start(dir.resolve("clickhouse"), FreePorts.freePort());
    client = new ClickHouseHttpClient(server.url(), "default", "", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void freshTableName(TestInfo test) {
    table = "c" + TABLES.incrementAndGet() + "_" + test.getTestMethod().orElseThrow().getName();
  }

  /** Counts what the inserter reports. */
  static final class Observer implements InsertObserver {
    final AtomicInteger inserts = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();

    @Override
    public void inserted(int rows, int bytes, long durationNanos) {
      inserts.incrementAndGet();
    }

    @Override
    public void failed(String reason, long durationNanos) {
      failures.add(reason);
    }
  }

  /** A row whose message is {@code message}, about {@code 200 + message} bytes of RowBinary. */
  static LogEntry entry(String message) {
    LogEntry e = RowBinaryEncoderTest.fullEntry();
    byte[] m = message.getBytes(UTF_8);
    e.setMessage(e.appendUtf8(message), m.length);
    return e;
  }

  /** A message of about 300 bytes that compresses poorly (so a batch spans many blocks). */
  static String message(int i) {
    StringBuilder b = new StringBuilder("m-").append(i).append(' ');
    long x = i * 0x9E3779B97F4A7C15L + 1;
    while (b.length() < 300) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b.append(Long.toString(x & Long.MAX_VALUE, 36));
    }
    return b.toString();
  }

  static ConsumerRecord<byte[], byte[]> source(int offset, String message) {
    return new ConsumerRecord<>(
        "logs", 0, offset, ("key-" + offset).getBytes(UTF_8), message.getBytes(UTF_8));
  }

  /** Fills a batch with {@code rows} rows; rows in {@code poison} say "poison". */
  static Batch fill(BatchPool pool, int rows, Set<Integer> poison) {
    Batch batch = pool.open(0);
    for (int i = 0; i < rows; i++) {
      String m = poison.contains(i) ? "poison " + message(i) : message(i);
      batch.add(entry(m), source(i, m));
    }
    return batch;
  }

  BatchInserter inserter(ClickHouseHttpClient via, ClickHouseTable t, Observer o, BatchPool pool) {
    return new BatchInserter(
        via, t.insertSql(), new ClickHouseStoredRows(client, t), o, pool, OpenTelemetry.noop());
  }

  static BatchPool pool(ClickHouseTable t) {
    return BatchMemory.pool(new RowBinaryEncoder(t.profile()), 100_000, 48L << 20, false);
  }

  long count(ClickHouseTable t, String where) throws Exception {
    return Long.parseLong(
        client.query("SELECT count() FROM " + t.qualifiedName() + " WHERE " + where).strip());
  }

  @Test
  void aBatchOfManyCompressedBlocksIsOneInsertAndOnePart() throws Exception {
    ClickHouseTable t = ClickHouseTable.ensure(client, "default", table, true);
    BatchPool pool = pool(t);
    Observer o = new Observer();
    int rows = 20_000;
    Batch batch = fill(pool, rows, Set.of());
    assertThat(batch.rawBytes()).isGreaterThan(4L * Batch.BLOCK_BYTES);
    try (BatchInserter inserter = inserter(client, t, o, pool)) {
      inserter.submit(batch);
      await().atMost(Duration.ofSeconds(120)).until(batch::finished);
    }
    assertThat(batch.refused()).isEmpty();
    assertThat(o.inserts).hasValue(1);
    assertThat(count(t, "1")).isEqualTo(rows);
    assertThat(
            client
                .query(
                    "SELECT count(DISTINCT kafka_offset), min(kafka_offset), max(kafka_offset),"
                        + " countIf(startsWith(message, concat('m-', toString(kafka_offset), ' ')))"
                        + " FROM "
                        + t.qualifiedName()
                        + " FORMAT TSV")
                .strip())
        .isEqualTo(rows + "\t0\t" + (rows - 1) + "\t" + rows);
    assertThat(
            client
                .query(
                    "SELECT count() FROM system.parts WHERE database = 'default' AND table = '"
                        + table
                        + "' AND active")
                .strip())
        .isEqualTo("1");
  }

  @Test
  void badRowsInAManyBlockBatchAreSplitOutOfTheCompressedBlocks() throws Exception {
    ClickHouseTable t = poisonTable();
    BatchPool pool = pool(t);
    Observer o = new Observer();
    int rows = 8_000;
    // the first and last rows, one in the middle, and two neighbours somewhere else
    Set<Integer> poison = Set.of(0, 3_001, 5_555, 5_556, rows - 1);
    Batch batch = fill(pool, rows, poison);
    assertThat(batch.rawBytes()).isGreaterThan(3L * Batch.BLOCK_BYTES);
    try (BatchInserter inserter = inserter(client, t, o, pool)) {
      inserter.submit(batch);
      await().atMost(Duration.ofSeconds(300)).until(batch::finished);
    }
    List<Integer> refusedOffsets = new ArrayList<>();
    for (RefusedRow r : batch.refused()) {
      refusedOffsets.add((int) r.offset());
      assertThat(r.partition()).isEqualTo(new TopicPartition("logs", 0));
      assertThat(r.reason()).contains("395");
    }
    assertThat(refusedOffsets).containsExactlyInAnyOrderElementsOf(poison);
    assertThat(count(t, "1")).isEqualTo(rows - poison.size());
    assertThat(count(t, "message LIKE 'poison%'")).isZero();
    assertThat(
            client.query("SELECT count(DISTINCT kafka_offset) FROM " + t.qualifiedName()).strip())
        .isEqualTo(String.valueOf(rows - poison.size()));
  }

  @Test
  void aConnectionClosedMidBodyLeavesTheBatchUnfinishedUntilAnAttemptGetsThrough()
      throws Exception {
    ClickHouseTable t = ClickHouseTable.ensure(client, "default", table, true);
    BatchPool pool = pool(t);
    Observer o = new Observer();
    int rows = 10_000;
    Batch batch = fill(pool, rows, Set.of());
    try (CuttingProxy proxy = new CuttingProxy(server.url(), 100_000);
        ClickHouseHttpClient viaProxy =
            new ClickHouseHttpClient(proxy.url(), "default", "", Duration.ofSeconds(60));
        BatchInserter inserter = inserter(viaProxy, t, o, pool)) {
      inserter.submit(batch);
      // every attempt so far was cut off 100 kB into its body
      await().atMost(Duration.ofSeconds(120)).until(() -> o.failures.size() >= 2);
      assertThat(batch.finished()).isFalse();
      assertThat(inserter.idle()).isFalse();
      assertThat(count(t, "1")).isZero();
      proxy.cutting.set(false);
      await().atMost(Duration.ofSeconds(120)).until(batch::finished);
      assertThat(proxy.cut.get()).isGreaterThanOrEqualTo(2);
    }
    assertThat(batch.refused()).isEmpty();
    assertThat(o.failures).isNotEmpty().allSatisfy(r -> assertThat(r).isEqualTo("unreachable"));
    assertThat(count(t, "1")).isEqualTo(rows);
    assertThat(
            client.query("SELECT count(DISTINCT kafka_offset) FROM " + t.qualifiedName()).strip())
        .isEqualTo(String.valueOf(rows));
  }

  /** A loghaul-shaped table with a per-row check: rows saying "poison" are refused as data. */
  private ClickHouseTable poisonTable() throws Exception {
    client.query(
        "CREATE TABLE default."
            + table
            + " (timestamp DateTime('UTC'), timestamp_ns UInt64, "
            + "service_name String, level Enum8('TRACE' = 1, 'DEBUG' = 2, 'INFO' = 3, 'WARN' = 4,"
            + " 'ERROR' = 5, 'FATAL' = 6), message String, trace_id String, span_id String,"
            + " attributes Nested(key String, value String), kafka_topic String,"
            + " kafka_partition UInt32, kafka_offset UInt64,"
            + " poison UInt8 MATERIALIZED throwIf(message LIKE 'poison%')) "
            + "ENGINE = MergeTree PARTITION BY toDate(timestamp) ORDER BY (service_name, timestamp)");
    return ClickHouseTable.ensure(client, "default", table, false);
  }

  /**
   * A TCP proxy in front of clickhouse-server that, while {@link #cutting}, forwards only the first
   * {@code limit} bytes a client sends on a connection and then closes both sides; otherwise it
   * forwards everything.
   */
  static final class CuttingProxy implements AutoCloseable {
    final AtomicBoolean cutting = new AtomicBoolean(true);
    final AtomicInteger cut = new AtomicInteger();
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final long limit;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    CuttingProxy(String targetUrl, long limit) throws IOException {
      URI uri = URI.create(targetUrl);
      this.target = new InetSocketAddress(uri.getHost(), uri.getPort());
      this.limit = limit;
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      this.acceptor = new Thread(this::accept, "cutting-proxy");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String url() {
      return "http://127.0.0.1:" + listener.getLocalPort();
    }

    private void accept() {
      while (!listener.isClosed()) {
        try {
          Socket client = listener.accept();
          Socket upstream = new Socket(target.getAddress(), target.getPort());
          sockets.add(client);
          sockets.add(upstream);
          boolean cutThis = cutting.get();
          pump(client, upstream, cutThis ? limit : Long.MAX_VALUE, true);
          pump(upstream, client, Long.MAX_VALUE, false);
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    private void pump(Socket from, Socket to, long max, boolean counts) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[16 * 1024];
                long sent = 0;
                try (InputStream in = from.getInputStream()) {
                  OutputStream out = to.getOutputStream();
                  int n;
                  while ((n = in.read(buf)) > 0) {
                    int m = (int) Math.min(n, max - sent);
                    out.write(buf, 0, m);
                    sent += m;
                    if (sent >= max) {
                      if (counts) {
                        cut.incrementAndGet();
                      }
                      break;
                    }
                  }
                } catch (IOException e) {
                  // the other side closed
                } finally {
                  closeQuietly(from);
                  closeQuietly(to);
                }
              },
              "cutting-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket s : sockets) {
        closeQuietly(s);
      }
    }
  }
}
