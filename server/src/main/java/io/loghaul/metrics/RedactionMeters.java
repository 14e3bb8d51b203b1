package io.loghaul.metrics;

import static java.util.Objects.requireNonNull;

import io.loghaul.redaction.RedactionObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;

/**
 * The redaction meters of docs/metrics.md#metric-reference: {@code logs_redacted_total{rule}}
 * (values changed, one series per rule name of the rules file) and {@code
 * redaction_reload_failures_total}. Rule names come from the operator's file, not from payloads,
 * and a file holds at most 256 rules; the series of a rule a reload removed or renamed goes with
 * it. Thread-safe.
 */
public final class RedactionMeters implements RedactionObserver {
  private final MeterRegistry registry;
  private final Counter reloadFailures;

  public RedactionMeters(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
    this.reloadFailures =
        Counter.builder("redaction.reload.failures")
            .description(
                "Changed redaction rules files that could not be used (the previous rules stayed)")
            .register(registry);
  }

  @Override
  public Runnable redactedCounter(String rule) {
    Counter c =
        Counter.builder("logs.redacted")
            .description(
                "Values (messages, attribute values, dead letters) changed by a redaction rule")
            .tag("rule", rule)
            .register(registry);
    return c::increment;
  }

  /** Removes the {@code logs_redacted_total} series of rules a reload removed or renamed. */
  @Override
  public void rulesInUse(Set<String> rules) {
    for (Counter c : registry.find("logs.redacted").counters()) {
      if (!rules.contains(c.getId().getTag("rule"))) {
        registry.remove(c);
      }
    }
  }

  @Override
  public void reloadFailed() {
    reloadFailures.increment();
  }
}
