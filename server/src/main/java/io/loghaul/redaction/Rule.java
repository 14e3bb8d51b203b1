package io.loghaul.redaction;

import com.google.re2j.Pattern;
import java.util.List;

/**
 * One compiled rule of a rules file. Exactly one of {@code preset}, {@code pattern} and {@code
 * keys} is set. {@code fields} (null = the message and every attribute) selects where preset and
 * pattern rules look. Immutable.
 *
 * @param line the line of the rule in its file, for messages
 * @param message whether the rule looks at the message (pattern and preset rules)
 * @param attributes attribute keys the rule looks at; null = every attribute; empty = none
 */
record Rule(
    String name,
    int line,
    Preset preset,
    Pattern pattern,
    List<Glob> keys,
    boolean message,
    List<Glob> attributes,
    Action action,
    byte[] replacement) {

  boolean isKeys() {
    return keys != null;
  }

  boolean appliesToAttribute(byte[] b, int keyOffset, int keyLength) {
    List<Glob> globs = keys != null ? keys : attributes;
    if (globs == null) {
      return true;
    }
    for (int i = 0, n = globs.size(); i < n; i++) {
      if (globs.get(i).matches(b, keyOffset, keyLength)) {
        return true;
      }
    }
    return false;
  }
}
