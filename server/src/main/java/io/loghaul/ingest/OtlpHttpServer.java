package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.loghaul.record.RecordContract;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/HTTP receiver: {@code POST /v1/logs} on {@code otlp.http.port} (plain Netty, HTTP/1.1),
 * bodies {@code application/x-protobuf} or {@code application/json} (OTLP/JSON, see {@link
 * OtlpJson}), optionally {@code Content-Encoding: gzip}. The reply has the request's content type.
 *
 * <p>Statuses (docs/otlp.md#status-codes, OTLP spec): 200 with the {@code
 * ExportLogsServiceResponse} (partial success for invalid records, empty request included); 400
 * malformed body; 404 other paths; 405 other methods; 413 over {@code otlp.max-request-bytes} on
 * the wire or after decompression (inflating stops at the limit); 415 other content types or
 * encodings; 503 with {@code Retry-After} when Kafka is unavailable or over budget. Error bodies
 * are {@code google.rpc.Status}, protobuf or JSON like the request (protobuf when the request's
 * type is unsupported).
 *
 * <p>Hostile and broken clients ({@link ListenerLimits}): at most {@code otlp.max-connections}
 * connections ({@link ConnectionLimit}); a request's headers and body must arrive within their
 * deadlines, else 408 and the connection is closed, and idle keep-alive connections are closed
 * ({@link HttpRequestDeadlines}); headers are limited to {@code otlp.max-header-bytes}; a body that
 * the codec cannot parse (bad chunked encoding, garbage after the declared length) is answered 400
 * and the connection closed.
 *
 * <p>Threading: the Netty event loop collects the body; a gzip body, and any body over {@link
 * RequestWorkers#INLINE_MAX_BYTES}, is inflated, parsed and decoded on the {@link RequestWorkers},
 * so one expensive request never stalls the other connections of its event loop; a smaller
 * uncompressed body is decoded on the event loop, where that costs less than the hand-over. Kafka
 * is never waited for on either: the reply is written from the publish callback, and the connection
 * stops reading until then, which keeps pipelined requests in order and pushes back on the client.
 * Every {@link ByteBuf} is released by this handler or by the worker it was handed to.
 *
 * <p>Lifecycle: {@link #start()} once; {@link #close()} stops accepting connections, answers
 * requests that arrive meanwhile with 503, waits up to {@link #SHUTDOWN_TIMEOUT} for in-flight
 * ones, then closes everything.
 *
 * <p>Tracing: every request gets an {@code otlp.export} span whose parent is its W3C {@code
 * traceparent} header ({@link IngestTracing}).
 */
public final class OtlpHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpServer.class);

  static final String PATH = "/v1/logs";
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  static final int RETRY_AFTER_SECONDS = 1;

  /** Request line: {@code POST /v1/logs HTTP/1.1} and a query; longer is a 400. */
  static final int MAX_INITIAL_LINE_BYTES = 4096;

  /**
   * Body chunks as the codec hands them over; the body itself is limited by otlp.max-request-bytes.
   */
  static final int MAX_CHUNK_BYTES = 64 * 1024;

  private static final String PLAIN_TEXT = "text/plain; charset=utf-8";

  private final String host;
  private final int port;
  private final int maxRequestBytes;
  private final ListenerLimits limits;
  private final OtlpLogsIngester ingester;
  private final RequestWorkers workers;
  private final ConnectionLimit connections;
  private final SslContext tls; // null: plaintext
  private final TenantTokens tokens; // null: no authentication
  private final Set<CompletableFuture<?>> inflight = ConcurrentHashMap.newKeySet();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile boolean closing;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private Channel serverChannel;

  /**
   * A receiver on {@code options.host():options.port()}; port 0 binds any free port ({@link
   * #port()} tells which). It serves HTTPS with {@code options.tls()} (see {@link
   * OtlpSslContexts#http}) unless it is null; a client that does not speak TLS on a TLS port has
   * its connection closed at its first bytes, and requires a bearer token of {@code
   * options.tokens()} on every request when they are given: without one, 401 and nothing is read or
   * published.
   *
   * @param workers where large and gzip requests are read, decompressed and decoded (not owned: the
   *     caller closes it)
   */
  public OtlpHttpServer(
      ListenerOptions options, OtlpLogsIngester ingester, RequestWorkers workers) {
    this.host = options.host();
    this.port = options.port();
    // byte[] bodies: stay below the JVM's array limit
    this.maxRequestBytes = (int) Math.min(options.maxRequestBytes(), Integer.MAX_VALUE - 16);
    this.limits = options.limits();
    this.tls = options.tls();
    this.tokens = options.tokens();
    this.ingester = requireNonNull(ingester, "ingester");
    this.workers = requireNonNull(workers, "workers");
    this.connections =
        new ConnectionLimit(limits.maxConnections(), IngestListener.HTTP, ingester.listener());
  }

  /** Binds the port and starts serving. */
  public synchronized void start() throws InterruptedException {
    if (serverChannel != null) {
      throw new IllegalStateException("already started");
    }
    bossGroup = new NioEventLoopGroup(1);
    workerGroup = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
    serverChannel =
        new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channelFactory(connections.channelFactory())
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    HttpRequestDeadlines deadlines = new HttpRequestDeadlines(limits);
                    if (tls != null) {
                      ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast("deadlines", deadlines)
                        .addLast(
                            "http",
                            new HttpServerCodec(
                                MAX_INITIAL_LINE_BYTES, limits.maxHeaderBytes(), MAX_CHUNK_BYTES))
                        // the codec may decode a pipelined request from bytes already read while
                        // the
                        // previous one is in flight: hold it until reading is turned back on, so
                        // replies
                        // stay in request order
                        .addLast("flow", new FlowControlHandler())
                        .addLast("otlp", new OtlpLogsHandler(deadlines));
                  }
                })
            .bind(new InetSocketAddress(host, port))
            .sync()
            .channel();
    LOG.info(
        "OTLP/HTTP listening on {}",
        ListenAddress.describe(host, ((InetSocketAddress) serverChannel.localAddress()).getPort()));
  }

  /** The bound port, or -1 when not started. */
  public synchronized int port() {
    return serverChannel == null
        ? -1
        : ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Stops accepting, answers in-flight requests (bounded), then stops. Idempotent. */
  @Override
  public synchronized void close() {
    if (serverChannel == null || closing) {
      return;
    }
    closing = true;
    serverChannel.close().syncUninterruptibly();
    try {
      CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new))
          .get(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn(
          "OTLP/HTTP requests still in flight after {}, closing their connections",
          SHUTDOWN_TIMEOUT);
    }
    channels.close().awaitUninterruptibly();
    workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Thrown when a body inflates past the limit. */
  private static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException() {
      super("inflated body exceeds the limit");
    }
  }

  /** Inflates a gzip body, never past {@code max} bytes. */
  static byte[] gunzip(ByteBuf body, int max) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteBufInputStream(body.duplicate()))) {
      byte[] out = new byte[(int) Math.min(max + 1L, Math.max(8192L, body.readableBytes() * 4L))];
      int n = 0;
      while (true) {
        if (n == out.length) {
          if (n > max) {
            throw new TooLargeException();
          }
          out = Arrays.copyOf(out, (int) Math.min(max + 1L, (long) out.length * 2));
        }
        int r = in.read(out, n, out.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      if (n > max) {
        throw new TooLargeException();
      }
      return n == out.length ? out : Arrays.copyOf(out, n);
    }
  }

  /**
   * What the reply to one request needs, captured when its headers arrive: the reply may be written
   * from a worker or a Kafka callback while the event loop already reads the next request.
   */
  /**
   * @param tenant the authenticated tenant, or null (no authentication configured, or not yet)
   */
  private record Exchange(
      Format format, boolean keepAlive, long startNanos, Span span, String tenant) {
    boolean json() {
      return format == Format.JSON;
    }

    Exchange closing() {
      return new Exchange(format, false, startNanos, span, tenant);
    }

    Exchange of(String tenant) {
      return new Exchange(format, keepAlive, startNanos, span, tenant);
    }
  }

  /**
   * How a reply is written: like the request, protobuf or JSON; plain text (the status message) to
   * a request in neither format, such as {@code curl} without a content type.
   */
  private enum Format {
    PROTOBUF,
    JSON,
    TEXT;

    static Format of(String mediaType) {
      return switch (mediaType) {
        case OtlpHttpServer.JSON -> JSON;
        case OtlpHttpServer.PROTOBUF -> PROTOBUF;
        default -> TEXT;
      };
    }
  }

  /** One connection's request state; runs on its event loop. */
  private final class OtlpLogsHandler extends ChannelInboundHandlerAdapter {
    private final HttpRequestDeadlines deadlines;
    private CompositeByteBuf body;
    private boolean discarding;
    private boolean gzip;
    private Exchange exchange;

    OtlpLogsHandler(HttpRequestDeadlines deadlines) {
      this.deadlines = deadlines;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest req) {
          onRequest(ctx, req);
        }
        if (msg instanceof HttpContent content) {
          onContent(ctx, content);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest req) {
      deadlines.headersReceived();
      Span span =
          ingester
              .tracing()
              .startExport(
                  TraceContext.of(
                      req.headers().get(RecordContract.TRACEPARENT),
                      req.headers().get(RecordContract.TRACESTATE)),
                  IngestListener.HTTP);
      String contentType = mediaType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
      Format format = Format.of(contentType);
      boolean malformed = req.decoderResult().isFailure();
      exchange =
          new Exchange(
              format, !malformed && HttpUtil.isKeepAlive(req), System.nanoTime(), span, null);
      discarding = true;
      if (malformed) {
        badRequest(
            ctx, exchange, "malformed HTTP request: " + describe(req.decoderResult().cause()));
        return;
      }
      String uri = req.uri();
      int query = uri.indexOf('?');
      if (!PATH.equals(query < 0 ? uri : uri.substring(0, query))) {
        fail(
            ctx,
            exchange,
            HttpResponseStatus.NOT_FOUND,
            Code.NOT_FOUND,
            "no such path (expected: POST " + PATH + ")");
        return;
      }
      if (!HttpMethod.POST.equals(req.method())) {
        fail(
            ctx,
            exchange,
            HttpResponseStatus.METHOD_NOT_ALLOWED,
            Code.UNIMPLEMENTED,
            req.method() + " not allowed (expected: POST)");
        return;
      }
      if (tokens != null) {
        String tenant = tokens.tenant(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (tenant == null) {
          unauthenticated(ctx, exchange);
          return;
        }
        exchange = exchange.of(tenant);
      }
      if (format == Format.TEXT) {
        fail(
            ctx,
            exchange,
            HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
            Code.INVALID_ARGUMENT,
            "content type " + clip(contentType) + " (expected: " + PROTOBUF + " or " + JSON + ")");
        return;
      }
      String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
      gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
      if (!gzip
          && encoding != null
          && !encoding.isBlank()
          && !encoding.trim().equalsIgnoreCase("identity")) {
        fail(
            ctx,
            exchange,
            HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
            Code.INVALID_ARGUMENT,
            "content encoding " + clip(encoding) + " (expected: gzip or identity)");
        return;
      }
      if (HttpUtil.getContentLength(req, -1L) > maxRequestBytes) {
        tooLarge(ctx, exchange);
        return;
      }
      if (closing) {
        exchange = exchange.closing();
        unavailable(ctx, exchange, new PublishException("server is shutting down"));
        return;
      }
      if (HttpUtil.is100ContinueExpected(req)) {
        ctx.writeAndFlush(
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      }
      discarding = false;
      body = ctx.alloc().compositeBuffer(1024);
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
      boolean last = content instanceof LastHttpContent;
      if (content.decoderResult().isFailure()) {
        // the codec could not frame the body (bad chunk size, garbage after the body): it reads
        // nothing more from this connection, so answer and close
        boolean answered = discarding || body == null;
        releaseBody();
        discarding = true;
        deadlines.requestReceived();
        if (!answered && exchange != null) {
          exchange = exchange.closing();
          badRequest(
              ctx,
              exchange,
              "malformed HTTP request body: " + describe(content.decoderResult().cause()));
        } else {
          // close behind the reply already on its way (a close now would discard it when this
          // runs inside the flush that wrote the previous reply)
          ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        return;
      }
      if (discarding || body == null) {
        if (last) {
          discarding = false;
          deadlines.requestReceived();
        }
        return;
      }
      ByteBuf data = content.content();
      if (data.isReadable()) {
        body.addComponent(true, data.retain());
      }
      if (body.readableBytes() > maxRequestBytes) {
        releaseBody();
        discarding = !last;
        if (last) {
          deadlines.requestReceived();
        }
        tooLarge(ctx, exchange);
        return;
      }
      if (last) {
        deadlines.requestReceived();
        ByteBuf complete = body;
        body = null;
        submit(ctx, exchange, gzip, complete);
      }
    }

    /**
     * Decodes the body here when it is small and not compressed, else hands it to a worker ({@link
     * RequestWorkers#decode}); the connection reads nothing more until the reply is written.
     */
    private void submit(ChannelHandlerContext ctx, Exchange ex, boolean gzipped, ByteBuf complete) {
      ctx.channel().config().setAutoRead(false);
      Runnable task =
          () -> {
            try {
              process(ctx, ex, gzipped, complete);
            } finally {
              complete.release();
            }
          };
      try {
        if (gzipped) {
          workers.execute(task);
        } else {
          workers.decode(complete.readableBytes(), task);
        }
      } catch (RejectedExecutionException e) {
        complete.release();
        unavailable(ctx, ex, new PublishException("server is shutting down"));
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (!(evt instanceof HttpRequestDeadlines.Expired expired)) {
        super.userEventTriggered(ctx, evt);
        return;
      }
      if (expired == HttpRequestDeadlines.Expired.BODY && exchange != null) {
        releaseBody();
        discarding = true;
        Exchange ex = exchange.closing();
        Status status =
            Status.newBuilder()
                .setCode(Code.DEADLINE_EXCEEDED_VALUE)
                .setMessage(
                    "request body not received within "
                        + limits.bodyTimeout().toMillis()
                        + " ms (otlp.http.body-timeout-ms)")
                .build();
        write(ctx, HttpResponseStatus.REQUEST_TIMEOUT, ex, status, IngestListener.TIMEOUT);
        return;
      }
      // no request yet, so no content type to answer in: plain text
      ingester.listener().requestTimedOut(IngestListener.HTTP);
      ByteBuf text =
          Unpooled.copiedBuffer(
              "request headers not received within "
                  + limits.headerTimeout().toMillis()
                  + " ms (otlp.http.header-timeout-ms)\n",
              StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT, text);
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, PLAIN_TEXT)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, text.readableBytes())
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseBody() {
      if (body != null) {
        body.release();
        body = null;
      }
    }

    /** The connection ends in the middle of a request body: no reply will end its span. */
    private void abandonRequest() {
      if (body != null) {
        exchange
            .span()
            .setStatus(StatusCode.ERROR, "connection closed before the request was complete");
        exchange.span().end();
        releaseBody();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      abandonRequest();
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("OTLP/HTTP connection error, closing it", cause);
      abandonRequest();
      ctx.close();
    }
  }

  /** Decompresses, parses, checks and publishes one request; runs on a worker. */
  private void process(ChannelHandlerContext ctx, Exchange ex, boolean gzip, ByteBuf complete) {
    CompletableFuture<ExportLogsServiceResponse> reply;
    try {
      byte[] export;
      try {
        byte[] bytes = gzip ? gunzip(complete, maxRequestBytes) : ByteBufUtil.getBytes(complete);
        // OTLP/JSON becomes the protobuf bytes the decoder reads; protobuf bytes are checked there
        export = ex.json() ? OtlpJson.toProtobuf(bytes) : bytes;
      } catch (TooLargeException e) {
        tooLarge(ctx, ex);
        return;
      } catch (OtlpJsonException e) {
        badRequest(ctx, ex, "invalid OTLP/JSON request: " + e.getMessage());
        return;
      } catch (InvalidProtocolBufferException e) {
        badRequest(ctx, ex, "request is not an ExportLogsServiceRequest: " + e.getMessage());
        return;
      } catch (IOException e) {
        badRequest(ctx, ex, "malformed gzip body: " + e.getMessage());
        return;
      }
      try {
        reply =
            ingester.export(export, 0, export.length, ex.span(), IngestListener.HTTP, ex.tenant());
      } catch (InvalidProtocolBufferException e) {
        badRequest(ctx, ex, "request is not an ExportLogsServiceRequest: " + e.getMessage());
        return;
      }
    } catch (RuntimeException | StackOverflowError e) {
      // a bug of ours, not the client's: still answer, and keep the worker alive
      LOG.warn("OTLP/HTTP request could not be processed", e);
      fail(
          ctx,
          ex,
          HttpResponseStatus.INTERNAL_SERVER_ERROR,
          Code.INTERNAL,
          "request could not be processed");
      return;
    }
    inflight.add(reply);
    CompletableFuture<ExportLogsServiceResponse> answered = reply;
    reply.whenComplete(
        (response, error) -> {
          if (error instanceof TenantThrottledException throttled) {
            throttled(ctx, ex, throttled);
          } else if (error != null) {
            unavailable(ctx, ex, error);
          } else {
            String outcome =
                response.hasPartialSuccess()
                    ? IngestListener.PARTIAL_SUCCESS
                    : IngestListener.SUCCESS;
            write(ctx, HttpResponseStatus.OK, ex, response, outcome);
          }
          inflight.remove(answered);
        });
  }

  private void tooLarge(ChannelHandlerContext ctx, Exchange ex) {
    fail(
        ctx,
        ex,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        Code.RESOURCE_EXHAUSTED,
        "request exceeds " + maxRequestBytes + " bytes");
  }

  private void unavailable(ChannelHandlerContext ctx, Exchange ex, Throwable error) {
    Throwable cause =
        error.getCause() != null && !(error instanceof PublishException) ? error.getCause() : error;
    Status status =
        Status.newBuilder()
            .setCode(Code.UNAVAILABLE_VALUE)
            .setMessage("logs not stored, retry later: " + cause.getMessage())
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(
                            com.google.protobuf.Duration.newBuilder()
                                .setSeconds(RETRY_AFTER_SECONDS))
                        .build()))
            .build();
    write(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, ex, status, IngestListener.UNAVAILABLE);
  }

  /** 401: no known bearer token; not retryable (the OTLP exporters drop the batch). */
  private void unauthenticated(ChannelHandlerContext ctx, Exchange ex) {
    Status status =
        Status.newBuilder()
            .setCode(Code.UNAUTHENTICATED_VALUE)
            .setMessage("missing or unknown bearer token (expected: Authorization: Bearer TOKEN)")
            .build();
    write(ctx, HttpResponseStatus.UNAUTHORIZED, ex, status, IngestListener.UNAUTHENTICATED);
  }

  /** 400 with INVALID_ARGUMENT: the client sent something it must not send again as it is. */
  private void badRequest(ChannelHandlerContext ctx, Exchange ex, String message) {
    fail(ctx, ex, HttpResponseStatus.BAD_REQUEST, Code.INVALID_ARGUMENT, message);
  }

  /** 429 with Retry-After: the tenant is over its rate; the exporters retry. */
  private void throttled(ChannelHandlerContext ctx, Exchange ex, TenantThrottledException e) {
    Status status =
        Status.newBuilder()
            .setCode(Code.UNAVAILABLE_VALUE)
            .setMessage(e.getMessage())
            .addDetails(
                Any.pack(
                    RetryInfo.newBuilder()
                        .setRetryDelay(
                            com.google.protobuf.Duration.newBuilder()
                                .setSeconds(e.retryAfterSeconds()))
                        .build()))
            .build();
    write(
        ctx,
        HttpResponseStatus.TOO_MANY_REQUESTS,
        ex,
        status,
        IngestListener.THROTTLED,
        e.retryAfterSeconds());
  }

  private void fail(
      ChannelHandlerContext ctx,
      Exchange ex,
      HttpResponseStatus httpStatus,
      Code code,
      String message) {
    Status status = Status.newBuilder().setCode(code.getNumber()).setMessage(message).build();
    String outcome =
        code == Code.RESOURCE_EXHAUSTED ? IngestListener.TOO_LARGE : IngestListener.INVALID;
    write(ctx, httpStatus, ex, status, outcome);
  }

  /**
   * Writes one reply and turns reading back on; thread-safe (Netty runs the write on the event
   * loop). The connection is closed after it unless the request asked for keep-alive and the server
   * is not closing.
   */
  private void write(
      ChannelHandlerContext ctx,
      HttpResponseStatus status,
      Exchange ex,
      Message message,
      String outcome) {
    write(ctx, status, ex, message, outcome, RETRY_AFTER_SECONDS);
  }

  private void write(
      ChannelHandlerContext ctx,
      HttpResponseStatus status,
      Exchange ex,
      Message message,
      String outcome,
      long retryAfterSeconds) {
    ByteBuf content =
        switch (ex.format()) {
          case JSON -> Unpooled.copiedBuffer(OtlpJson.print(message), StandardCharsets.UTF_8);
          case PROTOBUF -> Unpooled.wrappedBuffer(message.toByteArray());
          case TEXT -> Unpooled.copiedBuffer(text(message), StandardCharsets.UTF_8);
        };
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response
        .headers()
        .set(
            HttpHeaderNames.CONTENT_TYPE,
            switch (ex.format()) {
              case JSON -> JSON;
              case PROTOBUF -> PROTOBUF;
              case TEXT -> PLAIN_TEXT;
            })
        .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    if (status == HttpResponseStatus.SERVICE_UNAVAILABLE
        || status == HttpResponseStatus.TOO_MANY_REQUESTS) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
    } else if (status == HttpResponseStatus.UNAUTHORIZED) {
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    } else if (status == HttpResponseStatus.METHOD_NOT_ALLOWED) {
      response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
    }
    boolean keepOpen = ex.keepAlive() && !closing;
    if (!keepOpen) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ingester
        .listener()
        .requestCompleted(IngestListener.HTTP, outcome, System.nanoTime() - ex.startNanos());
    ex.span().setAttribute(IngestTracing.HTTP_STATUS_CODE, (long) status.code());
    IngestTracing.endExport(ex.span(), outcome);
    HttpRequestDeadlines deadlines = ctx.pipeline().get(HttpRequestDeadlines.class);
    ctx.writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!keepOpen) {
                    written.channel().close();
                    return;
                  }
                  if (deadlines != null) {
                    deadlines.replySent();
                  }
                  written.channel().config().setAutoRead(true);
                });
  }

  /** A reply for a client that sent neither protobuf nor JSON: the status's message, one line. */
  private static String text(Message message) {
    return (message instanceof Status status ? status.getMessage() : message.toString()) + "\n";
  }

  /** The cause of a codec failure, one line, without echoing the client's bytes at length. */
  private static String describe(Throwable cause) {
    if (cause == null || cause.getMessage() == null) {
      return cause == null ? "unknown" : cause.getClass().getSimpleName();
    }
    String message = cause.getMessage().replaceAll("\\p{Cntrl}", "?");
    return message.length() <= 128 ? message : message.substring(0, 128) + "...";
  }

  /** The media type of a Content-Type value, lower case, without parameters; "" when absent. */
  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  private static String clip(String s) {
    return s.length() <= 64 ? '"' + s + '"' : '"' + s.substring(0, 64) + "...\"";
  }
}
