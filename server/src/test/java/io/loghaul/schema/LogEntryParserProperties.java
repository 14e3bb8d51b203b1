package io.loghaul.schema;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

class LogEntryParserProperties {
  static final long NOW = 1_795_316_252_000L;
  static final SchemaLimits LIMITS = SchemaLimits.defaults();

  final LogEntryParser parser = new LogEntryParser(LIMITS);
  final LogEntry entry = new LogEntry();

  /** One generated valid record: its JSON text and the values the parser must produce. */
  record Generated(
      String json,
      long nanos,
      Level level,
      String service,
      String message,
      String traceId,
      String spanId,
      Map<String, String> attributes) {}

  @Property(tries = 2000)
  void acceptsRandomValidRecordsAndRoundTripsThemExactly(@ForAll long seed) {
    Generated g = generate(new Random(seed));
    byte[] json = g.json().getBytes(UTF_8);
    ParseResult result = parser.parse(json, 0, json.length, NOW, entry);
    assertThat(result).as(g.json()).isSameAs(Accepted.INSTANCE);
    assertThat(entry.timestampNanos()).isEqualTo(g.nanos());
    assertThat(entry.level()).isEqualTo(g.level());
    assertThat(entry.serviceName()).isEqualTo(g.service());
    assertThat(entry.message()).isEqualTo(g.message());
    assertThat(entry.traceId()).isEqualTo(g.traceId());
    assertThat(entry.spanId()).isEqualTo(g.spanId());
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i < entry.attributeCount(); i++) {
      attributes.put(entry.attributeKey(i), entry.attributeValue(i));
    }
    assertThat(attributes).containsExactlyEntriesOf(g.attributes());
  }

  @Property(tries = 3000)
  void mutatedRecordsNeverThrow(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 3) int kind,
      @ForAll @IntRange(min = 0, max = 100_000) int where,
      @ForAll byte value) {
    byte[] json = generate(new Random(seed)).json().getBytes(UTF_8);
    int at = where % json.length;
    byte[] mutated =
        switch (kind) {
          case 0 -> {
            byte[] m = json.clone();
            m[at] ^= (byte) (value == 0 ? 1 : value);
            yield m;
          }
          case 1 -> {
            byte[] m = new byte[json.length + 1];
            System.arraycopy(json, 0, m, 0, at);
            m[at] = value;
            System.arraycopy(json, at, m, at + 1, json.length - at);
            yield m;
          }
          case 2 -> {
            byte[] m = new byte[json.length - 1];
            System.arraycopy(json, 0, m, 0, at);
            System.arraycopy(json, at + 1, m, at, json.length - at - 1);
            yield m;
          }
          default -> Arrays.copyOf(json, at);
        };
    ParseResult result = parser.parse(mutated, 0, mutated.length, NOW, entry);
    assertThat(result).isNotNull();
    if (result instanceof Rejected r) {
      assertThat(r.type()).isNotNull();
      assertThat(r.message().getBytes(UTF_8).length).isLessThanOrEqualTo(1024);
    } else {
      LogEntryParserFuzzTest.assertWellFormed(entry, LIMITS);
    }
  }

  @Property(tries = 1000)
  void trailingGarbageIsASyntaxError(
      @ForAll long seed,
      @ForAll @StringLength(min = 1, max = 8) @CharRange(from = '!', to = '~') String garbage) {
    String json = generate(new Random(seed)).json() + (seed % 2 == 0 ? " " : "") + garbage;
    byte[] b = json.getBytes(UTF_8);
    ParseResult result = parser.parse(b, 0, b.length, NOW, entry);
    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).type()).isEqualTo(ErrorType.JSON_SYNTAX);
  }

  @Property(tries = 2000)
  void rfc3339AgreesWithJavaTime(
      @ForAll @LongRange(min = -9_000_000_000L, max = 9_000_000_000L) long epochSecond,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nano,
      @ForAll @IntRange(min = 0, max = 9) int digits,
      @ForAll @IntRange(min = -18 * 60, max = 18 * 60) int offsetMinutes) {
    int truncated = nano / POW10[9 - digits] * POW10[9 - digits];
    Instant instant = Instant.ofEpochSecond(epochSecond, truncated);
    String text = format(instant, digits, offsetMinutes);
    byte[] b = text.getBytes(UTF_8);
    long expected = epochSecond * 1_000_000_000L + truncated;
    assertThat(Rfc3339.parseEpochNanos(b, 0, b.length)).as(text).isEqualTo(expected);
  }

  static final int[] POW10 = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
  };

  static String format(Instant instant, int digits, int offsetMinutes) {
    OffsetDateTime t = instant.atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
    String base = t.format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT));
    String fraction =
        digits == 0
            ? ""
            : "." + String.format(Locale.ROOT, "%09d", t.getNano()).substring(0, digits);
    String offset =
        offsetMinutes == 0
            ? "Z"
            : String.format(
                Locale.ROOT,
                "%s%02d:%02d",
                offsetMinutes < 0 ? "-" : "+",
                Math.abs(offsetMinutes) / 60,
                Math.abs(offsetMinutes) % 60);
    return base + fraction + offset;
  }

  // ---- generator ----------------------------------------------------------------------------

  static Generated generate(Random r) {
    List<String[]> fields = new ArrayList<>();
    long nanos;
    if (r.nextBoolean()) {
      long ms =
          NOW
              - LIMITS.maxAgeSeconds() * 1000
              + (long)
                  (r.nextDouble() * (LIMITS.maxAgeSeconds() + LIMITS.maxFutureSeconds()) * 1000);
      nanos = ms * 1_000_000;
      fields.add(new String[] {"timestamp", Long.toString(ms)});
    } else {
      long lowNs = (NOW - LIMITS.maxAgeSeconds() * 1000) * 1_000_000;
      long span = (LIMITS.maxAgeSeconds() + LIMITS.maxFutureSeconds()) * 1_000_000_000L;
      // a second inside each edge, so rounding to fewer fraction digits stays in the window
      long ns = lowNs + 1_000_000_000L + (long) (r.nextDouble() * (span - 2_000_000_000L));
      int digits = r.nextInt(10);
      ns = Math.floorDiv(ns, POW10[9 - digits]) * POW10[9 - digits];
      nanos = ns;
      String text =
          format(
              Instant.ofEpochSecond(
                  Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)),
              digits,
              r.nextInt(3) == 0 ? 0 : r.nextInt(2 * 18 * 60 + 1) - 18 * 60);
      if (r.nextBoolean()) {
        text = text.replace('T', 't').replace('Z', 'z');
      }
      fields.add(new String[] {"timestamp", quote(r, text)});
    }
    Level level;
    if (r.nextBoolean()) {
      int severity = 1 + r.nextInt(24);
      level = Level.ofSeverityNumber(severity);
      fields.add(new String[] {"level", Integer.toString(severity)});
    } else {
      String[] names = {"TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL"};
      String name = names[r.nextInt(names.length)];
      level = Level.valueOf(name.equals("WARNING") ? "WARN" : name);
      StringBuilder cased = new StringBuilder();
      for (char c : name.toCharArray()) {
        cased.append(r.nextBoolean() ? Character.toLowerCase(c) : c);
      }
      fields.add(new String[] {"level", quote(r, cased.toString())});
    }
    String service = text(r, 1, 40, 256);
    fields.add(new String[] {"service_name", quote(r, service)});
    String message = text(r, 0, 200, 65_536);
    fields.add(new String[] {"message", quote(r, message)});
    String traceId = "";
    if (r.nextInt(3) > 0) {
      String hex = hex(r, 32);
      traceId = hex.toLowerCase(Locale.ROOT);
      fields.add(new String[] {"trace_id", quote(r, hex)});
    } else if (r.nextBoolean()) {
      fields.add(new String[] {"trace_id", "null"});
    }
    String spanId = "";
    if (r.nextInt(3) > 0) {
      String hex = hex(r, 16);
      spanId = hex.toLowerCase(Locale.ROOT);
      fields.add(new String[] {"span_id", quote(r, hex)});
    } else if (r.nextBoolean()) {
      fields.add(new String[] {"span_id", "null"});
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    if (r.nextInt(4) > 0) {
      StringBuilder obj = new StringBuilder("{");
      int n = r.nextInt(8);
      for (int i = 0; i < n; i++) {
        String key = text(r, 1, 12, 256);
        if (attributes.containsKey(key)) {
          continue;
        }
        StringBuilder compact = new StringBuilder();
        String valueJson;
        if (r.nextBoolean()) {
          String v = text(r, 0, 30, 16_384);
          attributes.put(key, v);
          valueJson = quote(r, v);
        } else {
          valueJson = jsonValue(r, 0, compact);
          attributes.put(key, compact.toString());
        }
        if (obj.length() > 1) {
          obj.append(ws(r)).append(',');
        }
        obj.append(ws(r))
            .append(quote(r, key))
            .append(ws(r))
            .append(':')
            .append(ws(r))
            .append(valueJson);
      }
      fields.add(new String[] {"attributes", obj.append(ws(r)).append('}').toString()});
    } else if (r.nextBoolean()) {
      fields.add(new String[] {"attributes", "null"});
    }
    Collections.shuffle(fields, r);
    StringBuilder json = new StringBuilder(ws(r)).append('{');
    for (int i = 0; i < fields.size(); i++) {
      json.append(ws(r))
          .append(i == 0 ? "" : ",")
          .append(ws(r))
          .append(quote(r, fields.get(i)[0]))
          .append(ws(r))
          .append(':')
          .append(ws(r))
          .append(fields.get(i)[1]);
    }
    json.append(ws(r)).append('}').append(ws(r));
    return new Generated(
        json.toString(), nanos, level, service, message, traceId, spanId, attributes);
  }

  /**
   * A random non-string JSON value; appends the parser's expected compact form to {@code compact}.
   */
  static String jsonValue(Random r, int depth, StringBuilder compact) {
    int kind = r.nextInt(depth >= 3 ? 4 : 6);
    if (kind == 3 && depth == 0) {
      kind = 4; // a top-level string attribute is stored decoded, not as JSON: covered elsewhere
    }
    switch (kind) {
      case 0 -> {
        String[] numbers = {
          "0",
          "-0",
          "42",
          "-17",
          "3.25",
          "1e10",
          "-2.5E-3",
          "1E+2",
          "123456789012345678901234567890"
        };
        String n = numbers[r.nextInt(numbers.length)];
        compact.append(n);
        return n;
      }
      case 1 -> {
        String lit = r.nextBoolean() ? "true" : "false";
        compact.append(lit);
        return lit;
      }
      case 2 -> {
        compact.append("null");
        return "null";
      }
      case 3 -> {
        String s = text(r, 0, 10, 100);
        compact.append(minimalJson(s));
        return quote(r, s);
      }
      case 4 -> {
        StringBuilder out = new StringBuilder("[");
        compact.append('[');
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            out.append(ws(r)).append(',');
            compact.append(',');
          }
          out.append(ws(r)).append(jsonValue(r, depth + 1, compact));
        }
        compact.append(']');
        return out.append(ws(r)).append(']').toString();
      }
      default -> {
        StringBuilder out = new StringBuilder("{");
        compact.append('{');
        int n = r.nextInt(4);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String key = text(r, 0, 6, 100);
          if (keys.contains(key)) {
            continue;
          }
          if (!keys.isEmpty()) {
            out.append(ws(r)).append(',');
            compact.append(',');
          }
          keys.add(key);
          compact.append(minimalJson(key)).append(':');
          out.append(ws(r))
              .append(quote(r, key))
              .append(ws(r))
              .append(':')
              .append(ws(r))
              .append(jsonValue(r, depth + 1, compact));
        }
        compact.append('}');
        return out.append(ws(r)).append('}').toString();
      }
    }
  }

  static String minimalJson(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Random text of valid code points (ASCII-heavy, with controls, quotes, multi-byte and astral).
   */
  static String text(Random r, int minChars, int maxChars, int maxBytes) {
    StringBuilder sb = new StringBuilder();
    int n = minChars + r.nextInt(maxChars - minChars + 1);
    for (int i = 0; i < n; i++) {
      int cp =
          switch (r.nextInt(10)) {
            case 0 -> r.nextInt(0x20);
            case 1 -> "\"\\/".charAt(r.nextInt(3));
            case 2 -> 0x80 + r.nextInt(0x800 - 0x80);
            case 3 -> {
              int c = 0x800 + r.nextInt(0x10000 - 0x800);
              yield c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c;
            }
            case 4 -> 0x10000 + r.nextInt(0x110000 - 0x10000);
            default -> 0x20 + r.nextInt(0x5F);
          };
      sb.appendCodePoint(cp);
      if (sb.toString().getBytes(UTF_8).length > maxBytes) {
        sb.setLength(sb.length() - Character.charCount(cp));
        break;
      }
    }
    return sb.toString();
  }

  /**
   * A JSON string literal for {@code s}, escaping what must be escaped and a random share of the
   * rest.
   */
  static String quote(Random r, String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            cp -> {
              boolean must = cp < 0x20 || cp == '"' || cp == '\\';
              if (!must && r.nextInt(8) != 0) {
                sb.appendCodePoint(cp);
                return;
              }
              String shortForm =
                  switch (cp) {
                    case '"' -> "\\\"";
                    case '\\' -> "\\\\";
                    case '/' -> "\\/";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> null;
                  };
              if (shortForm != null && r.nextBoolean()) {
                sb.append(shortForm);
              } else {
                for (char c : Character.toChars(cp)) {
                  sb.append(
                      String.format(Locale.ROOT, r.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
                }
              }
            });
    return sb.append('"').toString();
  }

  static String hex(Random r, int digits) {
    String alphabet = "0123456789abcdefABCDEF";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    if (sb.toString().chars().allMatch(c -> c == '0')) {
      sb.setCharAt(0, '1');
    }
    return sb.toString();
  }

  static String ws(Random r) {
    if (r.nextInt(3) != 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(3); i >= 0; i--) {
      sb.append(" \t\n\r".charAt(r.nextInt(4)));
    }
    return sb.toString();
  }
}
