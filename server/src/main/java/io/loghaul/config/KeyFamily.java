package io.loghaul.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A family of keys below one prefix whose names are not known in advance, for settings handed
 * through to a library by name (such as {@code kafka.client.<property>}, any Kafka client
 * property): every {@code prefix + name} is accepted from every source and parsed alike; the values
 * reach the config as a map from name to value.
 *
 * @param prefix e.g. {@code kafka.client.}, ending with {@code .}
 * @param parser parses every member's value
 * @param meaning one line for {@code --help}
 * @param envSeparator what {@code _} in the name part of {@code LOGHAUL_<PREFIX>_<NAME>} stands for
 *     ({@code .} for Kafka properties, {@code _} for names that contain underscores)
 * @param secret whether a member is secret, judged by its name (e.g. names with {@code password})
 * @param current reads the members' effective values back from a config
 * @param <T> the type of every member's value
 */
record KeyFamily<T>(
    String prefix,
    Parser<T> parser,
    String meaning,
    char envSeparator,
    Predicate<String> secret,
    Function<LoghaulConfig, Map<String, ? extends T>> current) {

  KeyFamily {
    requireNonNull(prefix, "prefix");
    if (!prefix.endsWith(".")) {
      throw new IllegalArgumentException("prefix: " + prefix + " (expected: ending with '.')");
    }
    requireNonNull(parser, "parser");
    requireNonNull(meaning, "meaning");
    requireNonNull(secret, "secret");
    requireNonNull(current, "current");
  }

  /** Whether {@code key} (a full name) belongs to this family. */
  boolean contains(String key) {
    return key.length() > prefix.length() && key.startsWith(prefix);
  }

  /** The member a {@code LOGHAUL_*} variable names, or null if it names none of this family. */
  String fromEnv(String var) {
    String envPrefix = ConfigSources.envName(prefix);
    if (var.length() <= envPrefix.length() || !var.startsWith(envPrefix)) {
      return null;
    }
    String name = var.substring(envPrefix.length()).toLowerCase(Locale.ROOT);
    return prefix + name.replace('_', envSeparator);
  }

  /** Whether the member {@code key} (a full name) holds a secret. */
  boolean isSecret(String key) {
    return secret.test(key.substring(prefix.length()));
  }
}
