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

  /**
   * The level named by the ASCII text {@code b[off, off + len)} in any case: TRACE, DEBUG, INFO,
   * WARN, WARNING (= WARN), ERROR or FATAL; {@code null} for anything else, non-ASCII bytes
   * included.
   */
  public static Level ofName(byte[] b, int off, int len) {
    // b | 0x20 folds ASCII upper to lower case; it cannot turn a non-letter into a letter
    switch (len) {
      case 4:
        if (is(b, off, 'i', 'n', 'f', 'o')) {
          return INFO;
        }
        return is(b, off, 'w', 'a', 'r', 'n') ? WARN : null;
      case 5:
        if (is(b, off, 'e', 'r', 'r', 'o') && (b[off + 4] | 0x20) == 'r') {
          return ERROR;
        }
        if (is(b, off, 'd', 'e', 'b', 'u') && (b[off + 4] | 0x20) == 'g') {
          return DEBUG;
        }
        if (is(b, off, 't', 'r', 'a', 'c') && (b[off + 4] | 0x20) == 'e') {
          return TRACE;
        }
        if (is(b, off, 'f', 'a', 't', 'a') && (b[off + 4] | 0x20) == 'l') {
          return FATAL;
        }
        return null;
      case 7:
        return is(b, off, 'w', 'a', 'r', 'n')
                && (b[off + 4] | 0x20) == 'i'
                && (b[off + 5] | 0x20) == 'n'
                && (b[off + 6] | 0x20) == 'g'
            ? WARN
            : null;
      default:
        return null;
    }
  }

  /**
   * The level named by {@code name} as {@link String#equalsIgnoreCase} compares it with the names
   * of {@link #ofName(byte[], int, int)}, or {@code null}. For ASCII text the two agree; for other
   * text this one also matches the few non-ASCII letters Java case-folds to ASCII ones (e.g.
   * dotless {@code ı} to {@code I}, so {@code "WARNıNG"} is WARN), which OTLP's {@code
   * severity_text} follows.
   */
  public static Level ofNameIgnoringCase(String name) {
    return switch (name.length()) {
      case 4 -> name.equalsIgnoreCase("INFO") ? INFO : name.equalsIgnoreCase("WARN") ? WARN : null;
      case 5 ->
          name.equalsIgnoreCase("TRACE")
              ? TRACE
              : name.equalsIgnoreCase("DEBUG")
                  ? DEBUG
                  : name.equalsIgnoreCase("ERROR")
                      ? ERROR
                      : name.equalsIgnoreCase("FATAL") ? FATAL : null;
      case 7 -> name.equalsIgnoreCase("WARNING") ? WARN : null;
      default -> null;
    };
  }

  private static boolean is(byte[] b, int off, char c0, char c1, char c2, char c3) {
    return (b[off] | 0x20) == c0
        && (b[off + 1] | 0x20) == c1
        && (b[off + 2] | 0x20) == c2
        && (b[off + 3] | 0x20) == c3;
  }

  /** The level of an OpenTelemetry severity number 1..24, or {@code null} outside that range. */
  public static Level ofSeverityNumber(long severity) {
    if (severity < 1 || severity > 24) {
      return null;
    }
    return BY_CODE[(int) ((severity - 1) / 4) + 1];
  }
}
