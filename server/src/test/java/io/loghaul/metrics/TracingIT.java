package io.loghaul.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.clickhouse.Batch;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server's own spans, captured with the SDK's in-memory exporter: one {@code clickhouse.insert}
 * per INSERT attempt with rows, bytes, attempt and links to the traces in the records' {@code
 * traceparent} headers (bounded), and one {@code dlq.produce} per dead letter, linked likewise.
 */
class TracingIT {
  @RegisterExtension static final RealServers servers = new RealServers();
  private InMemorySpanExporter exporter;
  private OpenTelemetrySdk sdk;

  @BeforeEach
  void sdk() {
    exporter = InMemorySpanExporter.create();
    sdk = Telemetry.sdk(exporter, 1.0);
  }

  @AfterEach
  void closeSdk() {
    sdk.close();
  }

  private static String randomHex(int chars) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < chars) {
      sb.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE));
    }
    return sb.substring(0, chars);
  }

  private static RecordHeaders traced(String traceId) {
    RecordHeaders h = new RecordHeaders();
    h.add("traceparent", ("00-" + traceId + "-" + randomHex(16) + "-01").getBytes(UTF_8));
    return h;
  }

  private List<SpanData> spans(String name) {
    sdk.getSdkTracerProvider().forceFlush().join(5, java.util.concurrent.TimeUnit.SECONDS);
    List<SpanData> out = new ArrayList<>();
    for (SpanData s : exporter.getFinishedSpanItems()) {
      if (s.getName().equals(name)) {
        out.add(s);
      }
    }
    return out;
  }

  @Test
  void insertSpanCarriesRowsBytesAttemptAndLinksToTheRecordsTraces() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    List<String> traceIds = List.of(randomHex(32), randomHex(32), randomHex(32));
    try (LoghaulServer loghaul =
        LoghaulServer.start(
            TestLoghaul.config(
                servers,
                "--kafka.topics=" + topic,
                "--clickhouse.table=" + table,
                "--batch.max-delay-ms=2000"),
            sdk)) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < 30; i++) {
        // several records per trace, as one OTLP request produces
        servers
            .kafkaClient()
            .send(
                topic,
                0,
                null,
                LogRecords.valid(now, "svc", i).getBytes(UTF_8),
                traced(traceIds.get(i % 3)));
      }
      servers
          .kafkaClient()
          .send(
              topic,
              0,
              null,
              LogRecords.valid(now, "svc", 99).getBytes(UTF_8),
              new RecordHeaders());
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == 31);
      await().atMost(Duration.ofSeconds(10)).until(() -> !spans("clickhouse.insert").isEmpty());
    }
    List<SpanData> inserts = spans("clickhouse.insert");
    long rows = 0;
    Set<String> linked = new HashSet<>();
    for (SpanData s : inserts) {
      assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(s.getAttributes().get(AttributeKey.longKey("attempt"))).isEqualTo(1L);
      assertThat(s.getAttributes().get(AttributeKey.longKey("bytes"))).isPositive();
      assertThat(s.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
      assertThat(s.getTotalRecordedLinks()).isLessThanOrEqualTo(Batch.MAX_TRACE_LINKS);
      rows += s.getAttributes().get(AttributeKey.longKey("rows"));
      for (LinkData l : s.getLinks()) {
        linked.add(l.getSpanContext().getTraceId());
      }
      assertThat(s.getLinks()).as("one link per distinct trace").hasSizeLessThanOrEqualTo(3);
    }
    assertThat(rows).isEqualTo(31);
    assertThat(linked).containsExactlyInAnyOrderElementsOf(traceIds);
  }

  @Test
  void insertSpanLinksAreBoundedByDistinctTraces() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    int records = Batch.MAX_TRACE_LINKS * 3;
    try (LoghaulServer loghaul =
        LoghaulServer.start(
            TestLoghaul.config(
                servers,
                "--kafka.topics=" + topic,
                "--clickhouse.table=" + table,
                "--batch.max-delay-ms=3000"),
            sdk)) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < records; i++) {
        servers
            .kafkaClient()
            .send(
                topic,
                0,
                null,
                LogRecords.valid(now, "svc", i).getBytes(UTF_8),
                traced(randomHex(32)));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == records);
      await().atMost(Duration.ofSeconds(10)).until(() -> !spans("clickhouse.insert").isEmpty());
    }
    for (SpanData s : spans("clickhouse.insert")) {
      assertThat(s.getLinks()).hasSizeLessThanOrEqualTo(Batch.MAX_TRACE_LINKS);
      long rows = s.getAttributes().get(AttributeKey.longKey("rows"));
      assertThat(s.getLinks()).hasSize((int) Math.min(rows, Batch.MAX_TRACE_LINKS));
    }
  }

  @Test
  void deadLetterSpanLinksToTheRejectedRecordsTrace() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String dlq = KafkaTestClient.uniqueName("dlq");
    String traceId = randomHex(32);
    try (LoghaulServer loghaul =
        LoghaulServer.start(
            TestLoghaul.config(
                servers,
                "--kafka.topics=" + topic,
                "--kafka.dlq-topic=" + dlq,
                "--clickhouse.table=" + KafkaTestClient.uniqueName("t")),
            sdk)) {
      servers.kafkaClient().send(topic, 0, null, "{\"broken\"".getBytes(UTF_8), traced(traceId));
      await().atMost(Duration.ofSeconds(60)).until(() -> !spans("dlq.produce").isEmpty());
    }
    SpanData s = spans("dlq.produce").get(0);
    assertThat(s.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(s.getAttributes().get(AttributeKey.stringKey("error_type")))
        .isEqualTo("json_syntax");
    assertThat(s.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))
        .isEqualTo(dlq);
    assertThat(s.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    assertThat(s.getLinks())
        .extracting(l -> l.getSpanContext().getTraceId())
        .containsExactly(traceId);
  }
}
