package io.loghaul.loadtest;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --key=value} options of one bench suite, checked against the suite's known keys. A
 * value is parsed when it is read, and a bad one fails with the key and what was expected, e.g.
 * {@code --rate: abc (expected: a number > 0)}. Not thread-safe.
 */
final class Options {
  private final String suite;
  private final Map<String, String> values = new LinkedHashMap<>();

  private Options(String suite) {
    this.suite = suite;
  }

  /**
   * Parses {@code args}; a bare {@code --flag} means {@code --flag=true}.
   *
   * @throws IllegalArgumentException for an unknown key or an argument that is not an option
   */
  static Options parse(String suite, List<String> args, Set<String> known) {
    requireNonNull(args, "args");
    Options o = new Options(suite);
    for (String a : args) {
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException(
            suite + ": unexpected argument '" + a + "' (expected: --key=value)");
      }
      int eq = a.indexOf('=');
      String key = eq < 0 ? a.substring(2) : a.substring(2, eq);
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            suite
                + ": unknown option --"
                + key
                + " (expected one of: --"
                + String.join(", --", known.stream().sorted().toList())
                + ")");
      }
      o.values.put(key, eq < 0 ? "true" : a.substring(eq + 1));
    }
    return o;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  String string(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  boolean flag(String key) {
    String v = values.get(key);
    if (v == null) {
      return false;
    }
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw bad(key, v, "true or false");
  }

  long positiveLong(String key, long defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(v.replace("_", ""));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(key, v, "an integer > 0");
  }

  int positiveInt(String key, int defaultValue) {
    long n = positiveLong(key, defaultValue);
    if (n > Integer.MAX_VALUE) {
      throw bad(key, values.get(key), "an integer in 1.." + Integer.MAX_VALUE);
    }
    return (int) n;
  }

  /** An integer >= 0 (0 usually turns something off). */
  int nonNegativeInt(String key, int defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v.replace("_", ""));
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(key, v, "an integer >= 0");
  }

  /** A share in [0, 1], both ends included. */
  double share(String key, double defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      double d = Double.parseDouble(v);
      if (d >= 0 && d <= 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(key, v, "a number in [0, 1]");
  }

  /** A fraction in [0, 1). */
  double ratio(String key, double defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      double d = Double.parseDouble(v);
      if (d >= 0 && d < 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(key, v, "a number in [0, 1)");
  }

  double positiveDouble(String key, double defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      double d = Double.parseDouble(v);
      if (d > 0 && Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(key, v, "a number > 0");
  }

  /** A duration such as {@code 30s}, {@code 2m}, {@code 500ms}, or plain seconds. */
  Duration duration(String key, Duration defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      Duration d;
      if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        d =
            Duration.ofMillis(
                Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      } else if (v.endsWith("m")) {
        d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
      } else {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
      }
      if (!d.isNegative()) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(key, v, "a duration such as 30s, 2m or 500ms");
  }

  private IllegalArgumentException bad(String key, String value, String expected) {
    return new IllegalArgumentException(
        suite + ": --" + key + ": " + value + " (expected: " + expected + ")");
  }
}
