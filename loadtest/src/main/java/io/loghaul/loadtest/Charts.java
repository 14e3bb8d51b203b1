package io.loghaul.loadtest;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * PNG charts drawn with Java2D in headless mode, so the bench commands need nothing beyond the JDK:
 * grouped bar charts (compare) and latency-by-percentile plots (otlp). Stateless.
 */
public final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 480;
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728)
  };

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** One bar chart panel: a value per system. */
  public record Panel(String title, String unit, List<String> labels, List<Double> values) {}

  /** Draws the panels side by side into {@code file}. */
  public static void bars(String title, List<Panel> panels, Path file) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    int panelWidth = (WIDTH - 40) / panels.size();
    for (int p = 0; p < panels.size(); p++) {
      Panel panel = panels.get(p);
      int x0 = 20 + p * panelWidth + 50;
      int y0 = HEIGHT - 70;
      int h = HEIGHT - 150;
      int w = panelWidth - 80;
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(panel.title() + " (" + panel.unit() + ")", x0, 70);
      double max = panel.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
      max = max <= 0 ? 1 : max * 1.15;
      g.drawLine(x0, y0, x0 + w, y0);
      int n = panel.values().size();
      int barWidth = Math.max(10, w / Math.max(1, n) - 30);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      for (int i = 0; i < n; i++) {
        double v = panel.values().get(i);
        int bh = (int) Math.round(h * Math.max(0, v) / max);
        int bx = x0 + 15 + i * (barWidth + 30);
        g.setColor(COLORS[i % COLORS.length]);
        g.fillRect(bx, y0 - bh, barWidth, bh);
        g.setColor(Color.BLACK);
        g.drawString(format(v), bx, y0 - bh - 6);
        g.drawString(panel.labels().get(i), bx, y0 + 18);
      }
    }
    write(img, file);
  }

  /** A latency series: value (ms) at each percentile. */
  public record Series(String name, double[] percentiles, double[] millis) {}

  /**
   * Plots latency against percentile on the usual log scale of "nines" (x = -log10(1 - p/100)), so
   * P50, P90, P99, P99.9 and P99.99 are evenly spaced.
   */
  public static void percentiles(String title, List<Series> series, Path file) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    int x0 = 80;
    int y0 = HEIGHT - 60;
    int w = WIDTH - 120;
    int h = HEIGHT - 130;
    double maxNines = 4; // P99.99
    double maxMs = 1;
    for (Series s : series) {
      for (double v : s.millis()) {
        maxMs = Math.max(maxMs, v);
      }
    }
    maxMs *= 1.1;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawLine(x0, y0, x0 + w, y0);
    g.drawLine(x0, y0, x0, y0 - h);
    String[] ticks = {"0%", "90%", "99%", "99.9%", "99.99%"};
    for (int i = 0; i <= 4; i++) {
      int x = x0 + (int) (w * i / maxNines);
      g.drawLine(x, y0, x, y0 + 5);
      g.drawString(ticks[i], x - 15, y0 + 20);
    }
    for (int i = 0; i <= 5; i++) {
      int y = y0 - h * i / 5;
      g.drawLine(x0 - 5, y, x0, y);
      g.drawString(format(maxMs * i / 5), 10, y + 4);
    }
    g.drawString("latency (ms) by percentile", x0 + 10, y0 - h - 10);
    g.setStroke(new BasicStroke(2f));
    for (int si = 0; si < series.size(); si++) {
      Series s = series.get(si);
      g.setColor(COLORS[si % COLORS.length]);
      int px = -1;
      int py = -1;
      for (int i = 0; i < s.percentiles().length; i++) {
        double nines =
            Math.min(maxNines, -Math.log10(Math.max(1e-9, 1 - s.percentiles()[i] / 100)));
        int x = x0 + (int) (w * nines / maxNines);
        int y = y0 - (int) (h * s.millis()[i] / maxMs);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        px = x;
        py = y;
      }
      g.drawString(s.name(), x0 + 20, 80 + 16 * si);
    }
    write(img, file);
  }

  private static Graphics2D canvas(BufferedImage img, String title) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, 20, 30);
    return g;
  }

  private static String format(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static void write(BufferedImage img, Path file) {
    try {
      ImageIO.write(img, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
