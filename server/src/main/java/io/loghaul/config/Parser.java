package io.loghaul.config;

/**
 * Turns the text of one key into its typed value, and a typed value back into that text (for {@code
 * --help} and the effective configuration). Parsers know nothing of key names: the loader adds the
 * name to the message of an {@link InvalidValue}.
 *
 * @param <T> the type of the key's value
 */
@FunctionalInterface
interface Parser<T> {

  /** The value of {@code text} (already trimmed unless the key is secret). */
  T parse(String text) throws InvalidValue;

  /** {@code value} as a user would write it. */
  default String show(T value) {
    return String.valueOf(value);
  }
}
