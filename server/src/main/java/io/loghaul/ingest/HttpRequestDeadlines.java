package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one OTLP/HTTP connection: its request's headers must arrive within {@code
 * otlp.http.header-timeout-ms} of its first byte, its body within {@code otlp.http.body-timeout-ms}
 * of the end of its headers, and a keep-alive connection with no request in progress is closed
 * after {@code otlp.http.idle-timeout-ms}. These are deadlines, not read timeouts: a slow-loris
 * client that sends one byte a second still runs out of time.
 *
 * <p>Sits before the HTTP codec, where it sees the request's first byte; the request handler behind
 * the codec reports the rest ({@link #headersReceived()}, {@link #requestReceived()}, {@link
 * #replySent()}). A missed header or body deadline is passed down the pipeline as a {@link Expired}
 * event so that the request handler can answer 408 and close; a missed idle deadline closes the
 * connection quietly. No deadline runs while a complete request waits for its reply: that wait is
 * bounded by the Kafka publish timeout.
 *
 * <p>Confined to the connection's event loop: every method must be called there.
 */
final class HttpRequestDeadlines extends ChannelInboundHandlerAdapter {
  /** The deadline a request missed, passed down the pipeline as a user event. */
  enum Expired {
    HEADERS,
    BODY
  }

  private enum Phase {
    IDLE,
    HEADERS,
    BODY,
    REPLYING
  }

  private final ListenerLimits limits;
  private ChannelHandlerContext ctx;
  private Phase phase = Phase.IDLE;
  private boolean replied;
  private boolean nextRequestStarted;
  private ScheduledFuture<?> timer;

  HttpRequestDeadlines(ListenerLimits limits) {
    this.limits = requireNonNull(limits, "limits");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(limits.idleTimeout());
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
      if (phase == Phase.IDLE) {
        phase = Phase.HEADERS;
        arm(limits.headerTimeout());
      } else if (phase == Phase.REPLYING) {
        nextRequestStarted = true;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** The codec decoded a request's headers. */
  void headersReceived() {
    phase = Phase.BODY;
    replied = false;
    arm(limits.bodyTimeout());
  }

  /** The request's last body chunk arrived (also when its body was being discarded). */
  void requestReceived() {
    if (replied) {
      idle();
    } else {
      phase = Phase.REPLYING;
      cancel();
    }
  }

  /** The reply to the current request was written; it may come before the body ended (413). */
  void replySent() {
    if (phase == Phase.REPLYING) {
      idle();
    } else {
      replied = true;
    }
  }

  private void idle() {
    replied = false;
    if (nextRequestStarted) {
      nextRequestStarted = false;
      phase = Phase.HEADERS;
      arm(limits.headerTimeout());
    } else {
      phase = Phase.IDLE;
      arm(limits.idleTimeout());
    }
  }

  private void arm(Duration timeout) {
    cancel();
    Phase armedFor = phase;
    timer =
        ctx.executor().schedule(() -> expire(armedFor), timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire(Phase armedFor) {
    timer = null;
    if (phase != armedFor || !ctx.channel().isActive()) {
      return;
    }
    if (phase == Phase.IDLE || replied) {
      ctx.close();
      return;
    }
    // keep the connection from reading what the client sends after the deadline
    ctx.channel().config().setAutoRead(false);
    ctx.fireUserEventTriggered(phase == Phase.HEADERS ? Expired.HEADERS : Expired.BODY);
  }
}
