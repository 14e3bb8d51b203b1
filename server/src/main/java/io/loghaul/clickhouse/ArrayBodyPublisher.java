package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * An HTTP request body that hands out {@link ByteBuffer#wrap wrapped} slices of an array instead of
 * copies: {@code BodyPublishers.ofByteArray(array, offset, length)} copies the whole body into new
 * 16 KiB buffers, a tenth of everything the pipeline allocated under load. The array must not
 * change until the request is answered (ClickHouseHttpClient sends synchronously).
 */
final class ArrayBodyPublisher implements HttpRequest.BodyPublisher {
  static final int CHUNK_BYTES = 64 * 1024;

  private final byte[] array;
  private final int offset;
  private final int length;

  ArrayBodyPublisher(byte[] array, int offset, int length) {
    this.array = requireNonNull(array, "array");
    if (offset < 0 || length < 0 || offset > array.length - length) {
      throw new IndexOutOfBoundsException(
          "offset: "
              + offset
              + ", length: "
              + length
              + " (expected: within "
              + array.length
              + " bytes)");
    }
    this.offset = offset;
    this.length = length;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    subscriber.onSubscribe(new Slices(subscriber));
  }

  /**
   * One subscription: slices in order, as many as requested; re-entrant requests just add demand.
   */
  private final class Slices implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private int next = offset;
    private long demand;
    private boolean emitting;
    private boolean done;

    Slices(Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public synchronized void request(long n) {
      if (done) {
        return;
      }
      if (n <= 0) {
        done = true;
        subscriber.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        return;
      }
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      if (emitting) {
        return; // called from onNext below: the loop picks the demand up
      }
      emitting = true;
      int end = offset + length;
      while (!done && demand > 0 && next < end) {
        int n1 = Math.min(CHUNK_BYTES, end - next);
        ByteBuffer slice = ByteBuffer.wrap(array, next, n1).slice();
        next += n1;
        demand--;
        subscriber.onNext(slice);
      }
      if (!done && next >= end) {
        done = true;
        subscriber.onComplete();
      }
      emitting = false;
    }

    @Override
    public synchronized void cancel() {
      done = true;
    }
  }
}
