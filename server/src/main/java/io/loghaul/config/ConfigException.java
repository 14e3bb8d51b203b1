package io.loghaul.config;

import static java.util.Objects.requireNonNull;

/**
 * A configuration problem found at startup: an unknown key, a malformed value, two keys that
 * conflict, or a value this machine cannot honour (a batch size the heap cannot hold). The message
 * has the shape {@code key: value (expected: ...)} and never contains a secret; {@link #key()}
 * names the offending key (or environment variable, or argument).
 */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;
  private static final int MAX_ECHOED_CHARS = 100;

  private final String key;

  /**
   * @param key the key the problem is about
   * @param message {@code key: value (expected: ...)}, without secrets
   */
  public ConfigException(String key, String message) {
    super(requireNonNull(message, "message"));
    this.key = requireNonNull(key, "key");
  }

  ConfigException(String key, String message, Throwable cause) {
    super(requireNonNull(message, "message"), cause);
    this.key = requireNonNull(key, "key");
  }

  /**
   * The key the problem is about, e.g. {@code batch.max-rows}; for an unknown environment variable
   * its name, e.g. {@code LOGHAUL_BATCH_MAX_ROW}.
   */
  public String key() {
    return key;
  }

  /** {@code key: value (expected: expected)}, the value {@link #echo echoed}. Not for secrets. */
  static ConfigException invalid(String key, String value, String expected) {
    return new ConfigException(key, key + ": " + echo(value) + " (expected: " + expected + ")");
  }

  /** Keeps messages one readable line even when someone pastes a whole file into a flag. */
  static String echo(String value) {
    if (value.isEmpty()) return "\"\"";
    String oneLine = value.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() <= MAX_ECHOED_CHARS
        ? oneLine
        : oneLine.substring(0, MAX_ECHOED_CHARS) + "...";
  }
}
