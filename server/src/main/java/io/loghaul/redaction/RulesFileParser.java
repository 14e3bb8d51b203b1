package io.loghaul.redaction;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a rules file (docs/redaction.md#rules-file) with Jackson's streaming YAML parser, so every
 * problem can name its line. Stateless apart from the shared factory; thread-safe.
 */
final class RulesFileParser {
  static final int MAX_REPLACEMENT_BYTES = 256;
  static final int MAX_RULES = 256;
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final Set<String> FIELDS =
      Set.of("name", "preset", "pattern", "keys", "fields", "action", "replacement");
  private static final byte[] DEFAULT_MASK = "****".getBytes(StandardCharsets.US_ASCII);

  private RulesFileParser() {}

  /**
   * Parses {@code file}; {@code hashKey} is the HMAC key for {@code hash} actions, or null when
   * {@code redaction.hash-key-file} is unset (then a hash rule is an error).
   */
  static RuleSet parse(Path file, byte[] hashKey) throws RulesFileException {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new RulesFileException(
          file, 0, "cannot read the file (" + e.getClass().getSimpleName() + ")", e);
    }
    try (JsonParser p = YAML.createParser(content)) {
      return new Reader(file, p, hashKey).read();
    } catch (JsonProcessingException e) {
      throw yamlError(file, e);
    } catch (IOException e) {
      throw new RulesFileException(
          file, 0, "cannot read the file (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static final class Reader {
    private final Path file;
    private final JsonParser p;
    private final byte[] hashKey;

    Reader(Path file, JsonParser p, byte[] hashKey) {
      this.file = file;
      this.p = p;
      this.hashKey = hashKey;
    }

    private int line() {
      return p.currentTokenLocation().getLineNr();
    }

    private RulesFileException error(int line, String problem) {
      return new RulesFileException(file, line, problem);
    }

    RuleSet read() throws IOException, RulesFileException {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new RuleSet(List.of(), hashKey); // an empty file: no rules
      }
      if (t != JsonToken.START_OBJECT) {
        throw error(line(), "expected a mapping with the key 'rules'");
      }
      List<Rule> rules = null;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        int keyLine = line();
        p.nextToken();
        if (!key.equals("rules")) {
          throw error(keyLine, "unknown key '" + short_(key) + "' (expected: rules)");
        }
        if (rules != null) {
          throw error(keyLine, "'rules' given twice");
        }
        rules = rules();
      }
      if (rules == null) {
        rules = List.of();
      }
      return new RuleSet(rules, hashKey);
    }

    private List<Rule> rules() throws IOException, RulesFileException {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return List.of();
      }
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw error(line(), "'rules' must be a list");
      }
      List<Rule> rules = new ArrayList<>();
      Set<String> names = new HashSet<>();
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.START_OBJECT) {
          throw error(
              line(),
              "each rule must be a mapping (name, preset|pattern|keys, fields, action, replacement)");
        }
        Rule r = rule();
        if (!names.add(r.name())) {
          throw error(r.line(), "rule name '" + short_(r.name()) + "' used twice");
        }
        if (rules.size() == MAX_RULES) {
          throw error(r.line(), "more than " + MAX_RULES + " rules");
        }
        rules.add(r);
      }
      return rules;
    }

    private Rule rule() throws IOException, RulesFileException {
      int ruleLine = line();
      String name = null;
      String preset = null;
      String pattern = null;
      int patternLine = 0;
      int presetLine = 0;
      List<String> keys = null;
      List<String> fields = null;
      int fieldsLine = 0;
      String action = null;
      int actionLine = 0;
      String replacement = null;
      int replacementLine = 0;
      Set<String> seen = new HashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        int keyLine = line();
        if (!FIELDS.contains(key)) {
          throw error(
              keyLine,
              "unknown rule key '"
                  + short_(key)
                  + "' (expected: name, preset, pattern, keys, fields, action, replacement)");
        }
        if (!seen.add(key)) {
          throw error(keyLine, "'" + key + "' given twice in one rule");
        }
        p.nextToken();
        switch (key) {
          case "name" -> name = scalar(key);
          case "preset" -> {
            preset = scalar(key);
            presetLine = keyLine;
          }
          case "pattern" -> {
            pattern = scalar(key);
            patternLine = keyLine;
          }
          case "keys" -> keys = list(key);
          case "fields" -> {
            fields = list(key);
            fieldsLine = keyLine;
          }
          case "action" -> {
            action = scalar(key);
            actionLine = keyLine;
          }
          case "replacement" -> {
            replacement = scalar(key);
            replacementLine = keyLine;
          }
          default -> throw new AssertionError(key);
        }
      }
      if (name == null || name.isBlank()) {
        throw error(ruleLine, "rule without a 'name' (it labels the metric logs_redacted_total)");
      }
      int kinds = (preset != null ? 1 : 0) + (pattern != null ? 1 : 0) + (keys != null ? 1 : 0);
      if (kinds != 1) {
        throw error(
            ruleLine, "rule '" + short_(name) + "' needs exactly one of preset, pattern and keys");
      }
      Preset presetValue = null;
      if (preset != null) {
        presetValue = Preset.byLabel(preset);
        if (presetValue == null) {
          throw error(
              presetLine,
              "unknown preset '"
                  + short_(preset)
                  + "' (expected: credit_card, email, ipv4, ipv6, jwt, bearer_token or aws_access_key_id)");
        }
      }
      Pattern compiled = null;
      if (pattern != null) {
        if (pattern.isEmpty()) {
          throw error(patternLine, "empty pattern");
        }
        try {
          compiled = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
          throw error(patternLine, "bad pattern: " + e.getDescription());
        }
        if (compiled.matches("")) {
          throw error(patternLine, "pattern matches the empty string");
        }
      }
      List<Glob> keyGlobs = null;
      if (keys != null) {
        if (keys.isEmpty()) {
          throw error(ruleLine, "rule '" + short_(name) + "': 'keys' is empty");
        }
        keyGlobs = keys.stream().map(Glob::new).toList();
        if (fields != null) {
          throw error(
              fieldsLine,
              "'fields' does not apply to a keys rule (it acts on whole attribute values)");
        }
      }
      boolean message = true;
      List<Glob> attributes = null;
      if (fields != null) {
        message = false;
        List<Glob> globs = new ArrayList<>();
        boolean allAttributes = false;
        for (String f : fields) {
          if (f.equals("message")) {
            message = true;
          } else if (f.equals("attributes") || f.equals("attributes.*")) {
            allAttributes = true;
          } else if (f.startsWith("attributes.") && f.length() > "attributes.".length()) {
            globs.add(new Glob(f.substring("attributes.".length())));
          } else {
            throw error(
                fieldsLine,
                "unknown field '"
                    + short_(f)
                    + "' (expected: message, attributes, or attributes.<key glob>)");
          }
        }
        attributes = allAttributes ? null : List.copyOf(globs);
      }
      Action act = Action.MASK;
      if (action != null) {
        act =
            switch (action) {
              case "mask" -> Action.MASK;
              case "hash" -> Action.HASH;
              case "drop" -> Action.DROP;
              default ->
                  throw error(
                      actionLine,
                      "unknown action '" + short_(action) + "' (expected: mask, hash or drop)");
            };
      }
      if (act == Action.HASH && hashKey == null) {
        throw error(actionLine, "action 'hash' needs redaction.hash-key-file");
      }
      byte[] repl = DEFAULT_MASK;
      if (replacement != null) {
        if (act != Action.MASK) {
          throw error(replacementLine, "'replacement' applies only to action mask");
        }
        repl = replacement.getBytes(StandardCharsets.UTF_8);
        if (repl.length > MAX_REPLACEMENT_BYTES) {
          throw error(
              replacementLine, "replacement longer than " + MAX_REPLACEMENT_BYTES + " bytes");
        }
      }
      return new Rule(
          name, ruleLine, presetValue, compiled, keyGlobs, message, attributes, act, repl);
    }

    private String scalar(String key) throws IOException, RulesFileException {
      JsonToken t = p.currentToken();
      if (!t.isScalarValue() || t == JsonToken.VALUE_NULL) {
        throw error(line(), "'" + key + "' must be a single value");
      }
      return p.getText();
    }

    private List<String> list(String key) throws IOException, RulesFileException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw error(line(), "'" + key + "' must be a list, e.g. [\"password\", \"*token*\"]");
      }
      List<String> out = new ArrayList<>();
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (!t.isScalarValue() || t == JsonToken.VALUE_NULL) {
          throw error(line(), "'" + key + "' must list plain values");
        }
        String v = p.getText();
        if (v.isEmpty()) {
          throw error(line(), "'" + key + "' has an empty entry");
        }
        out.add(v);
      }
      return out;
    }
  }

  /** SnakeYAML knows where the problem is (its problem mark), and says it in one short phrase. */
  private static RulesFileException yamlError(Path file, JsonProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m && m.getProblemMark() != null) {
        return new RulesFileException(
            file,
            m.getProblemMark().getLine() + 1,
            "not valid YAML: " + m.getProblem().replaceAll("\\s+", " "),
            e);
      }
    }
    JsonLocation at = e.getLocation();
    return new RulesFileException(
        file,
        at == null ? 0 : at.getLineNr(),
        "not valid YAML: " + e.getOriginalMessage().replaceAll("\\s+", " "),
        e);
  }

  /** At most 64 characters of a value from the file, for messages. */
  static String short_(String s) {
    String one = s.replaceAll("\\p{Cntrl}", "?");
    return one.length() <= 64 ? one : one.substring(0, 64) + "...";
  }
}
