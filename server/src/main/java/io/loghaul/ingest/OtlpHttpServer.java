package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
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
import io.netty.channel.socket.nio.NioServerSocketChannel;
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
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/HTTP receiver: {@code POST /v1/logs} on {@code otlp.http.port} (plain Netty, HTTP/1.1),
 * bodies {@code application/x-protobuf} or {@code application/json} (OTLP/JSON, see
 * {@link OtlpJson}), optionally {@code Content-Encoding: gzip}. The reply has the request's
 * content type.
 *
 * <p>Statuses (SPEC §6, OTLP spec): 200 with the {@code ExportLogsServiceResponse} (partial success
 * for invalid records, empty request included); 400 malformed body; 404 other paths; 405 other
 * methods; 413 over {@code otlp.max-request-bytes} on the wire or after decompression (inflating
 * stops at the limit); 415 other content types or encodings; 503 with {@code Retry-After} when Kafka
 * is unavailable or over budget. Error bodies are {@code google.rpc.Status}, protobuf or JSON like
 * the request (protobuf when the request's type is unsupported).
 *
 * <p>Threading: decompression and decoding run on the Netty event loop (CPU only, bounded by the
 * size limit); Kafka is never waited for there: the reply is written from the publish callback, and
 * the connection stops reading until then, which keeps pipelined requests in order and pushes back
 * on the client. Every {@link ByteBuf} is released by this handler.
 *
 * <p>Lifecycle: {@link #start()} once; {@link #close()} stops accepting connections, answers
 * requests that arrive meanwhile with 503, waits up to {@link #SHUTDOWN_TIMEOUT} for in-flight ones,
 * then closes everything.
 *
 * <p>Tracing: every request gets an {@code otlp.export} span whose parent is its W3C
 * {@code traceparent} header ({@link IngestTracing}).
 */
public final class OtlpHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpServer.class);

  static final String PATH = "/v1/logs";
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";
  static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  static final int RETRY_AFTER_SECONDS = 1;

  private final int port;
  private final int maxRequestBytes;
  private final OtlpLogsIngester ingester;
  private final Set<CompletableFuture<?>> inflight = ConcurrentHashMap.newKeySet();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile boolean closing;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private Channel serverChannel;

  /**
   * A receiver on {@code port} (0: disabled, {@link #start()} does nothing).
   *
   * @param maxRequestBytes {@code otlp.max-request-bytes}, after decompression
   */
  public OtlpHttpServer(int port, long maxRequestBytes, OtlpLogsIngester ingester) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException("maxRequestBytes: " + maxRequestBytes + " (expected: > 0)");
    }
    this.port = port;
    // byte[] bodies: stay below the JVM's array limit
    this.maxRequestBytes = (int) Math.min(maxRequestBytes, Integer.MAX_VALUE - 16);
    this.ingester = requireNonNull(ingester, "ingester");
  }

  /** Binds the port and starts serving; does nothing when the port is 0. */
  public synchronized void start() throws InterruptedException {
    if (serverChannel != null) {
      throw new IllegalStateException("already started");
    }
    if (port == 0) {
      return;
    }
    bossGroup = new NioEventLoopGroup(1);
    workerGroup = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
    serverChannel = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            ch.pipeline().addLast("http", new HttpServerCodec()).addLast("otlp", new OtlpLogsHandler());
          }
        })
        .bind(new InetSocketAddress(port))
        .sync()
        .channel();
    LOG.info("OTLP/HTTP listening on {}", serverChannel.localAddress());
  }

  /** The bound port, or -1 when disabled or not started. */
  public synchronized int port() {
    return serverChannel == null ? -1 : ((InetSocketAddress) serverChannel.localAddress()).getPort();
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
      LOG.warn("OTLP/HTTP requests still in flight after {}, closing their connections", SHUTDOWN_TIMEOUT);
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

  /** One connection's request state; runs on its event loop. */
  private final class OtlpLogsHandler extends ChannelInboundHandlerAdapter {
    private CompositeByteBuf body;
    private boolean discarding;
    private boolean json;
    private boolean gzip;
    private boolean keepAlive;
    private long startNanos;
    private Span span;

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
      startNanos = System.nanoTime();
      span = ingester.tracing().startExport(
          TraceContext.of(req.headers().get("traceparent"), req.headers().get("tracestate")), IngestListener.HTTP);
      keepAlive = HttpUtil.isKeepAlive(req);
      String contentType = mediaType(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
      json = JSON.equals(contentType);
      discarding = true;
      if (req.decoderResult().isFailure()) {
        keepAlive = false;
        fail(ctx, HttpResponseStatus.BAD_REQUEST, Code.INVALID_ARGUMENT, "malformed HTTP request");
        return;
      }
      String uri = req.uri();
      int query = uri.indexOf('?');
      if (!PATH.equals(query < 0 ? uri : uri.substring(0, query))) {
        fail(ctx, HttpResponseStatus.NOT_FOUND, Code.NOT_FOUND, "no such path (expected: POST " + PATH + ")");
        return;
      }
      if (!HttpMethod.POST.equals(req.method())) {
        fail(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, Code.UNIMPLEMENTED, req.method() + " not allowed (expected: POST)");
        return;
      }
      if (!json && !PROTOBUF.equals(contentType)) {
        fail(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, Code.INVALID_ARGUMENT,
            "content type " + clip(contentType) + " (expected: " + PROTOBUF + " or " + JSON + ")");
        return;
      }
      String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
      gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
      if (!gzip && encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
        fail(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, Code.INVALID_ARGUMENT,
            "content encoding " + clip(encoding) + " (expected: gzip or identity)");
        return;
      }
      if (HttpUtil.getContentLength(req, -1L) > maxRequestBytes) {
        tooLarge(ctx);
        return;
      }
      if (closing) {
        keepAlive = false;
        unavailable(ctx, "server is shutting down");
        return;
      }
      if (HttpUtil.is100ContinueExpected(req)) {
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      }
      discarding = false;
      body = ctx.alloc().compositeBuffer(1024);
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
      boolean last = content instanceof LastHttpContent;
      if (discarding || body == null) {
        if (last) {
          discarding = false;
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
        tooLarge(ctx);
        return;
      }
      if (last) {
        ByteBuf complete = body;
        body = null;
        try {
          process(ctx, complete);
        } finally {
          complete.release();
        }
      }
    }

    private void process(ChannelHandlerContext ctx, ByteBuf complete) {
      byte[] export;
      try {
        byte[] bytes = gzip ? gunzip(complete, maxRequestBytes) : ByteBufUtil.getBytes(complete);
        // OTLP/JSON becomes the protobuf bytes the decoder reads; protobuf bytes are checked there
        export = json ? OtlpJson.parseRequest(new String(bytes, StandardCharsets.UTF_8)).toByteArray() : bytes;
      } catch (TooLargeException e) {
        tooLarge(ctx);
        return;
      } catch (InvalidProtocolBufferException e) {
        fail(ctx, HttpResponseStatus.BAD_REQUEST, Code.INVALID_ARGUMENT,
            "request is not an ExportLogsServiceRequest: " + e.getMessage());
        return;
      } catch (IOException e) {
        fail(ctx, HttpResponseStatus.BAD_REQUEST, Code.INVALID_ARGUMENT, "malformed gzip body: " + e.getMessage());
        return;
      }
      boolean requestKeepAlive = keepAlive;
      boolean requestJson = json;
      long start = startNanos;
      Span requestSpan = span;
      CompletableFuture<ExportLogsServiceResponse> reply;
      try {
        reply = ingester.export(export, 0, export.length, requestSpan, IngestListener.HTTP);
      } catch (InvalidProtocolBufferException e) {
        fail(ctx, HttpResponseStatus.BAD_REQUEST, Code.INVALID_ARGUMENT,
            "request is not an ExportLogsServiceRequest: " + e.getMessage());
        return;
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
      // read nothing more from this connection until the reply is written (the callback below
      // turns reading back on, also when the reply is already complete)
      ctx.channel().config().setAutoRead(false);
      inflight.add(reply);
      CompletableFuture<ExportLogsServiceResponse> answered = reply;
      reply.whenComplete((response, error) -> {
        if (error != null) {
          unavailable(ctx, requestJson, requestKeepAlive, start, requestSpan, error);
        } else {
          String outcome = response.hasPartialSuccess() ? IngestListener.PARTIAL_SUCCESS : IngestListener.SUCCESS;
          write(ctx, HttpResponseStatus.OK, requestJson, response, requestKeepAlive, outcome, start, requestSpan);
        }
        inflight.remove(answered);
        ctx.channel().config().setAutoRead(true);
      });
    }

    private void tooLarge(ChannelHandlerContext ctx) {
      fail(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Code.RESOURCE_EXHAUSTED,
          "request exceeds " + maxRequestBytes + " bytes");
    }

    private void unavailable(ChannelHandlerContext ctx, String message) {
      unavailable(ctx, json, keepAlive, startNanos, span, new PublishException(message));
    }

    private void unavailable(ChannelHandlerContext ctx, boolean asJson, boolean keep, long start, Span requestSpan,
        Throwable error) {
      Throwable cause = error.getCause() != null && !(error instanceof PublishException) ? error.getCause() : error;
      Status status = Status.newBuilder()
          .setCode(Code.UNAVAILABLE_VALUE)
          .setMessage("logs not stored, retry later: " + cause.getMessage())
          .addDetails(Any.pack(RetryInfo.newBuilder()
              .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(RETRY_AFTER_SECONDS))
              .build()))
          .build();
      write(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, asJson, status, keep, IngestListener.UNAVAILABLE, start,
          requestSpan);
    }

    private void fail(ChannelHandlerContext ctx, HttpResponseStatus httpStatus, Code code, String message) {
      Status status = Status.newBuilder()
          .setCode(code.getNumber()).setMessage(message).build();
      String outcome = code == Code.RESOURCE_EXHAUSTED ? IngestListener.TOO_LARGE : IngestListener.INVALID;
      write(ctx, httpStatus, json, status, keepAlive, outcome, startNanos, span);
    }

    private void write(ChannelHandlerContext ctx, HttpResponseStatus status, boolean asJson, Message message,
        boolean keep, String outcome, long start, Span requestSpan) {
      ByteBuf content = asJson
          ? Unpooled.copiedBuffer(OtlpJson.print(message), StandardCharsets.UTF_8)
          : Unpooled.wrappedBuffer(message.toByteArray());
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, asJson ? JSON : PROTOBUF)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      if (status == HttpResponseStatus.SERVICE_UNAVAILABLE) {
        response.headers().setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
      } else if (status == HttpResponseStatus.METHOD_NOT_ALLOWED) {
        response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
      }
      boolean keepOpen = keep && !closing;
      if (!keepOpen) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      ingester.listener().requestCompleted(IngestListener.HTTP, outcome, System.nanoTime() - start);
      requestSpan.setAttribute(IngestTracing.HTTP_STATUS_CODE, (long) status.code());
      IngestTracing.endExport(requestSpan, outcome);
      var written = ctx.writeAndFlush(response);
      if (!keepOpen) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
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
        span.setStatus(StatusCode.ERROR, "connection closed before the request was complete");
        span.end();
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

  /** The media type of a Content-Type value, lower case, without parameters; "" when absent. */
  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  private static String clip(String s) {
    return s.length() <= 64 ? '"' + s + '"' : '"' + s.substring(0, 64) + "...\"";
  }
}
