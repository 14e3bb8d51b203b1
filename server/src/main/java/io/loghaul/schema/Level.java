package io.loghaul.schema;

/**
 * Log severity. {@link #code()} is the value of the ClickHouse {@code Enum8} column and of the
 * {@code loghaul.v1.Level} protobuf enum.
 */
public enum Level {
  TRACE(1),
  DEBUG(2),
  INFO(3),
  WARN(4),
  ERROR(5),
  FATAL(6);

  private static final Level[] BY_CODE = {null, TRACE, DEBUG, INFO, WARN, ERROR, FATAL};

  private final int code;

  Level(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The level of a code 1..6, or {@code null}. */
  public static Level ofCode(int code) {
    return code >= 1 && code <= 6 ? BY_CODE[code] : null;
  }

  /** The level of an OpenTelemetry severity number 1..24, or {@code null} outside that range. */
  public static Level ofSeverityNumber(long severity) {
    if (severity < 1 || severity > 24) {
      return null;
    }
    return BY_CODE[(int) ((severity - 1) / 4) + 1];
  }
}
