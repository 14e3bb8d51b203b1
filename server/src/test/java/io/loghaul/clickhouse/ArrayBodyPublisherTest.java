package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class ArrayBodyPublisherTest {
  /** Collects what it is given; requests {@code perRequest} at a time, from inside onNext too. */
  private static class Collector implements Flow.Subscriber<ByteBuffer> {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Integer> sizes = new ArrayList<>();
    final long perRequest;
    Flow.Subscription subscription;
    boolean completed;
    Throwable error;

    Collector(long perRequest) {
      this.perRequest = perRequest;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(perRequest);
    }

    @Override
    public void onNext(ByteBuffer item) {
      assertThat(completed).isFalse();
      sizes.add(item.remaining());
      byte[] b = new byte[item.remaining()];
      item.get(b);
      bytes.writeBytes(b);
      subscription.request(perRequest);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onComplete() {
      assertThat(completed).isFalse();
      completed = true;
    }
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + 3);
    }
    return b;
  }

  @Test
  void publishesExactlyTheRangeInChunksWhateverTheDemand() {
    byte[] array = data(3 * ArrayBodyPublisher.CHUNK_BYTES + 123);
    int offset = 100;
    int length = array.length - 150;
    for (long perRequest : new long[] {1, 2, Long.MAX_VALUE}) {
      ArrayBodyPublisher p = new ArrayBodyPublisher(array, offset, length);
      assertThat(p.contentLength()).isEqualTo(length);
      Collector c = new Collector(perRequest);
      p.subscribe(c);
      assertThat(c.completed).isTrue();
      assertThat(c.error).isNull();
      assertThat(c.bytes.toByteArray())
          .isEqualTo(Arrays.copyOfRange(array, offset, offset + length));
      assertThat(c.sizes)
          .allSatisfy(size -> assertThat(size).isBetween(1, ArrayBodyPublisher.CHUNK_BYTES));
    }
  }

  @Test
  void anEmptyBodyCompletesAtOnceAndEverySubscriberGetsTheWholeBody() {
    Collector empty = new Collector(1);
    new ArrayBodyPublisher(new byte[10], 5, 0).subscribe(empty);
    assertThat(empty.completed).isTrue();
    assertThat(empty.sizes).isEmpty();

    // a retried request subscribes again
    ArrayBodyPublisher p = new ArrayBodyPublisher(data(1000), 0, 1000);
    Collector first = new Collector(1);
    Collector second = new Collector(1);
    p.subscribe(first);
    p.subscribe(second);
    assertThat(second.bytes.toByteArray()).isEqualTo(first.bytes.toByteArray()).hasSize(1000);
  }

  @Test
  void aNonPositiveRequestIsAnErrorAndCancelStops() {
    Collector c = new Collector(0);
    new ArrayBodyPublisher(data(10), 0, 10).subscribe(c);
    assertThat(c.error).isInstanceOf(IllegalArgumentException.class);
    assertThat(c.completed).isFalse();

    Collector cancelled =
        new Collector(1) {
          @Override
          public void onNext(ByteBuffer item) {
            sizes.add(item.remaining());
            subscription.cancel();
          }
        };
    new ArrayBodyPublisher(
            data(3 * ArrayBodyPublisher.CHUNK_BYTES), 0, 3 * ArrayBodyPublisher.CHUNK_BYTES)
        .subscribe(cancelled);
    assertThat(cancelled.sizes).hasSize(1);
    assertThat(cancelled.completed).isFalse();
  }
}
