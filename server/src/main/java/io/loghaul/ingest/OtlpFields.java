package io.loghaul.ingest;

/**
 * The protobuf wire types, and the tags (field number {@code << 3 |} wire type) of the fields of
 * opentelemetry-proto 1.3.2's logs messages that {@link OtlpLogDecoder} reads. Constants only.
 */
final class OtlpFields {
  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int START_GROUP = 3;
  static final int END_GROUP = 4;
  static final int I32 = 5;

  static final int REQUEST_RESOURCE_LOGS = 1 << 3 | LEN;
  static final int RESOURCE_LOGS_RESOURCE = 1 << 3 | LEN;
  static final int RESOURCE_LOGS_SCOPE_LOGS = 2 << 3 | LEN;
  static final int RESOURCE_LOGS_SCHEMA_URL = 3 << 3 | LEN;
  static final int RESOURCE_ATTRIBUTES = 1 << 3 | LEN;
  static final int SCOPE_LOGS_SCOPE = 1 << 3 | LEN;
  static final int SCOPE_LOGS_LOG_RECORDS = 2 << 3 | LEN;
  static final int SCOPE_LOGS_SCHEMA_URL = 3 << 3 | LEN;
  static final int SCOPE_NAME = 1 << 3 | LEN;
  static final int SCOPE_VERSION = 2 << 3 | LEN;
  static final int SCOPE_ATTRIBUTES = 3 << 3 | LEN;
  static final int RECORD_TIME = 1 << 3 | I64;
  static final int RECORD_OBSERVED_TIME = 11 << 3 | I64;
  static final int RECORD_SEVERITY_NUMBER = 2 << 3 | VARINT;
  static final int RECORD_SEVERITY_TEXT = 3 << 3 | LEN;
  static final int RECORD_BODY = 5 << 3 | LEN;
  static final int RECORD_ATTRIBUTES = 6 << 3 | LEN;
  static final int RECORD_TRACE_ID = 9 << 3 | LEN;
  static final int RECORD_SPAN_ID = 10 << 3 | LEN;
  static final int KEY_VALUE_KEY = 1 << 3 | LEN;
  static final int KEY_VALUE_VALUE = 2 << 3 | LEN;
  static final int ANY_STRING = 1 << 3 | LEN;
  static final int ANY_BOOL = 2 << 3 | VARINT;
  static final int ANY_INT = 3 << 3 | VARINT;
  static final int ANY_DOUBLE = 4 << 3 | I64;
  static final int ANY_ARRAY = 5 << 3 | LEN;
  static final int ANY_KVLIST = 6 << 3 | LEN;
  static final int ANY_BYTES = 7 << 3 | LEN;

  /** {@code ArrayValue.values} and {@code KeyValueList.values}. */
  static final int LIST_VALUES = 1 << 3 | LEN;

  private OtlpFields() {}
}
