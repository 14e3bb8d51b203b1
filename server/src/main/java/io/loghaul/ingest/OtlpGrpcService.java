package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.loghaul.record.RecordContract;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/gRPC receiver: {@code opentelemetry.proto.collector.logs.v1.LogsService/Export} on
 * {@code otlp.grpc.port} (grpc-netty), gzip or identity request compression.
 *
 * <p>Status codes (docs/otlp.md#status-codes, OTLP spec): an empty request → OK; a request over
 * {@code otlp.max-request-bytes} after decompression (gRPC enforces the limit while inflating, so a
 * gzip bomb is never inflated past it) → RESOURCE_EXHAUSTED without RetryInfo; bytes that are not
 * an {@code ExportLogsServiceRequest} → INVALID_ARGUMENT; Kafka unavailable or over budget →
 * UNAVAILABLE with {@code google.rpc.RetryInfo} in {@code grpc-status-details-bin}. Invalid records
 * are reported in {@code partial_success}.
 *
 * <p>The request is read as raw bytes by our own marshaller, so that malformed bytes and the size
 * limit surface as the codes above rather than grpc-java's UNKNOWN for marshaller failures. The
 * bytes go to {@link OtlpLogDecoder} as they are (no protobuf message objects). A call without
 * request compression is read, decoded and mapped on the Netty event loop that received it when its
 * message is at most {@link RequestWorkers#INLINE_MAX_BYTES}, on the {@link RequestWorkers} when it
 * is larger; a compressed call ({@code grpc-encoding} other than {@code identity}) is read,
 * inflated and decoded on the workers from its first byte. The reply is sent from the Kafka
 * acknowledgement callback. W3C {@code traceparent}/{@code tracestate} metadata are the parent of
 * the request's {@code otlp.export} span and continue into the Kafka record headers ({@link
 * IngestTracing}).
 *
 * <p>Hostile and broken clients ({@link ListenerLimits}, in HTTP/2 terms): at most {@code
 * otlp.max-connections} connections ({@link ConnectionLimit}) and {@code
 * otlp.grpc.max-concurrent-streams} calls per connection; header lists up to {@code
 * otlp.max-header-bytes}; keep-alive pings only while calls are open and not more often than {@code
 * otlp.grpc.min-ping-interval-ms} (else GOAWAY {@code ENHANCE_YOUR_CALM}); connections idle for
 * {@code otlp.grpc.max-connection-idle-ms} or older than {@code otlp.grpc.max-connection-age-ms}
 * are closed gracefully (GOAWAY, then {@code otlp.grpc.max-connection-age-grace-ms} for running
 * calls); and a client that resets more than {@link #MAX_RESETS_PER_WINDOW} streams in {@link
 * #RESET_WINDOW_SECONDS} seconds (the HTTP/2 "rapid reset" attack, CVE-2023-44487) gets GOAWAY. A
 * stream reset before its request message arrived costs no decoding at all.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} stops accepting calls, lets in-flight ones
 * finish for up to {@link #SHUTDOWN_TIMEOUT}, then cancels the rest.
 */
public final class OtlpGrpcService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcService.class);

  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /** What clients are told to wait before retrying an UNAVAILABLE export. */
  static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  private static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of(RecordContract.TRACEPARENT, Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> TRACESTATE =
      Metadata.Key.of(RecordContract.TRACESTATE, Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<TraceContext> TRACE_CONTEXT =
      Context.key("loghaul-trace-context");
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> TENANT = Context.key("loghaul-tenant");
  private static final Metadata.Key<String> GRPC_ENCODING =
      Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

  /** Stream resets a connection may send per window before it is sent GOAWAY (rapid reset). */
  static final int MAX_RESETS_PER_WINDOW = 200;

  static final int RESET_WINDOW_SECONDS = 10;

  private final String host;
  private final int port;
  private final int maxRequestBytes;
  private final ListenerLimits limits;
  private final OtlpLogsIngester ingester;
  private final RequestWorkers workers;
  private final ConnectionLimit connections;
  private final SslContext tls; // null: plaintext
  private final TenantTokens tokens; // null: no authentication
  private Server server;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;

  /**
   * A receiver on {@code options.host():options.port()}; port 0 binds any free port ({@link
   * #port()} tells which). It serves TLS with {@code options.tls()} (see {@link
   * OtlpSslContexts#grpc}) unless it is null, and requires a bearer token of {@code
   * options.tokens()} in the {@code authorization} metadata of every call when they are given:
   * without one, UNAUTHENTICATED and nothing is read or published.
   *
   * @param workers where large and compressed requests are read, decompressed and decoded (not
   *     owned: the caller closes it)
   */
  public OtlpGrpcService(
      ListenerOptions options, OtlpLogsIngester ingester, RequestWorkers workers) {
    this.host = options.host();
    this.port = options.port();
    this.maxRequestBytes = (int) Math.min(options.maxRequestBytes(), Integer.MAX_VALUE);
    this.limits = options.limits();
    this.tls = options.tls();
    this.tokens = options.tokens();
    this.ingester = requireNonNull(ingester, "ingester");
    this.workers = requireNonNull(workers, "workers");
    this.connections =
        new ConnectionLimit(limits.maxConnections(), IngestListener.GRPC, ingester.listener());
  }

  /** Binds the port and starts serving. */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    // our own NIO groups: a custom server channel (the connection cap) needs matching groups
    bossGroup = new NioEventLoopGroup(1);
    workerGroup = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .channelFactory(connections.channelFactory())
            .bossEventLoopGroup(bossGroup)
            .workerEventLoopGroup(workerGroup)
            .maxInboundMessageSize(maxRequestBytes)
            .maxInboundMetadataSize(limits.maxHeaderBytes())
            .maxConcurrentCallsPerConnection(limits.maxConcurrentStreams())
            .permitKeepAliveWithoutCalls(false)
            .permitKeepAliveTime(limits.minPingInterval().toNanos(), TimeUnit.NANOSECONDS)
            .maxConnectionIdle(limits.maxConnectionIdle().toNanos(), TimeUnit.NANOSECONDS)
            .maxConnectionAgeGrace(limits.maxConnectionAgeGrace().toNanos(), TimeUnit.NANOSECONDS)
            .maxRstFramesPerWindow(MAX_RESETS_PER_WINDOW, RESET_WINDOW_SECONDS)
            // calls start on the event loop; compressed ones move to the workers before reading
            .directExecutor()
            .callExecutor(new CompressedCallsOnWorkers())
            .addService(
                tokens == null
                    ? ServerInterceptors.intercept(
                        serviceDefinition(), new TraceContextInterceptor())
                    : ServerInterceptors.intercept(
                        serviceDefinition(), new TraceContextInterceptor(), new AuthInterceptor()));
    if (tls != null) {
      builder.sslContext(tls);
    }
    if (!limits.maxConnectionAge().isZero()) {
      builder.maxConnectionAge(limits.maxConnectionAge().toNanos(), TimeUnit.NANOSECONDS);
    }
    try {
      server = builder.build().start();
    } catch (IOException | RuntimeException e) {
      shutdownGroups();
      throw e;
    }
    LOG.info("OTLP/gRPC listening on {}", ListenAddress.describe(host, server.getPort()));
  }

  /** The bound port, or -1 when not started. */
  public synchronized int port() {
    return server == null ? -1 : server.getPort();
  }

  private ServerServiceDefinition serviceDefinition() {
    MethodDescriptor<RawRequest, ExportLogsServiceResponse> export =
        LogsServiceGrpc.getExportMethod().toBuilder(
                RawRequest.MARSHALLER,
                ProtoUtils.marshaller(ExportLogsServiceResponse.getDefaultInstance()))
            .build();
    return ServerServiceDefinition.builder(LogsServiceGrpc.SERVICE_NAME)
        .addMethod(export, ServerCalls.asyncUnaryCall(this::export))
        .build();
  }

  private void export(RawRequest raw, StreamObserver<ExportLogsServiceResponse> responses) {
    long start = System.nanoTime();
    TraceContext trace = TRACE_CONTEXT.get();
    String tenant = TENANT.get();
    Span span =
        ingester
            .tracing()
            .startExport(trace == null ? TraceContext.NONE : trace, IngestListener.GRPC);
    if (raw.error != null) {
      boolean tooLarge = raw.error.getCode() == Status.Code.RESOURCE_EXHAUSTED;
      fail(
          responses,
          span,
          tooLarge ? IngestListener.TOO_LARGE : IngestListener.INVALID,
          raw.error.asRuntimeException(),
          start);
      return;
    }
    try {
      workers.decode(
          raw.bytes.length, () -> decodeAndReply(raw.bytes, tenant, span, responses, start));
    } catch (RejectedExecutionException e) {
      fail(
          responses,
          span,
          IngestListener.UNAVAILABLE,
          unavailable(new PublishException("server is shutting down")),
          start);
    }
  }

  private void decodeAndReply(
      byte[] request,
      String tenant,
      Span span,
      StreamObserver<ExportLogsServiceResponse> responses,
      long start) {
    CompletableFuture<ExportLogsServiceResponse> reply;
    try {
      reply = ingester.export(request, 0, request.length, span, IngestListener.GRPC, tenant);
    } catch (InvalidProtocolBufferException e) {
      fail(
          responses,
          span,
          IngestListener.INVALID,
          Status.INVALID_ARGUMENT
              .withDescription("request is not an ExportLogsServiceRequest: " + e.getMessage())
              .asRuntimeException(),
          start);
      return;
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete(
        (response, error) -> {
          if (error instanceof TenantThrottledException throttled) {
            fail(
                responses,
                span,
                IngestListener.THROTTLED,
                retryable(throttled.getMessage(), throttled.retryAfterSeconds()),
                start);
            return;
          }
          if (error != null) {
            fail(responses, span, IngestListener.UNAVAILABLE, unavailable(error), start);
            return;
          }
          String outcome =
              response.hasPartialSuccess()
                  ? IngestListener.PARTIAL_SUCCESS
                  : IngestListener.SUCCESS;
          finish(span, outcome, Status.Code.OK, start);
          responses.onNext(response);
          responses.onCompleted();
        });
  }

  private void fail(
      StreamObserver<ExportLogsServiceResponse> responses,
      Span span,
      String outcome,
      StatusRuntimeException error,
      long start) {
    finish(span, outcome, error.getStatus().getCode(), start);
    responses.onError(error);
  }

  private void finish(Span span, String outcome, Status.Code code, long start) {
    ingester.listener().requestCompleted(IngestListener.GRPC, outcome, System.nanoTime() - start);
    span.setAttribute(IngestTracing.RPC_GRPC_STATUS_CODE, (long) code.value());
    IngestTracing.endExport(span, outcome);
  }

  private static StatusRuntimeException unavailable(Throwable error) {
    Throwable cause =
        error.getCause() != null && !(error instanceof PublishException) ? error.getCause() : error;
    return retryable(
        "logs not stored, retry later: " + cause.getMessage(), RETRY_DELAY.toSeconds());
  }

  /** UNAVAILABLE with RetryInfo: the exporters retry. */
  private static StatusRuntimeException retryable(String message, long retryDelaySeconds) {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.UNAVAILABLE_VALUE)
            .setMessage(message)
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(
                            com.google.protobuf.Duration.newBuilder().setSeconds(retryDelaySeconds))
                        .build()))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /**
   * Refuses calls without a known bearer token before their message is read, and puts the tenant of
   * the others into the gRPC {@link Context}.
   */
  private final class AuthInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      long start = System.nanoTime();
      String tenant = tokens.tenant(headers.get(AUTHORIZATION));
      if (tenant == null) {
        call.close(
            Status.UNAUTHENTICATED.withDescription(
                "missing or unknown bearer token (expected: authorization: Bearer TOKEN)"),
            new Metadata());
        ingester
            .listener()
            .requestCompleted(
                IngestListener.GRPC, IngestListener.UNAUTHENTICATED, System.nanoTime() - start);
        return new ServerCall.Listener<>() {};
      }
      return Contexts.interceptCall(
          Context.current().withValue(TENANT, tenant), call, headers, next);
    }
  }

  /** Stops accepting calls, lets in-flight ones finish (bounded), then stops. Idempotent. */
  @Override
  public synchronized void close() {
    if (server == null || server.isShutdown() && server.isTerminated()) {
      return;
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("OTLP/gRPC calls still running after {}, cancelling them", SHUTDOWN_TIMEOUT);
        server.shutdownNow();
        server.awaitTermination(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      shutdownGroups();
    }
  }

  private void shutdownGroups() {
    if (workerGroup != null) {
      workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * Runs compressed calls on the workers from the start, so that inflating (whose cost shows only
   * after it is done) never runs on an event loop; other calls stay where grpc-java started them.
   */
  private final class CompressedCallsOnWorkers implements ServerCallExecutorSupplier {
    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
      String encoding = headers.get(GRPC_ENCODING);
      return encoding == null || encoding.equals("identity") ? null : workers;
    }
  }

  /** Puts the request's W3C trace context into the gRPC {@link Context}. */
  private static final class TraceContextInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      TraceContext trace = TraceContext.of(headers.get(TRACEPARENT), headers.get(TRACESTATE));
      return Contexts.interceptCall(
          Context.current().withValue(TRACE_CONTEXT, trace), call, headers, next);
    }
  }

  /**
   * The bytes of one gRPC message. An uncompressed message arrives as a {@link KnownLength} stream
   * whose {@code available()} is its exact size: reading into an array of that size saves {@code
   * readAllBytes()}'s 16 KiB scratch buffer and final copy on every request (a third of all bytes
   * the server allocated under load). Other streams (decompressing ones) are read to the end.
   */
  static byte[] readMessage(InputStream stream) throws IOException {
    if (!(stream instanceof KnownLength)) {
      return stream.readAllBytes();
    }
    byte[] bytes = new byte[stream.available()];
    int n = stream.readNBytes(bytes, 0, bytes.length);
    // read(), not readAllBytes(): that allocates its scratch buffer even at the end of the stream
    int next = n == bytes.length ? stream.read() : -1;
    if (n == bytes.length && next == -1) {
      return bytes;
    }
    // available() was not the whole message after all
    ByteArrayOutputStream all = new ByteArrayOutputStream(n + 1024);
    all.write(bytes, 0, n);
    if (next != -1) {
      all.write(next);
    }
    stream.transferTo(all);
    return all.toByteArray();
  }

  /** The request bytes, or why they could not be read; parsing never throws into grpc-java. */
  private record RawRequest(byte[] bytes, Status error) {
    static final MethodDescriptor.Marshaller<RawRequest> MARSHALLER =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(RawRequest value) {
            return new ByteArrayInputStream(value.bytes);
          }

          @Override
          public RawRequest parse(InputStream stream) {
            try {
              // for compressed messages grpc-java's stream throws RESOURCE_EXHAUSTED past the limit
              return new RawRequest(readMessage(stream), null);
            } catch (StatusRuntimeException e) {
              return new RawRequest(null, e.getStatus());
            } catch (IOException | RuntimeException e) {
              return new RawRequest(
                  null, Status.INVALID_ARGUMENT.withDescription("unreadable request: " + e));
            }
          }
        };
  }
}
