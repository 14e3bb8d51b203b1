package io.loghaul.loadtest;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class SlowClientsTest {
  @Test
  void reconnectsAndCountsWhenTheServerClosesSlowConnections() throws Exception {
    AtomicInteger headerLines = new AtomicInteger();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // a server with a header deadline: reads what comes, closes the connection after 300 ms
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!server.isClosed()) {
                      try {
                        Socket s = server.accept();
                        Thread.ofVirtual()
                            .start(
                                () -> {
                                  try (s) {
                                    s.setSoTimeout(300);
                                    InputStream in = s.getInputStream();
                                    byte[] buf = new byte[1024];
                                    long end = System.nanoTime() + 300_000_000L;
                                    while (System.nanoTime() < end) {
                                      int n = in.read(buf);
                                      if (n < 0) {
                                        return;
                                      }
                                      headerLines.addAndGet(
                                          (int) new String(buf, 0, n, US_ASCII).lines().count());
                                    }
                                  } catch (Exception e) {
                                    // the deadline, or the client went away
                                  }
                                });
                      } catch (Exception e) {
                        return;
                      }
                    }
                  });
      SlowClients clients =
          new SlowClients(
              "127.0.0.1", server.getLocalPort(), 4, 0.5, Duration.ofMillis(50), new byte[4096]);
      try {
        clients.start();
        await(() -> clients.summary().get("closed_by_server") instanceof Long n && n >= 8);
        Map<String, Object> summary = clients.summary();
        assertThat((Long) summary.get("connects")).isGreaterThanOrEqualTo(8);
        assertThat(summary.get("slow_body_clients")).isEqualTo(2);
        assertThat(summary).containsKey("seconds_until_closed_p50");
        assertThat(clients.open()).isBetween(0, 4);
        SlowClients.Interval interval = clients.interval();
        assertThat(interval.closedByServer()).isGreaterThanOrEqualTo(8);
        assertThat(clients.interval().connects()).isLessThan(interval.connects() + 1);
        assertThat(headerLines.get()).isGreaterThan(4);
      } finally {
        clients.close();
        server.close();
        acceptor.join(2000);
      }
      assertThat(clients.open()).isZero();
    }
  }

  @Test
  void keepsConnectionsOpenWhileTheServerWaits() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        Socket s = server.accept();
                        Thread.ofVirtual()
                            .start(
                                () -> {
                                  try (s) {
                                    s.getInputStream().transferTo(OutputStream.nullOutputStream());
                                  } catch (Exception e) {
                                    // client closed
                                  }
                                });
                      }
                    } catch (Exception e) {
                      // server closed
                    }
                  });
      SlowClients clients =
          new SlowClients(
              "127.0.0.1", server.getLocalPort(), 5, 0, Duration.ofMillis(20), new byte[10]);
      try {
        clients.start();
        await(() -> clients.open() == 5);
        Thread.sleep(200);
        assertThat(clients.open()).isEqualTo(5);
        assertThat(clients.summary()).containsEntry("closed_by_server", 0L);
      } finally {
        clients.close();
        server.close();
        acceptor.join(2000);
      }
    }
  }

  @Test
  void readsTheStatusOfAnEarlyAnswer() {
    byte[] answer = "HTTP/1.1 408 Request Timeout\r\n".getBytes(US_ASCII);
    assertThat(SlowClients.statusOf(answer, answer.length)).isEqualTo("408");
    assertThat(SlowClients.statusOf(new byte[] {1, 2}, 2)).isEqualTo("unparsed");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
