package io.loghaul.schema;

/** The record passed every check of SPEC §3; the caller's {@link LogEntry} holds its fields. */
public enum Accepted implements ParseResult {
  INSTANCE
}
