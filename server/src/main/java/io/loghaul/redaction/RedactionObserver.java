package io.loghaul.redaction;

import java.util.Set;

/**
 * How redaction reports to the metrics ({@code logs_redacted_total{rule}}, {@code
 * redaction_reload_failures_total}) without depending on them. Implementations are thread-safe.
 */
public interface RedactionObserver {
  /** No metrics (tests, tools). */
  RedactionObserver NONE =
      new RedactionObserver() {
        @Override
        public Runnable redactedCounter(String rule) {
          return () -> {};
        }

        @Override
        public void reloadFailed() {}
      };

  /**
   * The counter of values changed by the rule named {@code rule}; asked once per rule each time a
   * rules file is loaded, then only run.
   */
  Runnable redactedCounter(String rule);

  /**
   * The rule names of the rules just loaded, after {@link #redactedCounter} was asked for each:
   * counters of other names (rules a reload removed or renamed) are no longer run and may go.
   */
  default void rulesInUse(Set<String> rules) {}

  /** A changed rules file could not be used; the previous rules stay. */
  void reloadFailed();
}
