package io.loghaul.ingest;

/**
 * Records could not be published now (over the in-flight budget, Kafka unreachable or failing). The
 * client should retry later; the receivers answer UNAVAILABLE / HTTP 503.
 */
public final class PublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PublishException(String message) {
    super(message);
  }

  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
