package io.loghaul.loadtest;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.loghaul.loadtest.SoakKind.Transport;
import io.loghaul.loadtest.SoakRequests.SoakRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop request senders of {@code bench soak}: one pacer thread per transport sends that
 * transport's share of {@code rate} at evenly spaced intended times, each request of a kind drawn
 * from the {@link SoakMix}, with at most {@code maxInFlight} requests outstanding per transport: a
 * request due while that many are outstanding is not sent but counted as {@link
 * SoakRecorder.Status#SKIPPED}, so a stalled server cannot make the pacer fall behind (and then
 * send its backlog in a burst, or past the end). gRPC goes over {@code grpcChannels} HTTP/2
 * connections with the request bytes as they are; HTTP over the JDK's HTTP/1.1 client, which opens
 * connections as needed and reuses them. Every request has {@code timeout}; answers and failures go
 * to the {@link SoakRecorder}.
 *
 * <p>Only loopback targets are accepted (checked by the suite), and the pacers stop at the end
 * time: the number of requests is bounded by rate × duration.
 */
final class SoakLoad implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final HttpClient http;
  private final ExecutorService httpExecutor =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "soak-http");
            t.setDaemon(true);
            return t;
          });
  private final URI httpUri;
  private final SoakMix mix;
  private final SoakRequests requests;
  private final SoakRecorder recorder;
  private final Duration timeout;
  private final int maxInFlight;
  private final long seed;
  private final List<Thread> pacers = new ArrayList<>();
  private final List<Semaphore> permits = new ArrayList<>();
  private volatile boolean stopped;

  SoakLoad(
      String host,
      int grpcPort,
      int httpPort,
      int grpcChannels,
      SoakMix mix,
      SoakRequests requests,
      SoakRecorder recorder,
      Duration timeout,
      int maxInFlight,
      long seed) {
    for (int i = 0; i < grpcChannels; i++) {
      channels.add(
          NettyChannelBuilder.forAddress(host, grpcPort)
              .usePlaintext()
              .maxInboundMessageSize(16 << 20)
              .directExecutor()
              .build());
    }
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(httpExecutor)
            .build();
    this.httpUri =
        URI.create(
            "http://"
                + (host.contains(":") ? "[" + host + "]" : host)
                + ":"
                + httpPort
                + "/v1/logs");
    this.mix = mix;
    this.requests = requests;
    this.recorder = recorder;
    this.timeout = timeout;
    this.maxInFlight = maxInFlight;
    this.seed = seed;
  }

  /**
   * Starts a pacer per transport that has a share, sending from {@code startNanos} until {@code
   * endNanos}.
   */
  void start(double rate, long startNanos, long endNanos) {
    for (Transport t : Transport.values()) {
      double share = mix.share(t);
      if (share <= 0) {
        continue;
      }
      Semaphore inFlight = new Semaphore(maxInFlight);
      permits.add(inFlight);
      Thread pacer =
          new Thread(
              () -> pace(t, rate * share, startNanos, endNanos, inFlight),
              "soak-pacer-" + t.label());
      pacer.setDaemon(true);
      pacers.add(pacer);
      pacer.start();
    }
  }

  private void pace(Transport transport, double rate, long start, long end, Semaphore inFlight) {
    SplittableRandom random = new SplittableRandom(seed + transport.ordinal());
    double periodNanos = 1e9 / rate;
    int channel = 0;
    for (long i = 0; ; i++) {
      long intended = start + (long) (i * periodNanos);
      if (intended >= end || stopped) {
        return;
      }
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      SoakRequest r = requests.next(mix.pick(transport, random), random);
      recorder.sent(r.kind());
      if (!inFlight.tryAcquire()) {
        recorder.completed(
            r.kind(), SoakRecorder.Status.SKIPPED, transport.label() + " skipped", 0);
        continue;
      }
      if (transport == Transport.GRPC) {
        sendGrpc(channels.get(channel++ % channels.size()), r, intended, inFlight);
      } else {
        sendHttp(r, intended, inFlight);
      }
    }
  }

  private void sendGrpc(ManagedChannel ch, SoakRequest r, long intended, Semaphore inFlight) {
    StreamObserver<ExportLogsServiceResponse> observer =
        new StreamObserver<>() {
          @Override
          public void onNext(ExportLogsServiceResponse value) {
            // partial success is OK at the transport level
          }

          @Override
          public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            done(s, "grpc " + s.getCode());
          }

          @Override
          public void onCompleted() {
            done(Status.OK, "grpc OK");
          }

          private void done(Status s, String raw) {
            recorder.completed(r.kind(), SoakRecorder.grpc(s), raw, System.nanoTime() - intended);
            inFlight.release();
          }
        };
    try {
      ClientCalls.asyncUnaryCall(
          ch.newCall(
              OtlpLoadGenerator.EXPORT_BYTES,
              CallOptions.DEFAULT.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)),
          r.body(),
          observer);
    } catch (RuntimeException e) {
      observer.onError(e);
    }
  }

  private void sendHttp(SoakRequest r, long intended, Semaphore inFlight) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(httpUri)
            .timeout(timeout)
            .header("Content-Type", r.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(r.body()));
    if (r.contentEncoding() != null) {
      b.header("Content-Encoding", r.contentEncoding());
    }
    http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, failure) -> {
              long latency = System.nanoTime() - intended;
              if (response != null) {
                recorder.completed(
                    r.kind(),
                    SoakRecorder.http(response.statusCode()),
                    "http " + response.statusCode(),
                    latency);
              } else {
                Throwable t =
                    failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                SoakRecorder.Status s =
                    t instanceof HttpConnectTimeoutException
                        ? SoakRecorder.Status.CONNECTION_ERROR
                        : t instanceof HttpTimeoutException
                            ? SoakRecorder.Status.TIMEOUT
                            : t instanceof IOException
                                ? SoakRecorder.Status.CONNECTION_ERROR
                                : SoakRecorder.Status.OTHER;
                recorder.completed(r.kind(), s, "http " + s.label, latency);
              }
              inFlight.release();
            });
  }

  /** Makes the pacers stop before the end time (the server is gone). */
  void stop() {
    stopped = true;
  }

  /**
   * Waits for the pacers to reach the end time, then up to the request timeout for answers still
   * due.
   */
  void awaitEnd() throws InterruptedException {
    for (Thread p : pacers) {
      p.join();
    }
    long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(2);
    for (Semaphore s : permits) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !s.tryAcquire(maxInFlight, left, TimeUnit.NANOSECONDS)) {
        return;
      }
      s.release(maxInFlight);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Thread p : pacers) {
      p.interrupt();
    }
    for (ManagedChannel ch : channels) {
      ch.shutdownNow();
    }
    for (ManagedChannel ch : channels) {
      ch.awaitTermination(5, TimeUnit.SECONDS);
    }
    http.shutdownNow();
    httpExecutor.shutdownNow();
  }
}
