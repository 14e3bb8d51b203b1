package io.loghaul.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link LogPublisher} for receiver tests: records what it got and answers as told. */
final class FakePublisher implements LogPublisher {
  enum Mode {
    ACK,
    FAIL,
    HANG
  }

  /**
   * One publish; {@code onWorker} tells whether it ran on a {@link RequestWorkers} thread (the
   * ingester publishes on the thread that decoded the request).
   */
  record Call(List<byte[]> values, TraceContext trace, boolean onWorker) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  volatile Mode mode = Mode.ACK;

  @Override
  public CompletableFuture<Void> publish(List<byte[]> values, TraceContext trace) {
    calls.add(new Call(List.copyOf(values), trace, RequestWorkers.onWorker()));
    return switch (mode) {
      case ACK -> CompletableFuture.completedFuture(null);
      case FAIL ->
          CompletableFuture.failedFuture(new PublishException("over the in-flight budget"));
      case HANG -> new CompletableFuture<>();
    };
  }
}
