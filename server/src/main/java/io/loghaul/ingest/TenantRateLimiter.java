package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code otlp.tenant.max-records-per-second}: one token bucket per tenant, holding at most one
 * second of records and refilled continuously. A request takes as many tokens as it has accepted
 * records; it is refused while the bucket is empty. A request larger than the bucket still passes
 * when the bucket is full (and leaves it in debt), so no request size is refused forever.
 *
 * <p>Thread-safe; one small lock per tenant.
 */
public final class TenantRateLimiter {
  private final long recordsPerSecond;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param recordsPerSecond > 0
   */
  public TenantRateLimiter(long recordsPerSecond, LongSupplier nanoClock) {
    if (recordsPerSecond <= 0) {
      throw new IllegalArgumentException(
          "recordsPerSecond: " + recordsPerSecond + " (expected: > 0)");
    }
    this.recordsPerSecond = recordsPerSecond;
    this.nanoClock = requireNonNull(nanoClock, "nanoClock");
  }

  /**
   * Takes {@code records} tokens of {@code tenant}'s bucket.
   *
   * @return 0 when taken, else how many nanoseconds until the bucket has tokens again
   */
  public long tryAcquire(String tenant, int records) {
    return buckets
        .computeIfAbsent(tenant, t -> new Bucket(recordsPerSecond, nanoClock.getAsLong()))
        .tryAcquire(records, nanoClock.getAsLong());
  }

  private static final class Bucket {
    private final double capacity;
    private double tokens;
    private long lastNanos;

    Bucket(long capacity, long now) {
      this.capacity = capacity;
      this.tokens = capacity;
      this.lastNanos = now;
    }

    synchronized long tryAcquire(int records, long now) {
      tokens =
          Math.min(capacity, tokens + (now - lastNanos) * capacity / TimeUnit.SECONDS.toNanos(1));
      lastNanos = now;
      if (tokens <= 0) {
        return Math.max(1, (long) Math.ceil(-tokens / capacity * TimeUnit.SECONDS.toNanos(1)) + 1);
      }
      tokens -= records;
      return 0;
    }
  }
}
