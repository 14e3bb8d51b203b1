package io.loghaul.schema;

/**
 * Why a record was rejected: the closed set of docs/record-schema.md#error-types. Every rejected
 * record gets exactly one. {@link #label()} is the wire name used in DLQ headers and metric tags.
 */
public enum ErrorType {
  RECORD_TOO_LARGE("record_too_large"),
  INVALID_UTF8("invalid_utf8"),
  JSON_SYNTAX("json_syntax"),
  TYPE_MISMATCH("type_mismatch"),
  MISSING_FIELD("missing_field"),
  UNKNOWN_FIELD("unknown_field"),
  DUPLICATE_FIELD("duplicate_field"),
  INVALID_VALUE("invalid_value"),
  FIELD_OVERFLOW("field_overflow"),
  TIMESTAMP_OUT_OF_RANGE("timestamp_out_of_range"),
  CLICKHOUSE_REJECTED("clickhouse_rejected");

  private final String label;

  ErrorType(String label) {
    this.label = label;
  }

  /** The lower-case name in docs/record-schema.md#error-types, e.g. {@code json_syntax}. */
  public String label() {
    return label;
  }
}
