package io.loghaul.ingest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Frame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately misbehaving HTTP/2 client for tests of the gRPC listener: a real Netty HTTP/2
 * frame codec, driven frame by frame (open and reset streams, ping, idle), recording every frame
 * the server sends. Not thread-safe beyond what Netty gives; one per test.
 */
final class RawHttp2Client implements AutoCloseable {
  final List<Http2Frame> received = new CopyOnWriteArrayList<>();
  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel channel;
  private final Http2FrameCodec codec;
  private final Recorder recorder = new Recorder();

  RawHttp2Client(int port) throws InterruptedException {
    codec = Http2FrameCodecBuilder.forClient().autoAckPingFrame(true).build();
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(codec).addLast(recorder);
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  /** Opens a stream for an OTLP Export call: headers only, no message yet. */
  Http2FrameStream openExportStream() throws InterruptedException {
    Http2FrameStream stream = recorder.newStream();
    Http2Headers headers =
        new DefaultHttp2Headers()
            .method("POST")
            .scheme("http")
            .authority("127.0.0.1")
            .path("/opentelemetry.proto.collector.logs.v1.LogsService/Export")
            .set("content-type", "application/grpc")
            .set("te", "trailers");
    channel.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false).stream(stream)).sync();
    return stream;
  }

  void reset(Http2FrameStream stream) throws InterruptedException {
    channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream)).sync();
  }

  void ping(long content) throws InterruptedException {
    channel.writeAndFlush(new DefaultHttp2PingFrame(content)).sync();
  }

  boolean isOpen() {
    return channel.isActive();
  }

  Http2SettingsFrame settings() {
    return received.stream()
        .filter(Http2SettingsFrame.class::isInstance)
        .map(Http2SettingsFrame.class::cast)
        .findFirst()
        .orElse(null);
  }

  Http2GoAwayFrame goAway() {
    return received.stream()
        .filter(Http2GoAwayFrame.class::isInstance)
        .map(Http2GoAwayFrame.class::cast)
        .findFirst()
        .orElse(null);
  }

  long resets() {
    return received.stream().filter(Http2ResetFrame.class::isInstance).count();
  }

  /** Records every frame the server sends; its base class can create streams. */
  private final class Recorder extends Http2ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2Frame frame) {
        received.add(frame);
      }
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
