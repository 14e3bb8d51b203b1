package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator with {@code bench otlp --tls --token}'s generated files against a tiny TLS
 * LogsService that answers UNAUTHENTICATED unless the bearer token of the tokens file comes along.
 */
class OtlpLoadGeneratorTlsTest {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path dir;
  private OtlpSecurity security;
  private Server server;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void startTlsServer() throws Exception {
    security = OtlpSecurity.generate(dir, true, true);
    ServerInterceptor auth =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String value = headers.get(AUTHORIZATION);
            seen.add(String.valueOf(value));
            if (!("Bearer " + security.token()).equals(value)) {
              call.close(Status.UNAUTHENTICATED, new Metadata());
              return new ServerCall.Listener<>() {};
            }
            return next.startCall(call, headers);
          }
        };
    server =
        NettyServerBuilder.forPort(0)
            .sslContext(
                GrpcSslContexts.forServer(security.certFile().toFile(), security.keyFile().toFile())
                    .build())
            .addService(
                ServerInterceptors.intercept(
                    new LogsServiceGrpc.LogsServiceImplBase() {
                      @Override
                      public void export(
                          ExportLogsServiceRequest request,
                          StreamObserver<ExportLogsServiceResponse> reply) {
                        reply.onNext(ExportLogsServiceResponse.getDefaultInstance());
                        reply.onCompleted();
                      }
                    },
                    auth))
            .build()
            .start();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void sendsOverTlsTrustingTheGeneratedCaWithTheBearerToken() throws Exception {
    OtlpLoadGenerator.Outcome o = send(security);
    assertThat(o.statuses()).containsOnlyKeys("OK");
    assertThat(o.statuses().get("OK")).isEqualTo(o.sent() + 2);
    assertThat(seen).containsExactly("Bearer " + security.token());
  }

  @Test
  void withoutTheTokenEveryRequestIsRefused() throws Exception {
    OtlpSecurity tlsOnly =
        new OtlpSecurity(security.caFile(), null, null, null, null); // trusts, sends no token
    OtlpLoadGenerator.Outcome o = send(tlsOnly);
    assertThat(o.statuses()).containsOnlyKeys("UNAUTHENTICATED");
    assertThat(seen).containsExactly("null");
  }

  private OtlpLoadGenerator.Outcome send(OtlpSecurity s) throws Exception {
    ExportLogsServiceRequest request =
        OtlpRequests.build(1, 1, 300, System.currentTimeMillis() * 1_000_000L);
    try (OtlpLoadGenerator gen = new OtlpLoadGenerator("127.0.0.1", server.getPort(), 2, s)) {
      gen.timeToFirstResponse(request);
      return gen.run(
          request, 200, 20, TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.MILLISECONDS.toNanos(100));
    }
  }
}
