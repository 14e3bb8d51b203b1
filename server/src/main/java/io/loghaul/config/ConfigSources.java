package io.loghaul.config;

import static io.loghaul.config.ConfigException.echo;
import static io.loghaul.config.ConfigException.invalid;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the three sources of settings and merges them key by key: {@code --key=value} arguments
 * beat {@code LOGHAUL_<KEY>} environment variables, which beat the properties file named by {@code
 * --config=FILE} (or {@code LOGHAUL_CONFIG}), which beats the key's default. Then parses every
 * value with its key's parser.
 *
 * <p>Stops at the first problem with a {@link ConfigException}: an argument that is not a setting,
 * an unknown key or {@code LOGHAUL_*} variable (with a suggestion when a key is close), an
 * unreadable file, a malformed value. Values are trimmed, except secrets; an empty value of an
 * optional key means unset. A secret is never echoed.
 */
final class ConfigSources {
  /** Environment variable naming a properties file, the same as {@code --config=FILE}. */
  static final String CONFIG_ENV = "LOGHAUL_CONFIG";

  static final String CONFIG_KEY = "config";
  private static final String ENV_PREFIX = "LOGHAUL_";

  /** {@code LOGHAUL_*} variables read by the {@code ./loghaul} launcher rather than the server. */
  private static final Set<String> LAUNCHER_ENV = Set.of("LOGHAUL_JAVA_OPTS", "LOGHAUL_AOT_CACHE");

  private ConfigSources() {}

  /** {@code kafka.embedded.port} → {@code LOGHAUL_KAFKA_EMBEDDED_PORT}. */
  static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * The typed value of every key of {@code table} from {@code args} (after the verb), {@code env}
   * and the file they name.
   */
  static Values load(KeyTable table, List<String> args, Map<String, String> env)
      throws ConfigException {
    Map<String, String> fromArgs = new HashMap<>();
    String configFile = null;
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        // Only the part before '=' is echoed: the rest may be a password typed without "--".
        String shown = eq < 0 ? arg : arg.substring(0, eq) + "=...";
        throw new ConfigException(
            shown, echo(shown) + ": not a setting (expected: --key=value, see --help)");
      }
      String name = arg.substring(2, eq);
      String value = arg.substring(eq + 1);
      if (name.equals(CONFIG_KEY)) {
        configFile = value;
      } else if (table.knows(name)) {
        fromArgs.put(name, value);
      } else {
        throw unknownKey(table, name, "on the command line");
      }
    }

    Map<String, String> fromEnv = new HashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String var = e.getKey();
      if (!var.startsWith(ENV_PREFIX) || var.equals(CONFIG_ENV) || LAUNCHER_ENV.contains(var)) {
        continue;
      }
      String name = table.nameOfEnv(var);
      if (name == null) {
        throw new ConfigException(
            var,
            var
                + ": unknown environment variable (expected: "
                + "LOGHAUL_<KEY> for one of the keys listed by --help"
                + suggestEnv(table, var)
                + ")");
      }
      fromEnv.put(name, e.getValue());
    }
    if (configFile == null) {
      configFile = env.get(CONFIG_ENV);
    }
    Map<String, String> fromFile =
        configFile == null || configFile.isBlank() ? Map.of() : readFile(table, configFile.trim());

    Map<String, String> merged = new HashMap<>(fromFile);
    merged.putAll(fromEnv);
    merged.putAll(fromArgs);
    return parse(table, merged);
  }

  private static Values parse(KeyTable table, Map<String, String> raw) throws ConfigException {
    Values values = new Values();
    for (Key<?> key : table.keys()) {
      parseKey(values, key, raw.get(key.name()));
    }
    for (String name : new TreeSet<>(raw.keySet())) {
      KeyFamily<?> family = table.family(name);
      if (family != null) {
        parseMember(values, family, name, raw.get(name), table.isSecret(name));
      }
    }
    return values;
  }

  private static <T> void parseKey(Values values, Key<T> key, String raw) throws ConfigException {
    if (raw == null) {
      values.put(key, key.defaultValue(), false);
      return;
    }
    String text = key.secret() ? raw : raw.trim();
    T value =
        key.optional() && text.isEmpty()
            ? null
            : parse(key.parser(), key.name(), text, key.secret());
    values.put(key, value, true);
  }

  private static <T> void parseMember(
      Values values, KeyFamily<T> family, String name, String raw, boolean secret)
      throws ConfigException {
    String text = secret ? raw : raw.trim();
    if (text.isEmpty()) return; // as for optional keys: empty means unset
    values.put(
        family,
        name.substring(family.prefix().length()),
        parse(family.parser(), name, text, secret));
  }

  private static <T> T parse(Parser<T> parser, String name, String text, boolean secret)
      throws ConfigException {
    try {
      return parser.parse(text);
    } catch (InvalidValue e) {
      if (e.shownAs() != null || secret) {
        String shown = e.shownAs() != null ? e.shownAs() : "(not shown)";
        throw new ConfigException(
            name, name + ": " + shown + " (expected: " + e.expectedText() + ")");
      }
      throw invalid(name, text, e.expectedText());
    }
  }

  private static Map<String, String> readFile(KeyTable table, String file) throws ConfigException {
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw invalid(CONFIG_KEY, file, "a readable properties file");
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(path, UTF_8)) {
      props.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(
          CONFIG_KEY,
          CONFIG_KEY + ": " + echo(file) + " (expected: a readable properties file; " + e + ")",
          e);
    }
    Map<String, String> out = new HashMap<>();
    for (String name : new TreeSet<>(props.stringPropertyNames())) {
      if (!table.knows(name)) throw unknownKey(table, name, "in " + echo(file));
      out.put(name, props.getProperty(name));
    }
    return out;
  }

  private static ConfigException unknownKey(KeyTable table, String name, String where) {
    return new ConfigException(
        name,
        echo(name)
            + ": unknown key "
            + where
            + " (expected: one of the keys listed by --help"
            + suggest(name, table.keys().stream().map(Key::name).toList())
            + ")");
  }

  private static String suggestEnv(KeyTable table, String var) {
    return suggest(var, table.envNames());
  }

  /** "; did you mean X?" for the closest candidate within two edits, else nothing. */
  private static String suggest(String name, List<String> candidates) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : candidates) {
      int d = distance(name, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best == null ? "" : "; did you mean " + best + "?";
  }

  /** Levenshtein distance; names are short and this runs only on the error path. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
