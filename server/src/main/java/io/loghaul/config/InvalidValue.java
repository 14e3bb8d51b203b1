package io.loghaul.config;

import static java.util.Objects.requireNonNull;

/**
 * Why a text is not a value of its key: what was expected, and, for a text that must not be echoed
 * (it may hold credentials), what to show instead of it. Turned into a {@link ConfigException}
 * {@code key: value (expected: ...)} by the loader, which knows the key.
 */
final class InvalidValue extends Exception {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String shownAs;

  private InvalidValue(String expected, String shownAs) {
    super(expected, null, false, false);
    this.expected = requireNonNull(expected, "expected");
    this.shownAs = shownAs;
  }

  /** The text was not what {@code expected} describes; the text may be echoed. */
  static InvalidValue expected(String expected) {
    return new InvalidValue(expected, null);
  }

  /** Like {@link #expected}, but the message shows {@code shownAs} instead of the text. */
  static InvalidValue hidden(String shownAs, String expected) {
    return new InvalidValue(expected, requireNonNull(shownAs, "shownAs"));
  }

  String expectedText() {
    return expected;
  }

  /** What the message shows instead of the text, or null to echo the text. */
  String shownAs() {
    return shownAs;
  }
}
