package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The inserter thread against a stand-in HTTP server that acknowledges every request (what
 * ClickHouse does with the rows is {@link CompressedBatchIT}'s and ClickHouseClusterIT's business):
 * how an unexpected error on that thread is published, and what one INSERT of a compressed batch
 * carries.
 */
class BatchInserterTest {
  private final List<URI> uris = new CopyOnWriteArrayList<>();
  private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  BatchInserterTest() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          uris.add(exchange.getRequestURI());
          bodies.add(exchange.getRequestBody().readAllBytes());
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private ClickHouseHttpClient client() {
    return new ClickHouseHttpClient(
        "http://127.0.0.1:" + server.getAddress().getPort(), "default", "", Duration.ofSeconds(30));
  }

  private static BatchInserter inserter(
      ClickHouseHttpClient client, InsertObserver observer, BatchPool pool) {
    ClickHouseTable t = ClickHouseTable.of("default", "logs", ServerProfile.LEGACY);
    return new BatchInserter(
        client,
        t.insertSql(),
        new ClickHouseStoredRows(client, t),
        observer,
        pool,
        OpenTelemetry.noop());
  }

  private static BatchPool pool() {
    return BatchMemory.pool(new RowBinaryEncoder(ServerProfile.LEGACY), 100_000, 48L << 20, false);
  }

  /** Waits until {@code done} holds; a generous bound only turns a hang into a failure. */
  private static void await(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("still waiting after 120 s").isNegative();
      Thread.sleep(5);
    }
  }

  @Test
  void anUnexpectedErrorOnTheInserterThreadFailsTheBatchInsteadOfLeavingItUnfinished()
      throws Exception {
    RuntimeException bug = new IllegalStateException("a bug after the INSERT (test)");
    CountDownLatch thrown = new CountDownLatch(1);
    InsertObserver throwing =
        new InsertObserver() {
          @Override
          public void inserted(int rows, int bytes, long durationNanos) {
            thrown.countDown();
            throw bug;
          }

          @Override
          public void failed(String reason, long durationNanos) {}
        };
    BatchPool pool = pool();
    Batch batch = CompressedBatchIT.fill(pool, 5_000, Set.of());
    try (ClickHouseHttpClient client = client();
        BatchInserter inserter = inserter(client, throwing, pool)) {
      inserter.submit(batch);
      assertThat(thrown.await(60, TimeUnit.SECONDS)).isTrue();
      await(inserter::idle);
      assertThat(batch.failure()).isSameAs(bug);
      assertThat(batch.finished()).as("never finished: its offsets are never committed").isFalse();
      assertThat(inserter.idle()).as("the thread is free, not stuck").isTrue();
    }
  }

  @Test
  void aCompressedBatchIsOneInsertCarryingTheDeduplicationTokenOfItsOffsets() throws Exception {
    BatchPool pool = pool();
    int rows = 9_000;
    Batch batch = CompressedBatchIT.fill(pool, rows, Set.of());
    assertThat(batch.rawBytes()).isGreaterThan(3L * Batch.BLOCK_BYTES);
    try (ClickHouseHttpClient client = client();
        BatchInserter inserter = inserter(client, new Observer(), pool)) {
      client.sendDeduplicationTokens(true);
      inserter.submit(batch);
      await(() -> batch.finished() || batch.failure() != null);
      assertThat(batch.failure()).isNull();
    }
    assertThat(uris).hasSize(1);
    String query = URLDecoder.decode(uris.get(0).getRawQuery(), StandardCharsets.UTF_8);
    assertThat(query)
        .contains("decompress=1")
        .contains("insert_deduplication_token=logs:0:0-" + (rows - 1));
    // the body is the batch's blocks, decompressing to every row
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    RowBinaryEncoder encoder = new RowBinaryEncoder(ServerProfile.LEGACY);
    RowBuffer row = new RowBuffer();
    for (int i = 0; i < rows; i++) {
      row.reset();
      encoder.encode(
          CompressedBatchIT.entry(CompressedBatchIT.message(i)),
          "logs".getBytes(StandardCharsets.UTF_8),
          0,
          i,
          row);
      plain.write(row.array(), 0, row.size());
    }
    byte[] body = bodies.get(0);
    assertThat(NativeCompression.decompress(body, 0, body.length)).isEqualTo(plain.toByteArray());
  }

  private static final class Observer implements InsertObserver {
    @Override
    public void inserted(int rows, int bytes, long durationNanos) {}

    @Override
    public void failed(String reason, long durationNanos) {}
  }
}
