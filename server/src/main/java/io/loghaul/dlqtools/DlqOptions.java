package io.loghaul.dlqtools;

import io.loghaul.schema.ErrorType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One parsed {@code dlq} command line: the verb, its own options, and the remaining {@code
 * --key=value} settings, which go to the configuration loader unchanged (a setting's name always
 * contains a dot, or is {@code --config}; the verbs' options never do).
 *
 * @param types error types to keep; empty keeps every letter
 * @param limit {@code show}: how many letters at most
 * @param sinceMillis {@code replay}: letters that failed before this are passed over; null for no
 *     bound
 * @param untilMillis {@code replay}: a partition's reading stops at its first letter that failed
 *     after this; null for no bound
 * @param to {@code replay}: the topic to produce to instead of each letter's source topic, or null
 * @param maxRecords {@code replay}: stop after this many letters were (or, dry, would be) replayed
 * @param maxReplays {@code replay}: letters replayed this many times already are skipped
 * @param settings the arguments for the configuration loader
 */
record DlqOptions(
    Verb verb,
    boolean json,
    Set<String> types,
    int limit,
    Long sinceMillis,
    Long untilMillis,
    String to,
    boolean dryRun,
    long maxRecords,
    int maxReplays,
    List<String> settings) {

  static final int DEFAULT_LIMIT = 10;
  static final int DEFAULT_MAX_REPLAYS = 3;

  /** The three verbs, and the options each accepts. */
  enum Verb {
    STATS("stats", Set.of("format")),
    SHOW("show", Set.of("type", "limit")),
    REPLAY(
        "replay", Set.of("type", "since", "until", "to", "dry-run", "max-records", "max-replays"));

    final String word;
    final Set<String> options;

    Verb(String word, Set<String> options) {
      this.word = word;
      this.options = options;
    }

    static Verb of(String word) {
      for (Verb v : values()) {
        if (v.word.equals(word)) {
          return v;
        }
      }
      return null;
    }
  }

  DlqOptions {
    types = Set.copyOf(types);
    settings = List.copyOf(settings);
  }

  /**
   * Parses {@code args} (the words after {@code dlq}); relative times count back from {@code now}.
   */
  static DlqOptions parse(List<String> args, Instant now) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("dlq needs a verb: stats, show or replay");
    }
    Verb verb = Verb.of(args.get(0));
    if (verb == null) {
      throw new UsageException(
          "dlq: unknown verb '" + args.get(0) + "' (expected: stats, show or replay)");
    }
    boolean json = false;
    Set<String> types = new LinkedHashSet<>();
    int limit = DEFAULT_LIMIT;
    Long since = null;
    Long until = null;
    String to = null;
    boolean dryRun = false;
    long maxRecords = Long.MAX_VALUE;
    int maxReplays = DEFAULT_MAX_REPLAYS;
    List<String> settings = new ArrayList<>();
    for (String arg : args.subList(1, args.size())) {
      if (!arg.startsWith("--")) {
        throw new UsageException(
            "dlq "
                + verb.word
                + ": unexpected argument '"
                + arg
                + "' (expected: --option or --key=value)");
      }
      int eq = arg.indexOf('=');
      String name = arg.substring(2, eq < 0 ? arg.length() : eq);
      String value = eq < 0 ? null : arg.substring(eq + 1);
      if (name.contains(".") || name.equals("config")) {
        settings.add(arg);
        continue;
      }
      if (!verb.options.contains(name)) {
        throw new UsageException(
            "dlq "
                + verb.word
                + ": unknown option --"
                + name
                + " (expected: "
                + verb.options.stream()
                    .sorted()
                    .map(o -> "--" + o)
                    .collect(Collectors.joining(", "))
                + ", or a setting --key=value)");
      }
      if (name.equals("dry-run")) {
        if (value != null && !value.equals("true")) {
          throw new UsageException("--dry-run takes no value");
        }
        dryRun = true;
        continue;
      }
      if (value == null || value.isEmpty()) {
        throw new UsageException("--" + name + " needs a value (--" + name + "=...)");
      }
      switch (name) {
        case "format" ->
            json =
                switch (value) {
                  case "json" -> true;
                  case "table" -> false;
                  default ->
                      throw new UsageException(
                          "--format: '" + value + "' (expected: table or json)");
                };
        case "type" -> types.addAll(errorTypes(value));
        case "limit" -> limit = (int) positive(name, value, Integer.MAX_VALUE);
        case "since" -> since = TimeArgument.parse("--since", value, now);
        case "until" -> until = TimeArgument.parse("--until", value, now);
        case "to" -> to = value;
        case "max-records" -> maxRecords = positive(name, value, Long.MAX_VALUE);
        case "max-replays" -> maxReplays = (int) positive(name, value, Integer.MAX_VALUE);
        default -> throw new IllegalStateException(name);
      }
    }
    if (since != null && until != null && since > until) {
      throw new UsageException("--since is after --until");
    }
    return new DlqOptions(
        verb, json, types, limit, since, until, to, dryRun, maxRecords, maxReplays, settings);
  }

  /** Whether a letter of this error type (its header value, or null) is selected. */
  boolean selects(String type) {
    return types.isEmpty() || (type != null && types.contains(type));
  }

  private static Set<String> errorTypes(String list) throws UsageException {
    Set<String> out = new LinkedHashSet<>();
    for (String t : list.split(",", -1)) {
      String type = t.trim();
      if (Arrays.stream(ErrorType.values()).noneMatch(e -> e.label().equals(type))) {
        throw new UsageException(
            "--type: '"
                + type
                + "' (expected: one or more of "
                + Arrays.stream(ErrorType.values())
                    .map(ErrorType::label)
                    .collect(Collectors.joining(", "))
                + ", comma-separated)");
      }
      out.add(type);
    }
    return out;
  }

  private static long positive(String name, String value, long max) throws UsageException {
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > max) {
      throw new UsageException(
          "--" + name + ": '" + value + "' (expected: a whole number from 1 to " + max + ")");
    }
    return n;
  }
}
