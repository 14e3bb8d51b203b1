package io.loghaul.redaction;

import java.util.List;

/**
 * The rules of one reading of the rules file, in file order, with the HMAC key their {@code hash}
 * actions use (null when no rule hashes). Immutable; swapped whole on reload.
 */
record RuleSet(List<Rule> rules, byte[] hashKey) {
  RuleSet {
    rules = List.copyOf(rules);
  }

  boolean hashes() {
    for (Rule r : rules) {
      if (r.action() == Action.HASH) {
        return true;
      }
    }
    return false;
  }
}
