package io.loghaul.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** deploy/grafana/loghaul-dashboard.json, read for tests. */
final class GrafanaDashboard {
  final JsonNode root;

  private GrafanaDashboard(JsonNode root) {
    this.root = root;
  }

  static GrafanaDashboard load() throws Exception {
    return new GrafanaDashboard(
        new ObjectMapper().readTree(DeployFiles.path("grafana/loghaul-dashboard.json").toFile()));
  }

  /** Every target expression, keyed by "panel title / refId". */
  Map<String, String> expressions() {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode panel : root.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        out.put(
            panel.path("title").asText() + " / " + target.path("refId").asText(),
            target.path("expr").asText());
      }
    }
    return out;
  }

  /** The metric names all expressions (and template variable queries) read. */
  Set<String> metricNames() {
    Set<String> out = new TreeSet<>();
    for (String expr : expressions().values()) {
      out.addAll(PromQlNames.metricNames(expr));
    }
    for (JsonNode var : root.path("templating").path("list")) {
      String q = var.path("definition").asText("");
      if (q.startsWith("label_values(")) {
        out.add(q.substring("label_values(".length(), q.indexOf(',')).trim());
      }
    }
    return out;
  }

  List<String> panelTitles() {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : root.path("panels")) {
      out.add(panel.path("title").asText());
    }
    return out;
  }
}
