package io.loghaul.loadtest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a metric drifted over a soak run: the mean of the last third of the samples after warmup
 * against the mean of the first third. A change above {@value #THRESHOLD_PERCENT} % either way is
 * {@code up} or {@code down}, otherwise {@code flat}; fewer than three samples is {@code too
 * short}. Reported, never a failure. Immutable.
 */
record SoakTrend(String metric, String unit, int samples, double firstThird, double lastThird) {
  static final double THRESHOLD_PERCENT = 10;

  /** The trend of {@code values} (NaN values, i.e. unknown, are left out). */
  static SoakTrend of(String metric, String unit, List<Double> values) {
    double[] v =
        values.stream()
            .filter(d -> d != null && !Double.isNaN(d))
            .mapToDouble(Double::doubleValue)
            .toArray();
    if (v.length < 3) {
      return new SoakTrend(metric, unit, v.length, Double.NaN, Double.NaN);
    }
    int third = v.length / 3;
    return new SoakTrend(
        metric, unit, v.length, mean(v, 0, third), mean(v, v.length - third, v.length));
  }

  private static double mean(double[] v, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += v[i];
    }
    return sum / (to - from);
  }

  /**
   * Change of the last third against the first, in percent; NaN when too short or the first is 0.
   */
  double changePercent() {
    return firstThird == 0 ? Double.NaN : (lastThird - firstThird) / firstThird * 100;
  }

  String verdict() {
    if (Double.isNaN(firstThird)) {
      return "too short";
    }
    double c = changePercent();
    if (Double.isNaN(c)) {
      return lastThird == 0 ? "flat" : "up";
    }
    return c > THRESHOLD_PERCENT ? "up" : c < -THRESHOLD_PERCENT ? "down" : "flat";
  }

  /** E.g. {@code RSS: 650.2 → 700.4 MB (+7.7 %): flat}. */
  String line() {
    if (Double.isNaN(firstThird)) {
      return String.format(
          Locale.ROOT, "%s: %d samples after warmup: too short to tell", metric, samples);
    }
    return String.format(
        Locale.ROOT,
        "%s: %.1f → %.1f %s (%+.1f %%, first vs last third of %d samples after warmup): %s",
        metric,
        firstThird,
        lastThird,
        unit,
        changePercent(),
        samples,
        verdict());
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("samples_after_warmup", samples);
    if (!Double.isNaN(firstThird)) {
      m.put("first_third_mean", BenchFiles.round(firstThird));
      m.put("last_third_mean", BenchFiles.round(lastThird));
      double c = changePercent();
      if (!Double.isNaN(c)) {
        m.put("change_percent", BenchFiles.round(c));
      }
    }
    m.put("unit", unit);
    m.put("verdict", verdict());
    return m;
  }
}
