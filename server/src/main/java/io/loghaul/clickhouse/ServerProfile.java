package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

/**
 * Which table layout of docs/clickhouse-table.md#columns a ClickHouse server gets: {@link #MODERN}
 * types from 22.8 on, {@link #LEGACY} types (18.16's) below.
 */
public enum ServerProfile {
  /**
   * ClickHouse below 22.8: {@code DateTime('UTC')}, {@code Nested(key, value)}, plain {@code
   * String}.
   */
  LEGACY,
  /**
   * ClickHouse 22.8 and newer: {@code DateTime64(9, 'UTC')}, {@code Map}, {@code LowCardinality}.
   */
  MODERN;

  /** For the startup log: what the profile means for the table, in words a user can act on. */
  public String describe() {
    return this == LEGACY
        ? "ClickHouse before 22.8: DateTime('UTC') timestamps, Nested(key, value) attributes"
            + " (docs/clickhouse-table.md#columns)"
        : "ClickHouse 22.8 or newer: DateTime64(9, 'UTC') timestamps, Map attributes"
            + " (docs/clickhouse-table.md#columns)";
  }

  private static final int MODERN_MAJOR = 22;
  private static final int MODERN_MINOR = 8;

  /**
   * The profile for a server version as {@code SELECT version()} prints it, e.g. {@code 18.16.1} or
   * {@code 24.3.2.23}.
   *
   * @throws IllegalArgumentException when the text does not start with {@code major.minor}
   */
  public static ServerProfile forVersion(String version) {
    requireNonNull(version, "version");
    String v = version.strip();
    int dot = v.indexOf('.');
    int end = dot + 1;
    while (end < v.length() && Character.isDigit(v.charAt(end))) {
      end++;
    }
    int major;
    int minor;
    try {
      if (dot <= 0 || end == dot + 1) {
        throw new NumberFormatException();
      }
      major = Integer.parseInt(v, 0, dot, 10);
      minor = Integer.parseInt(v, dot + 1, end, 10);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "ClickHouse version: \""
              + version
              + "\" (expected: major.minor[.patch...], e.g. 24.3.2.23)");
    }
    if (major > MODERN_MAJOR || (major == MODERN_MAJOR && minor >= MODERN_MINOR)) {
      return MODERN;
    }
    return LEGACY;
  }
}
