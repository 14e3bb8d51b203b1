package io.loghaul.dlqtools;

/** A replay that had to stop: a produce or commit failed. What was committed before stays. */
final class ReplayException extends Exception {
  ReplayException(String message, Throwable cause) {
    super(message, cause);
  }
}
