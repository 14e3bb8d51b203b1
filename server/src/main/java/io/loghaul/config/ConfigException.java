package io.loghaul.config;

import static java.util.Objects.requireNonNull;

/**
 * A configuration problem found at startup: an unknown key, a malformed value, or two keys that
 * conflict. The message has the shape {@code key: value (expected: ...)} and never contains a
 * secret; {@link #key()} names the offending key (or environment variable, or argument).
 */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String key;

  ConfigException(String key, String message) {
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
}
