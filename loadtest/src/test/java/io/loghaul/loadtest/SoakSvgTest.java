package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SoakSvgTest {
  @TempDir Path dir;

  @Test
  void theSoakPlotIsWellFormedSvgWithFourPanelsAndTheExpectedSeries() throws Exception {
    List<SoakSample> samples = new ArrayList<>();
    for (int i = 1; i <= 180; i++) {
      samples.add(SoakSampleTest.sample(i * 10, i <= 6, 5 + (i % 7), (600L + i) << 20));
    }
    Path file = dir.resolve("soak.svg");
    SoakSvg.write(
        file,
        "bench soak: 1000 req/s & <slow> clients",
        "2 cores",
        samples.stream().mapToDouble(SoakSample::tSeconds).toArray(),
        60,
        SoakSuite.panels(samples));

    Document doc = parse(Files.readAllBytes(file));
    Element svg = doc.getDocumentElement();
    assertThat(svg.getTagName()).isEqualTo("svg");
    assertThat(svg.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    List<String> panels = attributes(doc, "g", "data-title");
    assertThat(panels)
        .containsExactly(
            "Latency of valid requests",
            "Server memory",
            "GC pause time per interval",
            "Open connections (and the server's open files)");
    assertThat(attributes(doc, "path", "data-series"))
        .containsExactlyInAnyOrder(
            "P50",
            "P99",
            "P99.9",
            "RSS",
            "heap used",
            "GC pauses",
            "server HTTP",
            "server gRPC",
            "slow clients open",
            "server open files");
    // 30 minutes: the time axis is in minutes, with round ticks and a label on every panel
    assertThat(texts(doc, "xlabel")).hasSize(4).allMatch(t -> t.equals("time since start (min)"));
    assertThat(texts(doc, "xtick")).contains("0", "10", "20", "30");
    assertThat(texts(doc, "ylabel")).containsExactly("ms", "MB", "ms", "count");
    assertThat(texts(doc, "ytick")).isNotEmpty();
    assertThat(texts(doc, "legend"))
        .contains("P99", "RSS", "slow clients open", "server open files");
    assertThat(Files.readString(file)).contains("&amp; &lt;slow&gt;");
    assertThat(doc.getElementsByTagName("rect").getLength())
        .isGreaterThanOrEqualTo(5); // background + warmup × 4
  }

  @Test
  void unknownValuesBreakTheLineAndTheServersGaugeAppearsWhenItExists() throws Exception {
    List<SoakSample> samples = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      SoakSample s = SoakSampleTest.sample(i * 10, false, i == 3 ? Double.NaN : 10, 600L << 20);
      samples.add(
          new SoakSample(
              s.tSeconds(),
              s.intervalSeconds(),
              s.warmup(),
              s.offeredPerSecond(),
              s.completedPerSecond(),
              s.validCount(),
              s.p50Ms(),
              s.p99Ms(),
              s.p999Ms(),
              s.maxMs(),
              s.grpcP99Ms(),
              s.httpP99Ms(),
              s.grpcStatuses(),
              s.httpStatuses(),
              s.rssBytes(),
              s.heapUsedBytes(),
              s.gcPauseMs(),
              s.gcPauses(),
              s.serverHttpConnections(),
              s.serverGrpcConnections(),
              33,
              s.serverOpenFiles(),
              s.slowOpen(),
              s.slowClosedByServer(),
              s.slowConnects()));
    }
    String svg =
        SoakSvg.render(
            "t",
            "s",
            samples.stream().mapToDouble(SoakSample::tSeconds).toArray(),
            0,
            SoakSuite.panels(samples));
    Document doc = parse(svg.getBytes(StandardCharsets.UTF_8));
    assertThat(attributes(doc, "path", "data-series")).contains("server's own gauge");
    String p99 = pathData(doc, "P99");
    assertThat(p99.chars().filter(c -> c == 'M').count()).isEqualTo(2);
    assertThat(texts(doc, "xlabel")).allMatch(t -> t.equals("time since start (s)"));
  }

  @Test
  void latencySpanningDecadesIsDrawnOnALogScale() throws Exception {
    double[] t = {10, 20, 30};
    SoakSvg.Panel latency =
        new SoakSvg.Panel(
            "Latency", "ms", true, List.of(new SoakSvg.Series("P99", new double[] {5, 10_000, 6})));
    SoakSvg.Panel memory =
        new SoakSvg.Panel(
            "Memory", "MB", false, List.of(new SoakSvg.Series("RSS", new double[] {5, 10_000, 6})));
    Document doc =
        parse(
            SoakSvg.render("t", "s", t, 0, List.of(latency, memory))
                .getBytes(StandardCharsets.UTF_8));
    assertThat(attributes(doc, "g", "data-scale")).containsExactly("log", "linear");
    assertThat(texts(doc, "ytick")).contains("1", "10", "100", "1000", "10000");
  }

  @Test
  void ticksAreRoundNumbersCoveringTheRange() {
    assertThat(SoakSvg.ticks(0, 30, 10)).containsExactly(0, 5, 10, 15, 20, 25, 30);
    assertThat(SoakSvg.ticks(0, 3, 10)).containsExactly(0, 0.5, 1, 1.5, 2, 2.5, 3);
    assertThat(SoakSvg.ticks(0, 743, 5)).containsExactly(0, 200, 400, 600, 800);
    assertThat(SoakSvg.ticks(0, 0, 5)).containsExactly(0, 1);
    assertThat(SoakSvg.format(0.30000000000000004)).isEqualTo("0.3");
    assertThat(SoakSvg.format(2500)).isEqualTo("2500");
  }

  private static Document parse(byte[] svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
  }

  private static List<String> attributes(Document doc, String tag, String attribute) {
    List<String> r = new ArrayList<>();
    NodeList nodes = doc.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (e.hasAttribute(attribute)) {
        r.add(e.getAttribute(attribute));
      }
    }
    return r;
  }

  private static List<String> texts(Document doc, String cssClass) {
    List<String> r = new ArrayList<>();
    NodeList nodes = doc.getElementsByTagName("text");
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (cssClass.equals(e.getAttribute("class"))) {
        r.add(e.getTextContent());
      }
    }
    return r;
  }

  private static String pathData(Document doc, String series) {
    NodeList nodes = doc.getElementsByTagName("path");
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (series.equals(e.getAttribute("data-series"))) {
        return e.getAttribute("d");
      }
    }
    throw new AssertionError("no series " + series);
  }
}
