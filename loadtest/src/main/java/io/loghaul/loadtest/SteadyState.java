package io.loghaul.loadtest;

import static io.loghaul.loadtest.BenchFiles.round;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The steady-state figure of a {@code bench compare} trial: rows/s and CPU per row between two
 * moments at which rows landed, the first one at least a warm-up after the trial started and the
 * last one when 95 % of the trial's rows had landed. Both ends are moments a count went up, so the
 * window holds whole INSERTs (or engine blocks) and the trickle at the end of a run (the last
 * partial batch waiting for {@code batch.max-delay-ms}) stays out of it. A whole run of a short
 * trial is mostly JVM start-up and JIT compilation; this figure is what a server that has been
 * running for a while costs.
 */
final class SteadyState {
  /** Share of the landed rows at which the window ends. */
  static final double END_SHARE = 0.95;

  /** A window shorter than this (seconds) says too little to be reported. */
  static final double MIN_SECONDS = 2.0;

  /** The thread name (digits folded, 15 characters) of HotSpot's JIT compiler threads. */
  static final String JIT_THREADS = "C# CompilerThre";

  private SteadyState() {}

  /**
   * One reading during a trial.
   *
   * @param seconds since the trial started
   * @param rows in the destination table
   * @param cpuSeconds cumulative CPU of the processes counted for the trial
   * @param jvmCpuSeconds cumulative CPU of loghaul's JVM; NaN for the engine
   * @param threadCpuSeconds loghaul's JVM CPU by thread name (digits folded), empty for the engine
   */
  record Sample(
      double seconds,
      long rows,
      double cpuSeconds,
      double jvmCpuSeconds,
      Map<String, Double> threadCpuSeconds) {
    Sample {
      threadCpuSeconds = Map.copyOf(threadCpuSeconds);
    }

    double jitCpuSeconds() {
      return threadCpuSeconds.getOrDefault(JIT_THREADS, 0.0);
    }
  }

  /**
   * What happened between two samples.
   *
   * @param jvmCpuUsPerRow NaN when the JVM is not measured (the engine)
   */
  record Window(
      double fromSeconds,
      double toSeconds,
      long rows,
      double rowsPerSecond,
      double cpuUsPerRow,
      double jvmCpuUsPerRow,
      double jitCpuSeconds,
      Map<String, Double> threadCpuSeconds) {

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from_s", round(fromSeconds));
      m.put("to_s", round(toSeconds));
      m.put("rows", rows);
      m.put("records_per_s", round(rowsPerSecond));
      m.put("cpu_us_per_record", round(cpuUsPerRow));
      if (!Double.isNaN(jvmCpuUsPerRow)) {
        m.put("jvm_cpu_us_per_record", round(jvmCpuUsPerRow));
        m.put("jit_cpu_seconds", round(jitCpuSeconds));
        Map<String, Object> threads = new LinkedHashMap<>();
        threadCpuSeconds.entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .limit(8)
            .forEach(e -> threads.put(e.getKey(), round(e.getValue())));
        m.put("jvm_cpu_seconds_by_thread", threads);
      }
      return m;
    }
  }

  /**
   * The steady-state window of {@code samples} (in time order), or empty when the trial landed
   * nothing after {@code warmupSeconds}, or the window would be shorter than {@link #MIN_SECONDS}.
   */
  static Optional<Window> of(List<Sample> samples, double warmupSeconds) {
    if (samples.size() < 2) {
      return Optional.empty();
    }
    long finalRows = samples.get(samples.size() - 1).rows();
    long endRows = (long) Math.ceil(finalRows * END_SHARE);
    Sample from = null;
    Sample to = null;
    for (int i = 1; i < samples.size(); i++) {
      Sample s = samples.get(i);
      boolean landed = s.rows() > samples.get(i - 1).rows();
      if (from == null) {
        if (landed && s.seconds() >= warmupSeconds) {
          from = s;
        }
      } else if (landed && s.rows() >= endRows) {
        to = s;
        break;
      }
    }
    if (from == null || to == null || to.seconds() - from.seconds() < MIN_SECONDS) {
      return Optional.empty();
    }
    return Optional.of(between(from, to));
  }

  /** The figures between two samples. */
  static Window between(Sample from, Sample to) {
    double seconds = to.seconds() - from.seconds();
    long rows = to.rows() - from.rows();
    double perRow = 1e6 / Math.max(1, rows);
    Map<String, Double> threads = new HashMap<>();
    to.threadCpuSeconds()
        .forEach(
            (name, cpu) ->
                threads.put(name, cpu - from.threadCpuSeconds().getOrDefault(name, 0.0)));
    return new Window(
        from.seconds(),
        to.seconds(),
        rows,
        rows / seconds,
        (to.cpuSeconds() - from.cpuSeconds()) * perRow,
        (to.jvmCpuSeconds() - from.jvmCpuSeconds()) * perRow,
        to.jitCpuSeconds() - from.jitCpuSeconds(),
        threads);
  }
}
