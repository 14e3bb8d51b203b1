package io.loghaul.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys a loader knows: single keys, in the order {@code --help} and the effective configuration
 * list them, and key families. Names are unique, and no single key lies inside a family. Immutable.
 */
final class KeyTable {
  private final List<Key<?>> keys;
  private final List<KeyFamily<?>> families;
  private final Map<String, Key<?>> byName = new HashMap<>();
  private final Map<String, Key<?>> byEnv = new HashMap<>();

  KeyTable(List<Key<?>> keys, List<KeyFamily<?>> families) {
    this.keys = List.copyOf(keys);
    this.families = List.copyOf(families);
    for (Key<?> key : this.keys) {
      if (byName.put(key.name(), key) != null) {
        throw new IllegalArgumentException("key: " + key.name() + " (expected: defined once)");
      }
      byEnv.put(ConfigSources.envName(key.name()), key);
      if (family(key.name()) != null) {
        throw new IllegalArgumentException(
            "key: " + key.name() + " (expected: outside every family)");
      }
    }
  }

  List<Key<?>> keys() {
    return keys;
  }

  List<KeyFamily<?>> families() {
    return families;
  }

  /** The single key named {@code name}, or null. */
  Key<?> key(String name) {
    return byName.get(name);
  }

  /** The family {@code name} belongs to, or null. */
  KeyFamily<?> family(String name) {
    for (KeyFamily<?> f : families) {
      if (f.contains(name)) return f;
    }
    return null;
  }

  /** Whether {@code name} is a key or a member of a family. */
  boolean knows(String name) {
    return byName.containsKey(name) || family(name) != null;
  }

  /** The key a {@code LOGHAUL_*} variable sets, or null for none. */
  String nameOfEnv(String var) {
    Key<?> key = byEnv.get(var);
    if (key != null) return key.name();
    for (KeyFamily<?> f : families) {
      String name = f.fromEnv(var);
      if (name != null) return name;
    }
    return null;
  }

  /** Whether the value of key or family member {@code name} is a secret. */
  boolean isSecret(String name) {
    Key<?> key = byName.get(name);
    if (key != null) return key.secret();
    KeyFamily<?> f = family(name);
    return f != null && f.isSecret(name);
  }

  /** The environment variable names of the single keys, for suggestions. */
  List<String> envNames() {
    return byEnv.keySet().stream().sorted().toList();
  }
}
