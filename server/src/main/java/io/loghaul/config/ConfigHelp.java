package io.loghaul.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The usage text of {@code run --help}: how settings are given, then one line per key (and key
 * family) with its default and meaning, in table order.
 */
final class ConfigHelp {
  private ConfigHelp() {}

  static String describe(KeyTable table) {
    List<String[]> rows = new ArrayList<>();
    for (Key<?> key : table.keys()) {
      rows.add(new String[] {key.name(), shownDefault(key), key.meaning()});
    }
    for (KeyFamily<?> family : table.families()) {
      rows.add(new String[] {family.prefix() + "<name>", "(none)", family.meaning()});
    }
    int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0) + 2;
    int defaultWidth = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0) + 2;
    StringBuilder out =
        new StringBuilder()
            .append(
                "Settings: --key=value on the command line, environment variable LOGHAUL_<KEY>\n")
            .append(
                "(upper case, '.' and '-' become '_'), or key=value lines in a properties file\n")
            .append(
                "given with --config=FILE (or LOGHAUL_CONFIG). Command line beats environment\n")
            .append("beats file beats default.\n\n")
            .append(pad("key", width))
            .append(pad("default", defaultWidth))
            .append("meaning\n");
    for (String[] row : rows) {
      out.append(pad(row[0], width)).append(pad(row[1], defaultWidth)).append(row[2]).append('\n');
    }
    return out.toString();
  }

  private static <T> String shownDefault(Key<T> key) {
    if (key.defaultValue() == null) return EffectiveConfig.UNSET;
    String text = key.parser().show(key.defaultValue());
    return text.isEmpty() ? "(empty)" : EffectiveConfig.hideSecret(key.secret(), text);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
  }
}
