package io.loghaul.dlqtools;

/** A command line the DLQ tools cannot run: an unknown verb or option, or a malformed value. */
final class UsageException extends Exception {
  UsageException(String message) {
    super(message);
  }
}
