package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cap on open connections of one OTLP listener ({@code otlp.max-connections}), enforced where
 * connections are accepted: a connection over the cap is closed right after {@code accept()},
 * before Netty registers it, allocates buffers for it or reads a byte from it, so a flood of
 * connections costs little and never slows the accepted ones. Works for both listeners because it
 * is a server channel ({@link #channelFactory()}) rather than a handler, which grpc-java's builder
 * would not let us install.
 *
 * <p>Thread-safe: accepts happen on the listener's boss thread, closes on any event loop.
 */
final class ConnectionLimit {
  /** Connections over the cap closed in one accept round before the selector is asked again. */
  private static final int MAX_REFUSED_PER_ROUND = 64;

  private final int max;
  private final String transport;
  private final IngestListener listener;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionLimit(int max, String transport, IngestListener listener) {
    if (max <= 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: > 0)");
    }
    this.max = max;
    this.transport = requireNonNull(transport, "transport");
    this.listener = requireNonNull(listener, "listener");
  }

  /** Creates the listener's server channels; NIO only (pair it with NIO event loop groups). */
  ChannelFactory<NioServerSocketChannel> channelFactory() {
    return LimitedServerChannel::new;
  }

  /** Connections open now. */
  int open() {
    return open.get();
  }

  private boolean tryOpen() {
    while (true) {
      int n = open.get();
      if (n >= max) {
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        listener.connectionOpened(transport);
        return true;
      }
    }
  }

  private void closed() {
    open.decrementAndGet();
    listener.connectionClosed(transport);
  }

  /** Accepts like {@link NioServerSocketChannel}, but closes what is over the cap at once. */
  private final class LimitedServerChannel extends NioServerSocketChannel {
    @Override
    protected int doReadMessages(List<Object> buf) throws Exception {
      for (int refused = 0; refused < MAX_REFUSED_PER_ROUND; refused++) {
        SocketChannel socket = javaChannel().accept();
        if (socket == null) {
          return 0;
        }
        if (tryOpen()) {
          buf.add(new CountedChannel(this, socket));
          return 1;
        }
        try {
          // RST rather than FIN: nothing to flush, and the client learns at once
          socket.setOption(StandardSocketOptions.SO_LINGER, 0);
          socket.close();
        } catch (IOException e) {
          // closing a socket we never used: nothing to do about a failure
        }
        listener.connectionRefused(transport);
      }
      return 0;
    }
  }

  /** A connection that gives its place back when it closes. */
  private final class CountedChannel extends NioSocketChannel {
    private final AtomicBoolean counted = new AtomicBoolean(true);

    CountedChannel(Channel parent, SocketChannel socket) {
      super(parent, socket);
    }

    @Override
    protected void doClose() throws Exception {
      try {
        super.doClose();
      } finally {
        if (counted.compareAndSet(true, false)) {
          closed();
        }
      }
    }
  }
}
