package io.loghaul.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The value types of the configuration keys. Each parser either returns the typed value or throws
 * an {@link InvalidValue} saying what was expected; those phrases are part of the error messages
 * users and tests see ({@code batch.max-rows: -1 (expected: > 0)}), so change them with care.
 */
final class Parsers {
  /** The text {@code auto} of a listener port: any free port, chosen when binding. */
  static final String AUTO = "auto";

  private static final Pattern IDENTIFIER_PATTERN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern HOST_PATTERN =
      Pattern.compile("[A-Za-z0-9._:-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
  private static final Pattern TOPIC_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  private Parsers() {}

  /** Any text, as given (secrets such as the password). */
  static final Parser<String> ANY = text -> text;

  static final Parser<String> NON_EMPTY =
      text -> {
        if (text.isEmpty()) throw InvalidValue.expected("a non-empty string");
        return text;
      };

  static final Parser<Path> PATH =
      text -> {
        if (text.isEmpty()) throw InvalidValue.expected("a file system path");
        try {
          return Path.of(text);
        } catch (InvalidPathException e) {
          throw InvalidValue.expected("a file system path");
        }
      };

  static final Parser<Boolean> BOOLEAN =
      text ->
          switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw InvalidValue.expected("true or false");
          };

  static final Parser<Integer> POSITIVE_INT =
      text -> {
        long n = parseLong(text, "an integer > 0");
        if (n <= 0) throw InvalidValue.expected("> 0");
        if (n > Integer.MAX_VALUE) throw InvalidValue.expected("<= " + Integer.MAX_VALUE);
        return (int) n;
      };

  static final Parser<Long> POSITIVE_LONG =
      text -> {
        long n = parseLong(text, "an integer > 0");
        if (n <= 0) throw InvalidValue.expected("> 0");
        return n;
      };

  /** Milliseconds, > 0, written as a plain integer. */
  static final Parser<Duration> POSITIVE_MILLIS = millis(POSITIVE_LONG);

  /** Milliseconds, >= 0, written as a plain integer. */
  static final Parser<Duration> NON_NEGATIVE_MILLIS =
      millis(
          text -> {
            long n = parseLong(text, "an integer >= 0");
            if (n < 0) throw InvalidValue.expected(">= 0");
            return n;
          });

  static final Parser<Double> RATIO =
      text -> {
        double d;
        try {
          d = Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw InvalidValue.expected("a number in [0, 1]");
        }
        if (!(d >= 0 && d <= 1)) throw InvalidValue.expected("a number in [0, 1]");
        return d;
      };

  /** A literal IPv4/IPv6 address or a host name; not resolved here (binding reports that). */
  static final Parser<String> HOST =
      text -> {
        if (!HOST_PATTERN.matcher(text).matches()) {
          throw InvalidValue.expected(
              "an IP address or host name to bind, e.g. 0.0.0.0, ::, 127.0.0.1");
        }
        return text;
      };

  /** The port of a server loghaul starts (embedded broker, managed ClickHouse): 1..65535. */
  static final Parser<Integer> PORT =
      text -> {
        long n = parseLong(text, "a port 1..65535");
        if (n < 1 || n > 65535) throw InvalidValue.expected("1..65535");
        return (int) n;
      };

  /** A listener's port: 1..65535, or {@code auto} for {@link LoghaulConfig#AUTO_PORT}. */
  static final Parser<Integer> LISTEN_PORT = listenPort(PORT);

  /** An optional listener's port: 1..65535, 0 disables, or {@code auto}. */
  static final Parser<Integer> LISTEN_PORT_OR_ZERO =
      listenPort(
          text -> {
            long n = parseLong(text, "a port 0..65535, 0 disables");
            if (n < 0 || n > 65535) throw InvalidValue.expected("0..65535, 0 disables");
            return (int) n;
          });

  static final Parser<String> TOPIC =
      text -> {
        if (!isTopicName(text)) throw InvalidValue.expected("a Kafka topic name of [A-Za-z0-9._-]");
        return text;
      };

  /** Comma-separated topic names; blanks around and between them and repeated names dropped. */
  static final Parser<List<String>> TOPIC_LIST =
      new Parser<>() {
        @Override
        public List<String> parse(String text) throws InvalidValue {
          List<String> topics =
              Arrays.stream(text.split(","))
                  .map(String::trim)
                  .filter(t -> !t.isEmpty())
                  .distinct()
                  .toList();
          if (topics.isEmpty() || !topics.stream().allMatch(Parsers::isTopicName)) {
            throw InvalidValue.expected(
                "a comma-separated list of Kafka topic names of [A-Za-z0-9._-]");
          }
          return topics;
        }

        @Override
        public String show(List<String> value) {
          return String.join(",", value);
        }
      };

  /** A ClickHouse identifier (database, table): quoted in SQL, but kept to a safe alphabet. */
  static final Parser<String> IDENTIFIER =
      text -> {
        if (!IDENTIFIER_PATTERN.matcher(text).matches()) {
          throw InvalidValue.expected("an identifier matching [A-Za-z_][A-Za-z0-9_]*");
        }
        return text;
      };

  static final Parser<Long> NON_NEGATIVE_LONG =
      text -> {
        long n = parseLong(text, "an integer >= 0");
        if (n < 0) throw InvalidValue.expected(">= 0");
        return n;
      };

  /** One of {@code allowed}, exactly as written there. */
  static Parser<String> oneOf(String... allowed) {
    List<String> values = List.of(allowed);
    String expected = String.join(", ", values);
    return text -> {
      if (!values.contains(text)) throw InvalidValue.expected("one of " + expected);
      return text;
    };
  }

  /** {@code host:port[,host:port...]}; blanks around entries dropped. */
  static final Parser<String> BOOTSTRAP =
      text -> {
        String expected = "host:port[,host:port...]";
        List<String> servers = new ArrayList<>();
        for (String part : text.split(",")) {
          String server = part.trim();
          int colon = server.lastIndexOf(':');
          if (colon <= 0) throw InvalidValue.expected(expected);
          long port;
          try {
            port = Long.parseLong(server.substring(colon + 1));
          } catch (NumberFormatException e) {
            throw InvalidValue.expected(expected);
          }
          if (port < 1 || port > 65535) throw InvalidValue.expected(expected);
          servers.add(server);
        }
        return String.join(",", servers);
      };

  /** An http:// or https:// URL without user info; trailing slashes dropped. */
  static final Parser<String> URL =
      text -> {
        URI uri;
        try {
          uri = new URI(text);
        } catch (URISyntaxException e) {
          throw InvalidValue.expected("an http:// or https:// URL");
        }
        if (uri.getRawUserInfo() != null) {
          // The user info may hold a password: say what is wrong without showing it.
          throw InvalidValue.hidden(
              "(not shown, it contains credentials)",
              "an http:// or https:// "
                  + "URL without user info; use clickhouse.user and clickhouse.password");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
          throw InvalidValue.expected("an http:// or https:// URL");
        }
        String url = text;
        while (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        return url;
      };

  /** One {@link #URL} or several, comma-separated; blanks around entries dropped. */
  static final Parser<String> URL_LIST =
      text -> {
        List<String> urls = new ArrayList<>();
        for (String part : text.split(",")) {
          String url = part.trim();
          if (url.isEmpty()) {
            throw InvalidValue.expected(
                "one http:// or https:// URL, or several separated by commas");
          }
          urls.add(URL.parse(url));
        }
        if (urls.isEmpty()) {
          throw InvalidValue.expected(
              "one http:// or https:// URL, or several separated by commas");
        }
        return String.join(",", urls);
      };

  private static Parser<Duration> millis(Parser<Long> millis) {
    return new Parser<>() {
      @Override
      public Duration parse(String text) throws InvalidValue {
        return Duration.ofMillis(millis.parse(text));
      }

      @Override
      public String show(Duration value) {
        return Long.toString(value.toMillis());
      }
    };
  }

  private static Parser<Integer> listenPort(Parser<Integer> number) {
    return new Parser<>() {
      @Override
      public Integer parse(String text) throws InvalidValue {
        return text.equals(AUTO) ? LoghaulConfig.AUTO_PORT : number.parse(text);
      }

      @Override
      public String show(Integer value) {
        return value == LoghaulConfig.AUTO_PORT ? AUTO : value.toString();
      }
    };
  }

  private static long parseLong(String text, String expected) throws InvalidValue {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw InvalidValue.expected(expected);
    }
  }

  private static boolean isTopicName(String name) {
    return TOPIC_PATTERN.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }
}
