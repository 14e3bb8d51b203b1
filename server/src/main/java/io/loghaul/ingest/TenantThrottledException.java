package io.loghaul.ingest;

/**
 * A request refused because its tenant is over {@code otlp.tenant.max-records-per-second}:
 * retryable (gRPC UNAVAILABLE with RetryInfo, HTTP 429 with Retry-After); nothing was published.
 */
public final class TenantThrottledException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long retryAfterSeconds;

  TenantThrottledException(String tenant, long retryAfterNanos) {
    super("tenant " + tenant + " is over its rate of records per second, retry later");
    this.retryAfterSeconds = Math.max(1, (retryAfterNanos + 999_999_999L) / 1_000_000_000L);
  }

  /** Whole seconds to wait, at least 1. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
