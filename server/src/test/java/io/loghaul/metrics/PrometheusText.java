package io.loghaul.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A parsed Prometheus text exposition ({@code # TYPE} lines and samples), for tests. */
final class PrometheusText {
  /** One sample line: name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Map<String, String> types = new HashMap<>();
  final List<Sample> samples = new ArrayList<>();

  static PrometheusText parse(String text) {
    PrometheusText out = new PrometheusText();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.substring(7).trim().split(" ");
        out.types.put(p[0], p[1]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        out.samples.add(sample(line));
      }
    }
    return out;
  }

  static PrometheusText scrape(int adminPort) throws Exception {
    return parse(get(adminPort, "/metrics").body());
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space;
    Map<String, String> labels = new LinkedHashMap<>();
    String name;
    if (brace >= 0) {
      name = line.substring(0, brace);
      int close = line.lastIndexOf('}');
      parseLabels(line.substring(brace + 1, close), labels);
      space = close + 1;
    } else {
      space = line.indexOf(' ');
      name = line.substring(0, space);
    }
    String[] rest = line.substring(space).trim().split(" ");
    return new Sample(name, labels, Double.parseDouble(rest[0]));
  }

  private static void parseLabels(String s, Map<String, String> out) {
    int i = 0;
    while (i < s.length()) {
      int eq = s.indexOf('=', i);
      String key = s.substring(i, eq).trim();
      StringBuilder v = new StringBuilder();
      int j = eq + 2; // skip ="
      while (s.charAt(j) != '"') {
        if (s.charAt(j) == '\\') {
          j++;
        }
        v.append(s.charAt(j++));
      }
      out.put(key, v.toString());
      i = j + 1;
      if (i < s.length() && s.charAt(i) == ',') {
        i++;
      }
    }
  }

  /**
   * The family type of {@code name} ({@code counter}, {@code gauge}, {@code histogram}, ...), or
   * null.
   */
  String type(String name) {
    return types.get(name);
  }

  /** Label key sets seen on samples of exactly {@code sampleName}. */
  Set<Set<String>> labelKeys(String sampleName) {
    Set<Set<String>> out = new java.util.HashSet<>();
    for (Sample s : samples) {
      if (s.name.equals(sampleName)) {
        out.add(new TreeSet<>(s.labels.keySet()));
      }
    }
    return out;
  }

  /** Every sample name (histogram families appear as their _bucket/_sum/_count series). */
  Set<String> sampleNames() {
    Set<String> out = new TreeSet<>();
    for (Sample s : samples) {
      out.add(s.name);
    }
    return out;
  }

  /**
   * Sum of the samples of {@code name} whose labels include all of {@code match} (key, value, ...).
   */
  double sum(String name, String... match) {
    double total = 0;
    for (Sample s : samples) {
      if (s.name.equals(name) && matches(s.labels, match)) {
        total += s.value;
      }
    }
    return total;
  }

  /** The samples of {@code name} whose labels include all of {@code match}. */
  List<Sample> all(String name, String... match) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name.equals(name) && matches(s.labels, match)) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean matches(Map<String, String> labels, String[] match) {
    for (int i = 0; i < match.length; i += 2) {
      if (!match[i + 1].equals(labels.get(match[i]))) {
        return false;
      }
    }
    return true;
  }
}
