package io.loghaul.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The effective configuration as text, for the startup log: every shown key in table order with the
 * value the config holds ({@code (unset)} for an unset optional key), then the members of each key
 * family, sorted by name. A set secret is shown as {@value #REDACTED}, whatever its value.
 */
final class EffectiveConfig {
  static final String REDACTED = "***";
  static final String UNSET = "(unset)";

  private EffectiveConfig() {}

  static Map<String, String> of(KeyTable table, LoghaulConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Key<?> key : table.keys()) {
      if (key.current() != null) {
        out.put(key.name(), current(key, config));
      }
    }
    for (KeyFamily<?> family : table.families()) {
      out.putAll(members(family, config));
    }
    return out;
  }

  /** {@code key=value, ...} on one line. */
  static String render(KeyTable table, LoghaulConfig config) {
    return of(table, config).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static <T> String current(Key<T> key, LoghaulConfig config) {
    T value = key.current().apply(config);
    return value == null ? UNSET : hideSecret(key.secret(), key.parser().show(value));
  }

  private static <T> Map<String, String> members(KeyFamily<T> family, LoghaulConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    new TreeMap<>(family.current().apply(config))
        .forEach(
            (name, value) -> {
              String key = family.prefix() + name;
              out.put(key, hideSecret(family.isSecret(key), family.parser().show(value)));
            });
    return out;
  }

  /** {@value #REDACTED} for a non-empty secret, else {@code text}. */
  static String hideSecret(boolean secret, String text) {
    return secret && !text.isEmpty() ? REDACTED : text;
  }
}
