package io.loghaul.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG line-plot writer for {@code bench soak}: panels stacked over one time axis, each with
 * labelled axes, ticks, grid lines and a legend, the warmup shaded. Unknown values (NaN) break a
 * line instead of dropping it to zero. A latency panel may switch to a log scale when its values
 * span more than two decades, so a stall does not flatten the normal P50. Stateless.
 *
 * <p>Elements carry {@code class} and {@code data-*} attributes ({@code <g class="panel"
 * data-title>}, {@code <path class="series" data-series>}) so tests and tools can find them.
 */
final class SoakSvg {
  static final int WIDTH = 1000;
  static final int PANEL_HEIGHT = 170;
  private static final int LEFT = 80;
  private static final int RIGHT = 190;
  private static final int TOP = 70;
  private static final int GAP = 75;
  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"
  };

  private SoakSvg() {}

  /** One line: a name for the legend and a value per sample (NaN: unknown). */
  record Series(String name, double[] values) {}

  /** One panel: a title, the y unit, whether a log scale may be used, its lines. */
  record Panel(String title, String unit, boolean logScaleAllowed, List<Series> series) {}

  /** Writes {@link #render} to {@code file}. */
  static void write(
      Path file,
      String title,
      String subtitle,
      double[] tSeconds,
      double warmupSeconds,
      List<Panel> panels) {
    try {
      Files.writeString(
          file, render(title, subtitle, tSeconds, warmupSeconds, panels), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The SVG document: the panels top to bottom over {@code tSeconds}. */
  static String render(
      String title, String subtitle, double[] tSeconds, double warmupSeconds, List<Panel> panels) {
    int height = TOP + panels.size() * (PANEL_HEIGHT + GAP) + 10;
    int plotWidth = WIDTH - LEFT - RIGHT;
    StringBuilder sb = new StringBuilder(16_384);
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            height,
            WIDTH,
            height));
    sb.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
    sb.append(text(LEFT, 28, "font-size=\"17\" font-weight=\"bold\"", title));
    sb.append(text(LEFT, 48, "fill=\"#555\"", subtitle));

    double tMax = 0;
    for (double t : tSeconds) {
      tMax = Math.max(tMax, t);
    }
    boolean minutes = tMax >= 600;
    double unit = minutes ? 60 : 1;
    double xMax = Math.max(tMax / unit, minutes ? 1 : 10);
    double[] xTicks = ticks(0, xMax, 10);
    xMax = Math.max(xMax, xTicks[xTicks.length - 1]);

    for (int p = 0; p < panels.size(); p++) {
      Panel panel = panels.get(p);
      int y0 = TOP + p * (PANEL_HEIGHT + GAP) + 20;
      Scale y = Scale.of(panel);
      double xScale = plotWidth / xMax;
      sb.append(
          String.format(
              Locale.ROOT,
              "<g class=\"panel\" data-title=\"%s\" data-scale=\"%s\">%n",
              escape(panel.title()),
              y.log ? "log" : "linear"));
      sb.append(
          text(
              LEFT,
              y0 - 8,
              "font-size=\"14\" font-weight=\"bold\"",
              panel.title() + (y.log ? " (log scale)" : "")));
      if (warmupSeconds > 0) {
        double w = Math.min(warmupSeconds / unit, xMax) * xScale;
        sb.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"warmup\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f0f0f0\"/>%n",
                LEFT,
                y0,
                w,
                PANEL_HEIGHT));
        sb.append(text(LEFT + 4, y0 + 14, "fill=\"#999\"", "warmup"));
      }
      // grid and y ticks
      for (double tick : y.ticks) {
        double py = y0 + PANEL_HEIGHT - y.position(tick) * PANEL_HEIGHT;
        sb.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                LEFT,
                py,
                LEFT + plotWidth,
                py));
        sb.append(
            String.format(
                Locale.ROOT,
                "<text class=\"ytick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                LEFT - 6,
                py + 4,
                escape(format(tick))));
      }
      // x ticks
      for (double tick : xTicks) {
        double px = LEFT + tick * xScale;
        sb.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>%n",
                px,
                y0 + PANEL_HEIGHT,
                px,
                y0 + PANEL_HEIGHT + 5));
        sb.append(
            String.format(
                Locale.ROOT,
                "<text class=\"xtick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                px,
                y0 + PANEL_HEIGHT + 18,
                escape(format(tick))));
      }
      // axes
      sb.append(
          String.format(
              Locale.ROOT,
              "<path class=\"axis\" d=\"M%d %d V%d H%d\" fill=\"none\" stroke=\"#333\"/>%n",
              LEFT,
              y0,
              y0 + PANEL_HEIGHT,
              LEFT + plotWidth));
      sb.append(
          String.format(
              Locale.ROOT,
              "<text class=\"ylabel\" transform=\"translate(%d %d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
              LEFT - 55,
              y0 + PANEL_HEIGHT / 2,
              escape(panel.unit())));
      sb.append(
          String.format(
              Locale.ROOT,
              "<text class=\"xlabel\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              LEFT + plotWidth / 2,
              y0 + PANEL_HEIGHT + 34,
              minutes ? "time since start (min)" : "time since start (s)"));
      // series and legend; drawn last to first so that the first series (P50, P99 before P99.9) is
      // on top
      for (int s = panel.series().size() - 1; s >= 0; s--) {
        Series series = panel.series().get(s);
        String color = COLORS[s % COLORS.length];
        sb.append(
            String.format(
                Locale.ROOT,
                "<path class=\"series\" data-series=\"%s\" d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"/>%n",
                escape(series.name()),
                path(tSeconds, series.values(), unit, xScale, y, y0),
                color));
        if (tSeconds.length <= 200) {
          for (int i = 0; i < tSeconds.length && i < series.values().length; i++) {
            double v = series.values()[i];
            if (!Double.isNaN(v)) {
              sb.append(
                  String.format(
                      Locale.ROOT,
                      "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>%n",
                      LEFT + tSeconds[i] / unit * xScale,
                      y0 + PANEL_HEIGHT - y.position(v) * PANEL_HEIGHT,
                      color));
            }
          }
        }
        int ly = y0 + 12 + s * 18;
        int lx = LEFT + plotWidth + 16;
        sb.append(
            String.format(
                Locale.ROOT,
                "<line class=\"legend\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                lx,
                ly - 4,
                lx + 20,
                ly - 4,
                color));
        sb.append(text(lx + 26, ly, "class=\"legend\"", series.name()));
      }
      sb.append("</g>\n");
    }
    return sb.append("</svg>\n").toString();
  }

  private static String path(double[] t, double[] v, double unit, double xScale, Scale y, int y0) {
    StringBuilder d = new StringBuilder();
    boolean pen = false;
    for (int i = 0; i < t.length && i < v.length; i++) {
      if (Double.isNaN(v[i])) {
        pen = false;
        continue;
      }
      d.append(pen ? " L" : (d.isEmpty() ? "M" : " M"))
          .append(
              String.format(
                  Locale.ROOT,
                  "%.1f %.1f",
                  LEFT + t[i] / unit * xScale,
                  y0 + PANEL_HEIGHT - y.position(v[i]) * PANEL_HEIGHT));
      pen = true;
    }
    // an empty d is not valid SVG path data: draw nothing at the origin instead
    return d.isEmpty() ? "M" + LEFT + " " + (y0 + PANEL_HEIGHT) : d.toString();
  }

  /** A y axis: linear from 0, or log10 over whole decades. */
  private record Scale(boolean log, double min, double max, double[] ticks) {
    static Scale of(Panel panel) {
      double max = 0;
      double minPositive = Double.POSITIVE_INFINITY;
      for (Series s : panel.series()) {
        for (double v : s.values()) {
          if (!Double.isNaN(v) && !Double.isInfinite(v)) {
            max = Math.max(max, v);
            if (v > 0) {
              minPositive = Math.min(minPositive, v);
            }
          }
        }
      }
      if (panel.logScaleAllowed()
          && minPositive < Double.POSITIVE_INFINITY
          && max / minPositive >= 100) {
        int lo = (int) Math.floor(Math.log10(minPositive));
        int hi = (int) Math.ceil(Math.log10(max));
        if (hi == lo) {
          hi++;
        }
        double[] ticks = new double[hi - lo + 1];
        for (int i = 0; i < ticks.length; i++) {
          ticks[i] = Math.pow(10, lo + i);
        }
        return new Scale(true, Math.pow(10, lo), Math.pow(10, hi), ticks);
      }
      double top = max <= 0 ? 1 : max * 1.05;
      double[] ticks = SoakSvg.ticks(0, top, 5);
      return new Scale(false, 0, Math.max(top, ticks[ticks.length - 1]), ticks);
    }

    /** Where {@code v} lies between the bottom (0) and the top (1), clamped. */
    double position(double v) {
      double p =
          log
              ? (Math.log10(Math.max(v, min)) - Math.log10(min))
                  / (Math.log10(max) - Math.log10(min))
              : (v - min) / (max - min);
      return Math.max(0, Math.min(1, p));
    }
  }

  /**
   * About {@code target} round tick values (1, 2, 2.5 or 5 × 10^k apart) from {@code min} to at
   * least {@code max}.
   */
  static double[] ticks(double min, double max, int target) {
    double range = max - min;
    if (range <= 0) {
      return new double[] {min, min + 1};
    }
    double raw = range / target;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = magnitude;
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      step = m * magnitude;
      if (step >= raw) {
        break;
      }
    }
    List<Double> t = new ArrayList<>();
    double first = Math.ceil(min / step - 1e-9) * step;
    for (int i = 0; ; i++) {
      double v = first + i * step;
      t.add(v);
      if (v >= max - 1e-9 * step) {
        break;
      }
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** A tick label: no trailing zeros, no exponent. */
  static String format(double v) {
    if (Math.abs(v) < 1e-12) {
      return "0";
    }
    return new BigDecimal(String.format(Locale.ROOT, "%.4g", v))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String text(int x, int y, String attributes, String content) {
    return String.format(
        Locale.ROOT, "<text x=\"%d\" y=\"%d\" %s>%s</text>%n", x, y, attributes, escape(content));
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        default -> {
          if (c >= 0x20 || c == '\t' || c == '\n') {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
