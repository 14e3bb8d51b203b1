package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpRequests.CLOCK;
import static io.loghaul.ingest.OtlpRequests.NOW_NANOS;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.loghaul.schema.SchemaLimits;
import io.loghaul.testkit.TestPki;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on both OTLP listeners (docs/configuration.md#otlp-tls) with the OpenTelemetry SDK's own
 * exporters configured as a service would configure them, certificate rotation under a running
 * server, client certificates, and plaintext clients refused at once.
 */
class OtlpTlsTest {
  private static TestPki ca;
  private static TestPki otherCa;

  @TempDir Path dir;
  private final FakePublisher publisher = new FakePublisher();
  private OtlpGrpcService grpc;
  private OtlpHttpServer http;
  private TlsCredentials credentials;

  @BeforeAll
  static void makeCas() throws Exception {
    ca = TestPki.newCa("otlp test CA");
    otherCa = TestPki.newCa("another CA");
  }

  @AfterEach
  void stop() {
    if (grpc != null) grpc.close();
    if (http != null) http.close();
  }

  private TestPki.Files2 serverFiles(String cn) throws Exception {
    return ca.issueServer(cn).write(dir, "server");
  }

  private void start(OtlpTls tls) throws Exception {
    credentials = new TlsCredentials(tls);
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(
            SchemaLimits.defaults(), publisher, IngestListener.NOOP, CLOCK, Duration.ofMillis(300));
    grpc =
        new OtlpGrpcService(
            ListenerOptions.plain("127.0.0.1", 0, 1 << 20, ListenerLimits.DEFAULTS)
                .withTls(OtlpSslContexts.grpc(credentials)),
            ingester,
            TestListeners.WORKERS);
    grpc.start();
    http =
        new OtlpHttpServer(
            ListenerOptions.plain("127.0.0.1", 0, 1 << 20, ListenerLimits.DEFAULTS)
                .withTls(OtlpSslContexts.http(credentials)),
            ingester,
            TestListeners.WORKERS);
    http.start();
  }

  private static List<LogRecordData> records(int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(
            i ->
                (LogRecordData)
                    TestLogRecordData.builder()
                        .setResource(
                            Resource.create(
                                Attributes.of(
                                    io.opentelemetry.api.common.AttributeKey.stringKey(
                                        "service.name"),
                                    "checkout")))
                        .setInstrumentationScopeInfo(InstrumentationScopeInfo.create("test"))
                        .setTimestamp(NOW_NANOS, TimeUnit.NANOSECONDS)
                        .setSeverity(Severity.INFO)
                        .setBody("record " + i)
                        .build())
        .toList();
  }

  private static boolean export(LogRecordExporter exporter, int n) {
    try {
      CompletableResultCode result = exporter.export(records(n)).join(20, TimeUnit.SECONDS);
      return result.isSuccess();
    } finally {
      exporter.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private int received() {
    return publisher.calls.stream().mapToInt(c -> c.values().size()).sum();
  }

  @Test
  void theSdkExportersDeliverOverTlsOnBothListeners() throws Exception {
    TestPki.Files2 server = serverFiles("otlp-server");
    start(new OtlpTls(server.cert(), server.key(), null, "TLSv1.2"));
    byte[] trusted = ca.caPem().getBytes(UTF_8);

    assertThat(
            export(
                OtlpGrpcLogRecordExporter.builder()
                    .setEndpoint("https://localhost:" + grpc.port())
                    .setTrustedCertificates(trusted)
                    .build(),
                3))
        .isTrue();
    assertThat(
            export(
                OtlpHttpLogRecordExporter.builder()
                    .setEndpoint("https://localhost:" + http.port() + "/v1/logs")
                    .setTrustedCertificates(trusted)
                    .build(),
                4))
        .isTrue();
    assertThat(received()).isEqualTo(7);

    // a client that does not trust the CA is refused
    assertThat(
            export(
                OtlpGrpcLogRecordExporter.builder()
                    .setEndpoint("https://localhost:" + grpc.port())
                    .setTrustedCertificates(otherCa.caPem().getBytes(UTF_8))
                    .build(),
                1))
        .isFalse();
    assertThat(received()).isEqualTo(7);
  }

  @Test
  void requiresClientCertificatesSignedByTheClientCa() throws Exception {
    TestPki.Files2 server = serverFiles("otlp-server");
    Path clientCa = ca.writeCa(dir.resolve("client-ca.pem"));
    start(new OtlpTls(server.cert(), server.key(), clientCa, "TLSv1.3"));
    byte[] trusted = ca.caPem().getBytes(UTF_8);
    TestPki.Issued client = ca.issueClient("checkout-service");
    TestPki.Issued stranger = otherCa.issueClient("stranger");

    assertThat(
            export(
                OtlpGrpcLogRecordExporter.builder()
                    .setEndpoint("https://localhost:" + grpc.port())
                    .setTrustedCertificates(trusted)
                    .setClientTls(
                        client.keyPem().getBytes(UTF_8), client.chainPem().getBytes(UTF_8))
                    .build(),
                2))
        .isTrue();
    assertThat(
            export(
                OtlpHttpLogRecordExporter.builder()
                    .setEndpoint("https://localhost:" + http.port() + "/v1/logs")
                    .setTrustedCertificates(trusted)
                    .setClientTls(
                        client.keyPem().getBytes(UTF_8), client.chainPem().getBytes(UTF_8))
                    .build(),
                2))
        .isTrue();
    assertThat(received()).isEqualTo(4);

    assertThat(
            export(
                OtlpHttpLogRecordExporter.builder()
                    .setEndpoint("https://localhost:" + http.port() + "/v1/logs")
                    .setTrustedCertificates(trusted)
                    .build(),
                1))
        .as("no client certificate")
        .isFalse();
    assertThat(
            export(
                OtlpGrpcLogRecordExporter.builder()
                    .setEndpoint("https://localhost:" + grpc.port())
                    .setTrustedCertificates(trusted)
                    .setClientTls(
                        stranger.keyPem().getBytes(UTF_8), stranger.chainPem().getBytes(UTF_8))
                    .build(),
                1))
        .as("a certificate of another CA")
        .isFalse();
    assertThat(received()).isEqualTo(4);
  }

  @Test
  void newHandshakesPresentARotatedCertificate() throws Exception {
    TestPki.Files2 server = serverFiles("first");
    start(new OtlpTls(server.cert(), server.key(), null, "TLSv1.2"));
    assertThat(presentedCommonName(grpc.port())).isEqualTo("CN=first");
    assertThat(presentedCommonName(http.port())).isEqualTo("CN=first");

    // as cert-manager does: new files moved into place
    TestPki.Files2 next = ca.issueServer("second").write(dir, "next");
    Files.move(
        next.key(),
        server.key(),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    Files.move(
        next.cert(),
        server.cert(),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> presentedCommonName(grpc.port()).equals("CN=second"));
    assertThat(presentedCommonName(http.port())).isEqualTo("CN=second");
    assertThat(
            export(
                OtlpHttpLogRecordExporter.builder()
                    .setEndpoint("https://localhost:" + http.port() + "/v1/logs")
                    .setTrustedCertificates(ca.caPem().getBytes(UTF_8))
                    .build(),
                1))
        .isTrue();
  }

  @Test
  void keepsTheCurrentCertificateWhileANewOneIsBroken() throws Exception {
    TestPki.Files2 server = serverFiles("first");
    start(new OtlpTls(server.cert(), server.key(), null, "TLSv1.2"));
    Files.writeString(server.key(), "-----BEGIN PRIVATE KEY-----\nbroken\n");

    // the broken reading is rejected: handshakes keep working with the first certificate
    assertThat(credentials.reloadIfChanged()).isFalse();
    assertThat(presentedCommonName(http.port())).isEqualTo("CN=first");
    assertThat(presentedCommonName(grpc.port())).isEqualTo("CN=first");

    // once the file is whole again, it is used
    TestPki.Issued second = ca.issueServer("second");
    Files.writeString(server.cert(), second.chainPem(), UTF_8);
    Files.writeString(server.key(), second.keyPem(), UTF_8);
    assertThat(credentials.reloadIfChanged()).isTrue();
    assertThat(presentedCommonName(http.port())).isEqualTo("CN=second");
  }

  @Test
  void plaintextClientsOnTheTlsPortsFailAtOnceInsteadOfHanging() throws Exception {
    TestPki.Files2 server = serverFiles("otlp-server");
    start(new OtlpTls(server.cert(), server.key(), null, "TLSv1.2"));

    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
    try {
      Throwable grpcError =
          catchThrowable(
              () ->
                  LogsServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(20, TimeUnit.SECONDS)
                      .export(OtlpRequests.request(OtlpRequests.record("x"))));
      assertThat(grpcError).isInstanceOf(StatusRuntimeException.class);
      assertThat(Status.fromThrowable(grpcError).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      channel.shutdownNow();
    }

    try (HttpClient client = HttpClient.newHttpClient()) {
      Throwable httpError =
          catchThrowable(
              () ->
                  client.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + http.port() + "/v1/logs"))
                          .timeout(Duration.ofSeconds(20))
                          .header("Content-Type", "application/x-protobuf")
                          .POST(
                              HttpRequest.BodyPublishers.ofByteArray(
                                  OtlpRequests.request(OtlpRequests.record("x")).toByteArray()))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()));
      assertThat(httpError)
          .isInstanceOf(java.io.IOException.class)
          .isNotInstanceOf(HttpTimeoutException.class)
          .isNotInstanceOf(ConnectException.class);
    }
    assertThat(received()).isZero();
  }

  /** The subject of the certificate a new TLS handshake on {@code port} presents. */
  private static String presentedCommonName(int port) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }
  }
}
