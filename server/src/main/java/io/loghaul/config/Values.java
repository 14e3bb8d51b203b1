package io.loghaul.config;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The typed value of every key after the sources were merged and parsed: what {@link ConfigLoader}
 * builds the config from. Each value was put by its key's parser (or is its key's default), which
 * is what makes {@link #get} type-safe.
 */
final class Values {
  private final Map<Key<?>, Object> values = new HashMap<>();
  private final Set<Key<?>> given = Collections.newSetFromMap(new HashMap<>());
  private final Map<KeyFamily<?>, Map<String, Object>> families = new HashMap<>();

  <T> void put(Key<T> key, T value, boolean fromASource) {
    values.put(key, value);
    if (fromASource) given.add(key);
  }

  /** Adds member {@code name} (the part after the prefix) of {@code family}. */
  <T> void put(KeyFamily<T> family, String name, T value) {
    families.computeIfAbsent(family, f -> new TreeMap<>()).put(name, requireNonNull(value));
  }

  /** The value of {@code key}: given by a source, else its default; null when unset. */
  <T> T get(Key<T> key) {
    if (!values.containsKey(key)) {
      throw new IllegalArgumentException("key: " + key.name() + " (expected: a key of the table)");
    }
    @SuppressWarnings("unchecked") // put(Key<T>, T, ...) is the only way in
    T value = (T) values.get(key);
    return value;
  }

  /** Whether a source (flag, environment, file) gave {@code key}, even as an empty value. */
  boolean given(Key<?> key) {
    return given.contains(key);
  }

  /** The members of {@code family} some source gave, by the name after the prefix, sorted. */
  <T> Map<String, T> get(KeyFamily<T> family) {
    @SuppressWarnings("unchecked") // put(KeyFamily<T>, String, T) is the only way in
    Map<String, T> members = (Map<String, T>) families.getOrDefault(family, Map.of());
    return Collections.unmodifiableMap(members);
  }
}
