package io.loghaul.loadtest;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Slow HTTP clients for {@code bench soak}: raw TCP connections to the OTLP/HTTP port, each on its
 * own virtual thread. A slow-loris client sends a request line and a partial header, then one more
 * header line every {@code interval} (±20 %), never finishing the header; a slow-body client sends
 * a complete header for a valid protobuf request, then its body {@value #BODY_CHUNK} bytes per
 * interval. When the server closes a connection (or answers it), the client counts that and
 * connects again; a slow body that was completely sent and answered counts as completed.
 *
 * <p>Clients start spread over the first interval and stop at {@link #close()}. Counters are
 * thread-safe; {@link #interval()} is for one sampling thread.
 */
final class SlowClients implements AutoCloseable {
  static final int BODY_CHUNK = 16;
  private static final long RECONNECT_PAUSE_MILLIS = 100;
  private static final long CONNECT_ERROR_PAUSE_MILLIS = 1000;

  private final InetSocketAddress address;
  private final int count;
  private final int slowBodies;
  private final long intervalMillis;
  private final byte[] body;
  private final List<Thread> threads = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private volatile boolean running = true;

  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder connects = new LongAdder();
  private final LongAdder connectErrors = new LongAdder();
  private final LongAdder closedByServer = new LongAdder();
  private final LongAdder completedBodies = new LongAdder();
  private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();

  /** Seconds a connection lived before the server closed it. */
  private final Histogram lifetimes = new SynchronizedHistogram(3600_000L, 3);

  private final AtomicLong lastConnects = new AtomicLong();
  private final AtomicLong lastClosed = new AtomicLong();

  /**
   * @param count connections kept open
   * @param bodyShare the fraction of them that send a body slowly (the rest never finish the
   *     header)
   * @param body a valid OTLP/protobuf request for the slow bodies
   */
  SlowClients(String host, int port, int count, double bodyShare, Duration interval, byte[] body) {
    this.address = new InetSocketAddress(host, port);
    this.count = count;
    this.slowBodies = (int) Math.round(count * bodyShare);
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.body = body;
  }

  /** Starts the clients, spread over one interval. */
  void start() {
    for (int i = 0; i < count; i++) {
      int id = i;
      boolean slowBody = i < slowBodies;
      long delay = count == 0 ? 0 : intervalMillis * i / count;
      threads.add(Thread.ofVirtual().name("soak-slow-" + i).start(() -> loop(id, slowBody, delay)));
    }
  }

  private void loop(int id, boolean slowBody, long initialDelay) {
    SplittableRandom random = new SplittableRandom(id * 7919L + 17);
    if (!sleep(initialDelay)) {
      return;
    }
    while (running) {
      Socket s = new Socket();
      synchronized (sockets) {
        if (!running) {
          return;
        }
        sockets.add(s);
      }
      boolean connected = false;
      long opened = 0;
      try {
        s.connect(address, 5_000);
        connected = true;
        opened = System.nanoTime();
        connects.increment();
        open.incrementAndGet();
        if (talk(s, id, slowBody, random) && running) {
          closedByServer.increment();
          lifetimes.recordValue(Math.min(3600_000L, (System.nanoTime() - opened) / 1_000_000));
        }
      } catch (IOException e) {
        if (!connected) {
          connectErrors.increment();
        } else if (running) {
          // a reset or broken pipe: the server dropped us
          closedByServer.increment();
          lifetimes.recordValue(Math.min(3600_000L, (System.nanoTime() - opened) / 1_000_000));
        }
      } finally {
        if (connected) {
          open.decrementAndGet();
        }
        closeQuietly(s);
        synchronized (sockets) {
          sockets.remove(s);
        }
      }
      if (!sleep(connected ? RECONNECT_PAUSE_MILLIS : CONNECT_ERROR_PAUSE_MILLIS)) {
        return;
      }
    }
  }

  /** Feeds one connection until the server ends it (true) or we stop (false). */
  private boolean talk(Socket s, int id, boolean slowBody, SplittableRandom random)
      throws IOException {
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    String host = "Host: " + address.getHostString() + ":" + address.getPort() + "\r\n";
    if (slowBody) {
      out.write(
          ("POST /v1/logs HTTP/1.1\r\n"
                  + host
                  + "Content-Type: application/x-protobuf\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(US_ASCII));
    } else {
      out.write(
          ("POST /v1/logs HTTP/1.1\r\n" + host + "Content-Type: application/x-protobuf\r\n")
              .getBytes(US_ASCII));
    }
    out.flush();
    int sentBody = 0;
    int line = 0;
    byte[] buf = new byte[512];
    while (running) {
      s.setSoTimeout((int) Math.max(1, intervalMillis * (0.8 + 0.4 * random.nextDouble())));
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        if (slowBody) {
          if (sentBody < body.length) {
            int chunk = Math.min(BODY_CHUNK, body.length - sentBody);
            out.write(body, sentBody, chunk);
            sentBody += chunk;
          }
        } else {
          out.write(
              ("X-Soak-" + id + "-" + line++ + ": " + Long.toHexString(random.nextLong()) + "\r\n")
                  .getBytes(US_ASCII));
        }
        out.flush();
        continue;
      }
      if (n < 0) {
        return true;
      }
      String status = statusOf(buf, n);
      answers.computeIfAbsent(status, k -> new LongAdder()).increment();
      if (slowBody && sentBody == body.length) {
        completedBodies.increment();
        return false;
      }
      // the server answered before the request was complete: it is ending this one
      return true;
    }
    return false;
  }

  /** {@code "408"} from {@code "HTTP/1.1 408 ..."}, else {@code "unparsed"}. */
  static String statusOf(byte[] buf, int n) {
    String head = new String(buf, 0, Math.min(n, 16), US_ASCII);
    if (head.startsWith("HTTP/1.") && head.length() >= 12) {
      return head.substring(9, 12);
    }
    return "unparsed";
  }

  private boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return running;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Connections open now. */
  int open() {
    return open.get();
  }

  /** Open now, and connects and server closes since the previous call. Sampling thread only. */
  record Interval(long open, long connects, long closedByServer) {}

  Interval interval() {
    long c = connects.sum();
    long x = closedByServer.sum();
    return new Interval(open.get(), c - lastConnects.getAndSet(c), x - lastClosed.getAndSet(x));
  }

  /** Totals since the start, for the summary. */
  Map<String, Object> summary() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("configured", count);
    m.put("slow_body_clients", slowBodies);
    m.put("interval_ms", intervalMillis);
    m.put("connects", connects.sum());
    m.put("connect_errors", connectErrors.sum());
    m.put("closed_by_server", closedByServer.sum());
    m.put("slow_bodies_completed", completedBodies.sum());
    Map<String, Long> a = new TreeMap<>();
    answers.forEach((k, v) -> a.put(k, v.sum()));
    m.put("server_answers", a);
    m.put("open_at_end", open.get());
    if (lifetimes.getTotalCount() > 0) {
      m.put(
          "seconds_until_closed_p50",
          BenchFiles.round(lifetimes.getValueAtPercentile(50) / 1000.0));
      m.put("seconds_until_closed_max", BenchFiles.round(lifetimes.getMaxValue() / 1000.0));
    }
    return m;
  }

  /** Stops every client and closes its connection; waits up to 5 s for the threads. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    synchronized (sockets) {
      sockets.forEach(SlowClients::closeQuietly);
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    for (Thread t : threads) {
      t.interrupt();
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
  }
}
