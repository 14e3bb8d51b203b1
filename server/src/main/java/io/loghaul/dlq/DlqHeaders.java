package io.loghaul.dlq;

/** Names of the headers loghaul adds to every dead letter (docs/dead-letters.md#headers). */
public final class DlqHeaders {
  public static final String ERROR_TYPE = "loghaul.error.type";
  public static final String ERROR_MESSAGE = "loghaul.error.message";
  public static final String ERROR_FIELD = "loghaul.error.field";
  public static final String SOURCE_TOPIC = "loghaul.source.topic";
  public static final String SOURCE_PARTITION = "loghaul.source.partition";
  public static final String SOURCE_OFFSET = "loghaul.source.offset";
  public static final String SOURCE_TIMESTAMP = "loghaul.source.timestamp";
  public static final String FAILED_AT = "loghaul.failed.at";

  /**
   * {@code true} on every letter whose value went through redaction ({@code
   * redaction.dead-letters=true}).
   */
  public static final String REDACTED = "loghaul.redacted";

  /** Upper bound of {@link #ERROR_MESSAGE} in UTF-8 bytes. */
  public static final int MAX_MESSAGE_BYTES = 1024;

  private DlqHeaders() {}
}
