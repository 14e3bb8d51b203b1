package io.loghaul.config;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;

/**
 * One configuration key, defined once in {@link ConfigKeys}: its name, typed default, parser,
 * meaning, and where its effective value lives in a {@link LoghaulConfig}. Loading, {@code --help}
 * and the effective configuration are all driven by these definitions.
 *
 * @param name the key as written on the command line and in files, e.g. {@code batch.max-rows}
 * @param defaultValue the value when no source gives one; null for a key unset by default
 * @param parser turns text into the value and back
 * @param meaning one line for {@code --help}
 * @param current reads the effective value back from a config; null for a key that is not shown
 *     (e.g. {@code clickhouse.password-file}: its content is the password)
 * @param secret never trimmed, never echoed in an error, shown as {@code ***} when set
 * @param optional an empty value means unset
 * @param <T> the type of the value
 */
record Key<T>(
    String name,
    T defaultValue,
    Parser<T> parser,
    String meaning,
    Function<LoghaulConfig, ? extends T> current,
    boolean secret,
    boolean optional) {

  Key {
    requireNonNull(name, "name");
    requireNonNull(parser, "parser");
    requireNonNull(meaning, "meaning");
  }

  /** A key with a default, shown in the effective configuration. */
  static <T> Key<T> of(
      String name,
      T defaultValue,
      Parser<T> parser,
      String meaning,
      Function<LoghaulConfig, ? extends T> current) {
    return new Key<>(
        name,
        requireNonNull(defaultValue, "defaultValue"),
        parser,
        meaning,
        requireNonNull(current, "current"),
        false,
        false);
  }

  /** A key unset by default; an empty value unsets it too. */
  static <T> Key<T> optional(
      String name, Parser<T> parser, String meaning, Function<LoghaulConfig, ? extends T> current) {
    return new Key<>(name, null, parser, meaning, current, false, true);
  }

  /** This key as a secret: never trimmed, never echoed, shown as {@code ***}. */
  Key<T> asSecret() {
    return new Key<>(name, defaultValue, parser, meaning, current, true, optional);
  }
}
