package io.loghaul.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.loghaul.schema.ErrorType;
import io.loghaul.testing.LogRecords;

/**
 * One record per schema error type (all but {@code clickhouse_rejected}, which only ClickHouse
 * decides), for a loghaul started with {@code --schema.max-record-bytes=}{@link #MAX_RECORD_BYTES}.
 */
final class BadRecords {
  static final int MAX_RECORD_BYTES = 4096;

  private BadRecords() {}

  static byte[] of(ErrorType type, long nowMillis, long id) {
    String good = LogRecords.valid(nowMillis, "svc", id);
    return switch (type) {
      case RECORD_TOO_LARGE ->
          ("{\"timestamp\":"
                  + nowMillis
                  + ",\"service_name\":\"svc\",\"level\":\"INFO\","
                  + "\"message\":\""
                  + "x".repeat(MAX_RECORD_BYTES)
                  + "\"}")
              .getBytes(UTF_8);
      case INVALID_UTF8 -> new byte[] {'{', '"', 'm', (byte) 0xff, '"', ':', '1', '}'};
      case JSON_SYNTAX -> ("{\"timestamp\":" + nowMillis + ",").getBytes(UTF_8);
      case TYPE_MISMATCH -> "[1,2]".getBytes(UTF_8);
      case MISSING_FIELD ->
          ("{\"timestamp\":" + nowMillis + ",\"service_name\":\"svc\",\"level\":\"INFO\"}")
              .getBytes(UTF_8);
      case UNKNOWN_FIELD ->
          (good.substring(0, good.length() - 1) + ",\"extra\":1}").getBytes(UTF_8);
      case DUPLICATE_FIELD ->
          ("{\"timestamp\":"
                  + nowMillis
                  + ",\"service_name\":\"svc\",\"level\":\"INFO\","
                  + "\"message\":\"a\",\"message\":\"b\"}")
              .getBytes(UTF_8);
      case INVALID_VALUE ->
          ("{\"timestamp\":"
                  + nowMillis
                  + ",\"service_name\":\"svc\",\"level\":\"LOUD\","
                  + "\"message\":\"a\"}")
              .getBytes(UTF_8);
      case FIELD_OVERFLOW ->
          ("{\"timestamp\":"
                  + nowMillis
                  + ",\"service_name\":\""
                  + "s".repeat(300)
                  + "\",\"level\":\"INFO\",\"message\":\"a\"}")
              .getBytes(UTF_8);
      case TIMESTAMP_OUT_OF_RANGE -> LogRecords.valid(nowMillis / 1000, "svc", id).getBytes(UTF_8);
      case CLICKHOUSE_REJECTED ->
          throw new IllegalArgumentException("only ClickHouse rejects rows");
    };
  }
}
