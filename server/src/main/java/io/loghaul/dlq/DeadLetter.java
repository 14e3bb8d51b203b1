package io.loghaul.dlq;

import static java.util.Objects.requireNonNull;

import io.loghaul.record.Durable;
import io.loghaul.schema.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One rejected record on its way to the dead-letter topic. It is {@link #isDurable() durable} once
 * the DLQ produce was acknowledged; a failed attempt leaves it not durable with {@link
 * #lastFailure()} set, and its owner ({@link DeadLetterQueue}) publishes it again: a dead letter is
 * never skipped.
 */
public final class DeadLetter implements Durable {
  private final ConsumerRecord<byte[], byte[]> source;
  private final ErrorType type;
  private final String field;
  private final String message;
  private volatile boolean acknowledged;
  private volatile Exception lastFailure;
  private volatile boolean inFlight;
  private int attempts;

  public DeadLetter(
      ConsumerRecord<byte[], byte[]> source, ErrorType type, String field, String message) {
    this.source = requireNonNull(source, "source");
    this.type = requireNonNull(type, "type");
    this.field = requireNonNull(field, "field");
    this.message = requireNonNull(message, "message");
  }

  public ConsumerRecord<byte[], byte[]> source() {
    return source;
  }

  public ErrorType type() {
    return type;
  }

  public String field() {
    return field;
  }

  public String message() {
    return message;
  }

  @Override
  public boolean isDurable() {
    return acknowledged;
  }

  /** The error of the last failed attempt, or null; cleared when a new attempt starts. */
  public Exception lastFailure() {
    return lastFailure;
  }

  /** True while a produce attempt is outstanding. */
  public boolean inFlight() {
    return inFlight;
  }

  /** Number of produce attempts started. */
  public int attempts() {
    return attempts;
  }

  void startAttempt() {
    attempts++;
    lastFailure = null;
    inFlight = true;
  }

  void completed(Exception failure) {
    if (failure == null) {
      acknowledged = true;
    } else {
      lastFailure = failure;
    }
    inFlight = false;
  }
}
