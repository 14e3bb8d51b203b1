package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TenantRateLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final TenantRateLimiter limiter = new TenantRateLimiter(100, nanos::get);

  @Test
  void letsOneSecondOfRecordsThroughThenRefusesUntilTheBucketRefills() {
    assertThat(limiter.tryAcquire("a", 60)).isZero();
    assertThat(limiter.tryAcquire("a", 40)).isZero();
    long wait = limiter.tryAcquire("a", 1);
    assertThat(wait).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));

    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(100)); // 10 records' worth
    assertThat(limiter.tryAcquire("a", 10)).isZero();
    assertThat(limiter.tryAcquire("a", 1)).isPositive();
  }

  @Test
  void tenantsHaveTheirOwnBuckets() {
    assertThat(limiter.tryAcquire("a", 100)).isZero();
    assertThat(limiter.tryAcquire("a", 1)).isPositive();
    assertThat(limiter.tryAcquire("b", 100)).isZero();
  }

  @Test
  void aRequestLargerThanTheBucketPassesWhenItIsFullAndLeavesItInDebt() {
    assertThat(limiter.tryAcquire("a", 250)).isZero();
    long wait = limiter.tryAcquire("a", 1);
    assertThat(wait).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1_500));

    nanos.addAndGet(TimeUnit.SECONDS.toNanos(2)); // the debt of 150 is paid, 50 left
    assertThat(limiter.tryAcquire("a", 1)).isZero();
  }

  @Test
  void neverHoldsMoreThanOneSecondOfRecords() {
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
    assertThat(limiter.tryAcquire("a", 100)).isZero();
    assertThat(limiter.tryAcquire("a", 1)).isPositive();
  }
}
