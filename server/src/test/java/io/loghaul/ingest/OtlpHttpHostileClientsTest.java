package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpRequests.CLOCK;
import static io.loghaul.ingest.OtlpRequests.record;
import static io.loghaul.ingest.OtlpRequests.request;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.schema.SchemaLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OTLP/HTTP listener against clients that misbehave on purpose, over real sockets: slow
 * headers, slow bodies, idle connections, too many connections, broken framing.
 */
class OtlpHttpHostileClientsTest {
  private static final Duration HEADER_TIMEOUT = Duration.ofMillis(400);
  private static final Duration BODY_TIMEOUT = Duration.ofMillis(400);
  private static final Duration IDLE_TIMEOUT = Duration.ofMillis(600);
  private static final int MAX_CONNECTIONS = 4;

  private final FakePublisher publisher = new FakePublisher();
  private final CountingListener listener = new CountingListener();
  private final List<Socket> sockets = new ArrayList<>();
  private OtlpHttpServer server;

  @BeforeEach
  void start() throws Exception {
    ListenerLimits limits =
        new ListenerLimits(
            MAX_CONNECTIONS,
            8192,
            HEADER_TIMEOUT,
            BODY_TIMEOUT,
            IDLE_TIMEOUT,
            ListenerLimits.DEFAULT_MAX_CONCURRENT_STREAMS,
            ListenerLimits.DEFAULT_MIN_PING_INTERVAL,
            ListenerLimits.DEFAULT_MAX_CONNECTION_IDLE,
            ListenerLimits.DEFAULT_MAX_CONNECTION_AGE,
            ListenerLimits.DEFAULT_MAX_CONNECTION_AGE_GRACE);
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(
            SchemaLimits.defaults(), publisher, listener, CLOCK, Duration.ofMillis(300));
    server = TestListeners.http(0, 256 * 1024, limits, ingester);
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    server.close();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(5_000);
    sockets.add(socket);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    send(socket, text.getBytes(US_ASCII));
  }

  private static void send(Socket socket, byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  private static byte[] validBody() {
    return request(record("hello")).toByteArray();
  }

  private static String headers(int contentLength) {
    return "POST /v1/logs HTTP/1.1\r\nHost: loghaul\r\nContent-Type: application/x-protobuf\r\nContent-Length: "
        + contentLength
        + "\r\n\r\n";
  }

  /** Reads one response (status line, headers, Content-Length body); null at end of stream. */
  private static Response readResponse(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    if (head.size() == 0) {
      return null;
    }
    String text = head.toString(US_ASCII);
    int status = Integer.parseInt(text.substring(9, 12));
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Response(status, text, body);
  }

  private record Response(int status, String head, byte[] body) {
    boolean closes() {
      return head.toLowerCase().contains("connection: close");
    }
  }

  /** True when the server has closed (or reset) the connection. */
  private static boolean closedByServer(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Test
  void slowLorisHeadersAreAnswered408AndClosedAtTheHeaderDeadline() throws Exception {
    Socket socket = connect();
    long start = System.nanoTime();
    send(socket, "POST /v1/logs HTTP/1.1\r\nHost: loghaul\r\n");
    // one header line every 100 ms: each byte resets a read timeout, but not a deadline
    Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (int i = 0; i < 50; i++) {
                      Thread.sleep(100);
                      send(socket, "X-Slow-" + i + ": 1\r\n");
                    }
                  } catch (IOException | InterruptedException e) {
                    // the server closed the connection: expected
                  }
                });

    Response response = readResponse(socket);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    sender.interrupt();

    assertThat(response).isNotNull();
    assertThat(response.status()).isEqualTo(408);
    assertThat(response.closes()).isTrue();
    assertThat(new String(response.body(), US_ASCII)).contains("otlp.http.header-timeout-ms");
    assertThat(took).isGreaterThanOrEqualTo(HEADER_TIMEOUT).isLessThan(Duration.ofSeconds(4));
    assertThat(closedByServer(socket)).isTrue();
    await()
        .untilAsserted(
            () ->
                assertThat(listener.count(IngestListener.HTTP, IngestListener.TIMEOUT))
                    .isEqualTo(1));
    assertThat(publisher.calls).isEmpty();
  }

  @Test
  void aBodyThatStopsShortOfItsLengthIsAnswered408WithAStatusAndClosed() throws Exception {
    Socket socket = connect();
    byte[] body = validBody();
    send(socket, headers(body.length));
    send(socket, Arrays.copyOf(body, body.length / 2));

    Response response = readResponse(socket);

    assertThat(response.status()).isEqualTo(408);
    assertThat(response.closes()).isTrue();
    com.google.rpc.Status status = com.google.rpc.Status.parseFrom(response.body());
    assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.DEADLINE_EXCEEDED_VALUE);
    assertThat(status.getMessage()).contains("otlp.http.body-timeout-ms");
    assertThat(closedByServer(socket)).isTrue();
    assertThat(listener.count(IngestListener.HTTP, IngestListener.TIMEOUT)).isEqualTo(1);
    assertThat(publisher.calls).isEmpty();
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeoutButNotBefore() throws Exception {
    Socket socket = connect();
    byte[] body = validBody();
    send(socket, headers(body.length));
    send(socket, body);
    assertThat(readResponse(socket).status()).isEqualTo(200);

    // well inside the idle timeout the connection still serves requests
    Thread.sleep(IDLE_TIMEOUT.toMillis() / 3);
    send(socket, headers(body.length));
    send(socket, body);
    assertThat(readResponse(socket).status()).isEqualTo(200);

    long start = System.nanoTime();
    socket.setSoTimeout((int) IDLE_TIMEOUT.toMillis() * 5);
    assertThat(closedByServer(socket)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(IDLE_TIMEOUT.dividedBy(2));
    assertThat(listener.count(IngestListener.HTTP, IngestListener.TIMEOUT)).isZero();
    assertThat(publisher.calls).hasSize(2);
  }

  @Test
  void connectionsOverTheCapAreClosedAtOnceWhileTheAcceptedOnesAreServed() throws Exception {
    List<Socket> accepted = new ArrayList<>();
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
      accepted.add(connect());
    }
    await().until(() -> listener.open.get() == MAX_CONNECTIONS);

    Socket over = connect();
    assertThat(closedByServer(over)).isTrue();
    await().until(() -> listener.count(IngestListener.HTTP, "refused") >= 1);

    byte[] body = validBody();
    for (Socket socket : accepted) {
      send(socket, headers(body.length));
      send(socket, body);
      assertThat(readResponse(socket).status()).isEqualTo(200);
    }

    // a place frees up when an accepted connection closes
    accepted.get(0).close();
    await().until(() -> listener.open.get() == MAX_CONNECTIONS - 1);
    Socket later = connect();
    send(later, headers(body.length));
    send(later, body);
    assertThat(readResponse(later).status()).isEqualTo(200);
  }

  @Test
  void invalidChunkedEncodingIsAnswered400AndClosed() throws Exception {
    Socket socket = connect();
    send(
        socket,
        "POST /v1/logs HTTP/1.1\r\nHost: loghaul\r\nContent-Type: application/x-protobuf\r\n"
            + "Transfer-Encoding: chunked\r\n\r\nzz-not-a-size\r\nabc\r\n0\r\n\r\n");

    Response response = readResponse(socket);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.closes()).isTrue();
    assertThat(com.google.rpc.Status.parseFrom(response.body()).getMessage())
        .startsWith("malformed HTTP request");
    assertThat(closedByServer(socket)).isTrue();
    assertThat(publisher.calls).isEmpty();
  }

  @Test
  void validChunkedBodiesAreAccepted() throws Exception {
    Socket socket = connect();
    byte[] body = validBody();
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    chunked.writeBytes(
        ("POST /v1/logs HTTP/1.1\r\nHost: loghaul\r\nContent-Type: application/x-protobuf\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n")
            .getBytes(US_ASCII));
    int half = body.length / 2;
    chunked.writeBytes((Integer.toHexString(half) + "\r\n").getBytes(US_ASCII));
    chunked.write(body, 0, half);
    chunked.writeBytes(
        ("\r\n" + Integer.toHexString(body.length - half) + "\r\n").getBytes(US_ASCII));
    chunked.write(body, half, body.length - half);
    chunked.writeBytes("\r\n0\r\n\r\n".getBytes(US_ASCII));
    send(socket, chunked.toByteArray());

    assertThat(readResponse(socket).status()).isEqualTo(200);
    assertThat(publisher.calls).hasSize(1);
  }

  @Test
  void bytesBeyondTheContentLengthAreAMalformedNextRequest() throws Exception {
    Socket socket = connect();
    byte[] body = validBody();
    send(socket, headers(body.length));
    send(socket, body);
    send(socket, "this is not an HTTP request line but more body\r\n\r\n");

    assertThat(readResponse(socket).status()).isEqualTo(200);
    Response second = readResponse(socket);
    assertThat(second.status()).isEqualTo(400);
    assertThat(second.closes()).isTrue();
    assertThat(closedByServer(socket)).isTrue();
    assertThat(publisher.calls).hasSize(1);
  }

  @Test
  void aTruncatedProtobufBodyIsAnswered400AndTheConnectionStaysUsable() throws Exception {
    Socket socket = connect();
    byte[] body = validBody();
    byte[] truncated = Arrays.copyOf(body, body.length - 3);
    send(socket, headers(truncated.length));
    send(socket, truncated);

    Response response = readResponse(socket);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.closes()).isFalse();

    send(socket, headers(body.length));
    send(socket, body);
    assertThat(readResponse(socket).status()).isEqualTo(200);
  }
}
