package io.loghaul.metrics;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Extracts the metric names a PromQL expression reads, for checking dashboards and rules. */
final class PromQlNames {
  private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "offset",
          "bool",
          "inf",
          "nan");

  private PromQlNames() {}

  static Set<String> metricNames(String expr) {
    String s = STRINGS.matcher(expr).replaceAll("\"\"");
    s = MATCHERS.matcher(s).replaceAll(" ");
    s = RANGES.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> out = new TreeSet<>();
    Matcher m = IDENT.matcher(s);
    while (m.find()) {
      String id = m.group();
      int after = m.end();
      while (after < s.length() && s.charAt(after) == ' ') {
        after++;
      }
      boolean function = after < s.length() && s.charAt(after) == '(';
      boolean number =
          m.start() > 0
              && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.');
      if (!function && !number && !KEYWORDS.contains(id.toLowerCase())) {
        out.add(id);
      }
    }
    return out;
  }
}
