package io.loghaul.loadtest;

import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop OTLP/gRPC load generator: sends {@code LogsService/Export} requests at a fixed
 * arrival rate over {@code channels} HTTP/2 connections with at most {@code concurrency} requests
 * in flight (gRPC streams), whatever the server's speed. Latency is measured from each request's
 * intended send time, so a stalled server is charged for every request it delayed (coordinated
 * omission corrected); requests that could not even start because all streams were busy count from
 * their intended time too.
 *
 * <p>One thread does all of it: a Netty event loop runs every connection's I/O, paces the requests
 * (a timer for the next intended send time) and records the responses in a {@link Recorder}. The
 * generator shares the machine with the server it measures; on one thread it needs no hand-off
 * between a sending thread and the I/O threads (a wake-up per request) and leaves the other cores
 * to the server. Requests before the warmup ends are recorded apart and left out of the outcome.
 */
final class OtlpLoadGenerator implements AutoCloseable {
  private final NioEventLoopGroup loopGroup =
      new NioEventLoopGroup(1, new DefaultThreadFactory("otlp-load-generator", true));
  private final EventLoop loop = loopGroup.next();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<LogsServiceGrpc.LogsServiceStub> stubs = new ArrayList<>();

  /**
   * Export with the request already serialized: the generator should not spend its CPU encoding.
   */
  static final MethodDescriptor<byte[], ExportLogsServiceResponse> EXPORT_BYTES =
      LogsServiceGrpc.getExportMethod().toBuilder(
              new BytesMarshaller(),
              ProtoUtils.marshaller(ExportLogsServiceResponse.getDefaultInstance()))
          .build();

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(5);

  /** The measured phase's latencies. */
  private final Recorder recorder = new Recorder(HIGHEST_NANOS, 3);

  private final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
  private final AtomicLong readyTransitions = new AtomicLong();

  OtlpLoadGenerator(String host, int port, int channelCount) throws SSLException {
    this(host, port, channelCount, OtlpSecurity.PLAINTEXT);
  }

  /**
   * With TLS the channels trust only {@code security}'s CA; with a token every call carries the
   * {@code authorization: Bearer} metadata, as an OpenTelemetry SDK exporter with that header does.
   */
  OtlpLoadGenerator(String host, int port, int channelCount, OtlpSecurity security)
      throws SSLException {
    SslContext tls =
        security.tls()
            ? GrpcSslContexts.forClient().trustManager(security.caFile().toFile()).build()
            : null;
    Metadata headers = new Metadata();
    if (security.hasToken()) {
      headers.put(AUTHORIZATION, "Bearer " + security.token());
    }
    for (int i = 0; i < channelCount; i++) {
      NettyChannelBuilder b =
          NettyChannelBuilder.forAddress(host, port)
              .maxInboundMessageSize(16 << 20)
              .flowControlWindow(1 << 20)
              .eventLoopGroup(loopGroup)
              .channelType(NioSocketChannel.class)
              // the callbacks only record a latency and free a stream: run them on the event loop
              // instead of handing each one to another thread
              .directExecutor();
      if (tls == null) {
        b.usePlaintext();
      } else {
        b.sslContext(tls);
      }
      if (security.hasToken()) {
        b.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
      }
      ManagedChannel ch = b.build();
      channels.add(ch);
      watch(ch, ch.getState(false));
      stubs.add(LogsServiceGrpc.newStub(ch));
    }
  }

  private void watch(ManagedChannel ch, ConnectivityState from) {
    ch.notifyWhenStateChanged(
        from,
        () -> {
          ConnectivityState now = ch.getState(false);
          if (now == ConnectivityState.READY) {
            readyTransitions.incrementAndGet();
          }
          if (now != ConnectivityState.SHUTDOWN) {
            watch(ch, now);
          }
        });
  }

  /**
   * Sends one request on each channel, one at a time, and returns each first-response time in
   * milliseconds: connection setup (TCP, HTTP/2 preface, settings) plus one request.
   */
  double[] timeToFirstResponse(ExportLogsServiceRequest request) throws InterruptedException {
    double[] ms = new double[stubs.size()];
    for (int i = 0; i < stubs.size(); i++) {
      long t0 = System.nanoTime();
      CountDownLatch done = new CountDownLatch(1);
      stubs.get(i).withDeadlineAfter(30, TimeUnit.SECONDS).export(request, new Observer(done));
      done.await();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  /** The outcome of {@link #run}: latency histogram of the measured phase, counts and rates. */
  record Outcome(
      Histogram latencyNanos,
      LatencyTimeline timeline,
      long sent,
      long measuredSent,
      double measuredSeconds,
      long measuredCompleted,
      Map<String, Long> statuses,
      long connectionsOpened) {}

  /**
   * Sends {@code rate} requests per second for {@code warmupNanos + durationNanos}, then waits up
   * to 30 s for the stragglers.
   */
  Outcome run(
      ExportLogsServiceRequest request,
      double rate,
      int concurrency,
      long warmupNanos,
      long durationNanos)
      throws InterruptedException {
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long measureFrom = start + warmupNanos;
    // index 0: the warmup, 1: the measured phase (see phase())
    Phase[] phases = {
      new Phase(new Recorder(HIGHEST_NANOS, 3), new LatencyTimeline(start, warmupNanos)),
      new Phase(recorder, new LatencyTimeline(measureFrom, durationNanos))
    };
    Pacer pacer =
        new Pacer(
            request.toByteArray(),
            1e9 / rate,
            concurrency,
            start,
            measureFrom,
            measureFrom + durationNanos,
            phases);
    loop.schedule(pacer, start - System.nanoTime(), TimeUnit.NANOSECONDS);
    // stragglers: wait for every stream to come back
    if (!pacer.finished.await(
        durationNanos + warmupNanos + TimeUnit.SECONDS.toNanos(90), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("the load generator did not finish (stalled event loop?)");
    }
    pacer.streamsBack.await(30, TimeUnit.SECONDS);
    Map<String, Long> counts = new TreeMap<>();
    statuses.forEach((k, v) -> counts.put(k, v.sum()));
    return new Outcome(
        recorder.getIntervalHistogram(),
        phases[1].timeline(),
        pacer.next,
        pacer.measuredSent,
        durationNanos / 1e9,
        phases[1].completed().sum(),
        counts,
        readyTransitions.get());
  }

  /**
   * The open-loop sender, on the event loop: each run sends every request whose intended time has
   * come, as long as a stream is free, then sets a timer for the next one. When all {@code
   * concurrency} streams are busy it stops until a response frees one; the requests it could not
   * send in time count from their intended time all the same. Every field is touched on the event
   * loop only, except the latches and the counts read after {@link #finished}.
   */
  private final class Pacer implements Runnable {
    private final byte[] body;
    private final double periodNanos;
    private final int concurrency;
    private final long start;
    private final long measureFrom;
    private final long end;
    private final Phase[] phases;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final CountDownLatch streamsBack = new CountDownLatch(1);

    /** The index of the next request to send, so also the number sent so far. */
    private long next;

    private int inFlight;
    private boolean waitingForStream;
    private boolean done;
    private long measuredSent;

    Pacer(
        byte[] body,
        double periodNanos,
        int concurrency,
        long start,
        long measureFrom,
        long end,
        Phase[] phases) {
      this.body = body;
      this.periodNanos = periodNanos;
      this.concurrency = concurrency;
      this.start = start;
      this.measureFrom = measureFrom;
      this.end = end;
      this.phases = phases;
    }

    @Override
    public void run() {
      long now = System.nanoTime();
      while (true) {
        long intended = start + (long) (next * periodNanos);
        if (intended >= end) {
          done = true;
          finished.countDown();
          if (inFlight == 0) {
            streamsBack.countDown();
          }
          return;
        }
        if (intended - now > 0) {
          loop.schedule(this, intended - now, TimeUnit.NANOSECONDS);
          return;
        }
        if (inFlight == concurrency) {
          waitingForStream = true;
          return;
        }
        int phase = phase(intended, measureFrom);
        ManagedChannel channel = channels.get((int) (next % channels.size()));
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
        inFlight++;
        ClientCalls.asyncUnaryCall(
            channel.newCall(EXPORT_BYTES, options),
            body,
            new TimedObserver(intended, phases[phase], this));
        next++;
        measuredSent += phase;
        now = System.nanoTime();
      }
    }

    /** A response (or failure) freed a stream; on the event loop. */
    void streamBack() {
      inFlight--;
      if (waitingForStream) {
        waitingForStream = false;
        run();
      } else if (done && inFlight == 0) {
        streamsBack.countDown();
      }
    }
  }

  /**
   * 0 for a request meant to be sent before {@code measureFrom}, 1 from then on: by arithmetic, not
   * a branch. The sending loop and the response callbacks run the same code in both phases: a
   * branch on the phase is never taken during the warmup, so the JIT compiles the loop without it
   * and, when the measured phase starts, throws the compiled loop away ("unstable_if"
   * deoptimization). The loop then ran interpreted and fell behind: the first 100–200 ms of every
   * measured window were slow, up to a third of the requests a run saw over 20 ms.
   */
  static int phase(long intendedNanos, long measureFromNanos) {
    return (int) ((measureFromNanos - 1 - intendedNanos) >>> 63);
  }

  /** Where the requests of one phase are recorded. */
  private record Phase(Recorder recorder, LatencyTimeline timeline, LongAdder completed) {
    Phase(Recorder recorder, LatencyTimeline timeline) {
      this(recorder, timeline, new LongAdder());
    }
  }

  /** Records a paced request's latency from its intended send time into its phase. */
  private final class TimedObserver extends Observer {
    private final long intended;
    private final Phase phase;
    private final Pacer pacer;

    TimedObserver(long intended, Phase phase, Pacer pacer) {
      super(null);
      this.intended = intended;
      this.phase = phase;
      this.pacer = pacer;
    }

    @Override
    void finished(String status) {
      long latency = Math.max(0, System.nanoTime() - intended);
      phase.recorder().recordValue(latency);
      phase.timeline().record(intended, latency);
      phase.completed().increment();
      super.finished(status);
      // last: run() reads the counts once every stream is back
      if (loop.inEventLoop()) {
        pacer.streamBack();
      } else {
        loop.execute(pacer::streamBack);
      }
    }
  }

  private class Observer implements StreamObserver<ExportLogsServiceResponse> {
    private final CountDownLatch done;

    Observer(CountDownLatch done) {
      this.done = done;
    }

    @Override
    public void onNext(ExportLogsServiceResponse value) {
      // partial success counts as OK at the transport level, as in the SDK exporters
    }

    @Override
    public void onError(Throwable t) {
      finished(Status.fromThrowable(t).getCode().name());
    }

    @Override
    public void onCompleted() {
      finished("OK");
    }

    void finished(String status) {
      statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
      if (done != null) {
        done.countDown();
      }
    }
  }

  /** A serialized message as grpc-java likes it: known length, drained in one write. */
  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new BytesStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      throw new UnsupportedOperationException("requests only");
    }
  }

  private static final class BytesStream extends ByteArrayInputStream
      implements KnownLength, Drainable {
    BytesStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public synchronized int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel ch : channels) {
      ch.shutdown();
    }
    for (ManagedChannel ch : channels) {
      if (!ch.awaitTermination(10, TimeUnit.SECONDS)) {
        ch.shutdownNow();
      }
    }
    loopGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }
}
