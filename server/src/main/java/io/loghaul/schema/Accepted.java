package io.loghaul.schema;

/**
 * The record passed every check of docs/record-schema.md; the caller's {@link LogEntry} holds its
 * fields.
 */
public enum Accepted implements ParseResult {
  INSTANCE
}
