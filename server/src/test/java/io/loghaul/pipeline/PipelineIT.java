package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loghaul.LoghaulServer;
import io.loghaul.dlq.DlqHeaders;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.LogRecords;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pipeline end to end against a real Kafka broker and a real clickhouse-server. */
class PipelineIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final RealServers servers = new RealServers();

  private static List<JsonNode> rows(String sql) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : servers.ch().query(sql + " FORMAT JSONEachRow").split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  @Test
  void goodRecordsOfEveryValidFormLandWithExactValues() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    long now = System.currentTimeMillis();
    long nowSec = now / 1000;
    // an RFC 3339 time 1 h ago with a +08:00 offset and 9 fraction digits
    java.time.OffsetDateTime odt =
        java.time.Instant.ofEpochSecond(nowSec - 3600, 123456789)
            .atOffset(java.time.ZoneOffset.ofHours(8));
    String rfc =
        odt.format(
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSxxx"));
    String rfcZ =
        java.time.Instant.ofEpochSecond(nowSec - 60, 5_000_000).toString(); // ...05Z (3 digits)
    Map<String, String> byMessage = new HashMap<>();
    List<String> records =
        List.of(
            // 0: integer millis, all optional fields, every attribute type
            "{\"timestamp\":"
                + now
                + ",\"service_name\":\"checkout\",\"level\":\"INFO\",\"message\":\"m0\","
                + "\"trace_id\":\"4BF92F3577B34DA6A3CE929D0E0E4736\",\"span_id\":\"00F067AA0BA902B7\","
                + "\"attributes\":{\"s\":\"str\",\"i\":200,\"f\":-1.5e3,\"b\":true,\"n\":null,"
                + "\"o\":{\"tier\":\"gold\",\"l\":[1,\"x\"]},\"a\":[]}}",
            // 1: RFC 3339 with offset and nanoseconds, odd key order and whitespace, lower-case
            // level alias
            " {\n\t\"message\" : \"m1\" , \"level\":\"warning\",\r\n \"timestamp\": \""
                + rfc
                + "\", "
                + "\"service_name\":\"svc\" } ",
            // 2: severity number, escapes incl. a surrogate pair and NUL, null optional fields
            "{\"timestamp\":\""
                + rfcZ
                + "\",\"service_name\":\"\\u00e9t\\u00e9\",\"level\":17,"
                + "\"message\":\"m2 \\ud83d\\ude00 \\u0000\\t\\\"q\\\" \\/\",\"trace_id\":null,\"span_id\":null,"
                + "\"attributes\":null}",
            // 3: severity 24 = FATAL, raw UTF-8
            "{\"timestamp\":"
                + now
                + ",\"service_name\":\"日本\",\"level\":24,\"message\":\"m3 ünïcödé\"}");
    try (LoghaulServer loghaul =
        TestLoghaul.start(servers, "--kafka.topics=" + topic, "--clickhouse.table=" + table)) {
      List<RecordMetadata> meta = new ArrayList<>();
      for (String r : records) {
        meta.add(servers.kafkaClient().send(topic, 1, r));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == records.size());
    }
    List<JsonNode> rows =
        rows(
            "SELECT toUnixTimestamp(timestamp) AS ts, timestamp_ns, service_name, "
                + "toString(level) AS level, message, trace_id, span_id, attributes.key AS k, attributes.value AS v, "
                + "kafka_topic, kafka_partition, kafka_offset FROM "
                + table
                + " ORDER BY kafka_offset");
    assertThat(rows).hasSize(4);

    JsonNode r0 = rows.get(0);
    assertThat(r0.get("timestamp_ns").asText()).isEqualTo(Long.toString(now * 1_000_000L));
    assertThat(r0.get("ts").asLong()).isEqualTo(now / 1000);
    assertThat(r0.get("service_name").asText()).isEqualTo("checkout");
    assertThat(r0.get("level").asText()).isEqualTo("INFO");
    assertThat(r0.get("message").asText()).isEqualTo("m0");
    assertThat(r0.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(r0.get("span_id").asText()).isEqualTo("00f067aa0ba902b7");
    assertThat(texts(r0.get("k"))).containsExactly("s", "i", "f", "b", "n", "o", "a");
    assertThat(texts(r0.get("v")))
        .containsExactly(
            "str", "200", "-1.5e3", "true", "null", "{\"tier\":\"gold\",\"l\":[1,\"x\"]}", "[]");
    assertThat(r0.get("kafka_topic").asText()).isEqualTo(topic);
    assertThat(r0.get("kafka_partition").asInt()).isEqualTo(1);
    assertThat(r0.get("kafka_offset").asText()).isEqualTo("0");

    JsonNode r1 = rows.get(1);
    assertThat(r1.get("timestamp_ns").asText())
        .isEqualTo(Long.toString((nowSec - 3600) * 1_000_000_000L + 123456789));
    assertThat(r1.get("level").asText()).isEqualTo("WARN");
    assertThat(r1.get("service_name").asText()).isEqualTo("svc");
    assertThat(r1.get("trace_id").asText()).isEmpty();
    assertThat(texts(r1.get("k"))).isEmpty();

    JsonNode r2 = rows.get(2);
    assertThat(r2.get("timestamp_ns").asText())
        .isEqualTo(Long.toString((nowSec - 60) * 1_000_000_000L + 5_000_000));
    assertThat(r2.get("service_name").asText()).isEqualTo("été");
    assertThat(r2.get("level").asText()).isEqualTo("ERROR");
    assertThat(r2.get("message").asText()).isEqualTo("m2 \uD83D\uDE00 \u0000\t\"q\" /");
    assertThat(r2.get("span_id").asText()).isEmpty();

    JsonNode r3 = rows.get(3);
    assertThat(r3.get("service_name").asText()).isEqualTo("日本");
    assertThat(r3.get("level").asText()).isEqualTo("FATAL");
    assertThat(r3.get("message").asText()).isEqualTo("m3 ünïcödé");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void oneRecordOfEachErrorTypeLandsInTheDlqWithItsHeadersAndOriginalBytes() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String dlq = topic + ".dlq";
    String table = KafkaTestClient.uniqueName("t");
    long now = System.currentTimeMillis();
    String ok = "\"timestamp\":" + now + ",\"service_name\":\"s\",\"level\":\"INFO\"";
    Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
    bad.put(
        "record_too_large",
        ("{" + ok + ",\"message\":\"" + "x".repeat(5000) + "\"}").getBytes(UTF_8));
    byte[] badUtf8 = ("{" + ok + ",\"message\":\"ab\"}").getBytes(UTF_8);
    badUtf8[badUtf8.length - 3] = (byte) 0xC3; // 0xC3 followed by 'b'... an invalid continuation
    bad.put("invalid_utf8", badUtf8);
    bad.put("json_syntax", ("{" + ok + ",\"message\":\"m\"").getBytes(UTF_8));
    bad.put("type_mismatch", "[1,2]".getBytes(UTF_8));
    bad.put("missing_field", ("{" + ok + "}").getBytes(UTF_8));
    bad.put("unknown_field", ("{" + ok + ",\"message\":\"m\",\"colour\":\"red\"}").getBytes(UTF_8));
    bad.put(
        "duplicate_field", ("{" + ok + ",\"message\":\"m\",\"message\":\"n\"}").getBytes(UTF_8));
    bad.put(
        "invalid_value",
        ("{\"timestamp\":" + now + ",\"service_name\":\"s\",\"level\":\"LOUD\",\"message\":\"m\"}")
            .getBytes(UTF_8));
    bad.put(
        "field_overflow",
        ("{\"timestamp\":"
                + now
                + ",\"service_name\":\""
                + "s".repeat(300)
                + "\",\"level\":\"INFO\",\"message\":\"m\"}")
            .getBytes(UTF_8));
    bad.put(
        "timestamp_out_of_range",
        ("{\"timestamp\":"
                + (now / 1000)
                + ",\"service_name\":\"s\",\"level\":\"INFO\",\"message\":\"m\"}")
            .getBytes(UTF_8));
    Map<String, String> expectedField =
        Map.of(
            "missing_field",
            "/message",
            "unknown_field",
            "/colour",
            "duplicate_field",
            "/message",
            "invalid_value",
            "/level",
            "field_overflow",
            "/service_name",
            "timestamp_out_of_range",
            "/timestamp");

    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--kafka.dlq-topic=" + dlq,
            "--clickhouse.table=" + table,
            "--schema.max-record-bytes=4096")) {
      Map<String, RecordMetadata> sent = new HashMap<>();
      int good = 0;
      for (Map.Entry<String, byte[]> e : bad.entrySet()) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("x-origin", ("test-" + e.getKey()).getBytes(UTF_8));
        sent.put(
            e.getKey(),
            servers.kafkaClient().send(topic, 2, "key-" + e.getKey(), e.getValue(), headers));
        servers.kafkaClient().send(topic, 2, LogRecords.valid(now, "good", good++));
      }
      List<ConsumerRecord<byte[], byte[]>> letters =
          servers.kafkaClient().readAll(dlq, bad.size(), Duration.ofSeconds(60));
      assertThat(letters).hasSize(bad.size());
      for (ConsumerRecord<byte[], byte[]> letter : letters) {
        String type = header(letter, DlqHeaders.ERROR_TYPE);
        assertThat(bad).containsKey(type);
        assertThat(letter.value()).as(type).isEqualTo(bad.get(type));
        assertThat(new String(letter.key(), UTF_8)).isEqualTo("key-" + type);
        assertThat(header(letter, "x-origin")).isEqualTo("test-" + type);
        assertThat(header(letter, DlqHeaders.SOURCE_TOPIC)).isEqualTo(topic);
        assertThat(header(letter, DlqHeaders.SOURCE_PARTITION)).isEqualTo("2");
        assertThat(header(letter, DlqHeaders.SOURCE_OFFSET))
            .isEqualTo(Long.toString(sent.get(type).offset()));
        assertThat(header(letter, DlqHeaders.SOURCE_TIMESTAMP))
            .isEqualTo(Long.toString(sent.get(type).timestamp()));
        assertThat(Long.parseLong(header(letter, DlqHeaders.FAILED_AT)))
            .isBetween(now - 1000, now + 120_000);
        String message = header(letter, DlqHeaders.ERROR_MESSAGE);
        assertThat(message).isNotBlank();
        assertThat(message.getBytes(UTF_8).length).isLessThanOrEqualTo(1024);
        assertThat(message)
            .doesNotContain("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        assertThat(header(letter, DlqHeaders.ERROR_FIELD))
            .as(type)
            .isEqualTo(expectedField.getOrDefault(type, ""));
      }
      int goodCount = good;
      await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == goodCount);
      // everything handled: the group's committed offset reaches the end of the partition
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Long.valueOf(2L * bad.size())
                      .equals(
                          servers
                              .kafkaClient()
                              .committed("loghaul")
                              .get(new TopicPartition(topic, 2))));
    }
    assertThat(servers.query("SELECT countIf(service_name != 'good') FROM " + table))
        .isEqualTo("0");
  }

  @Test
  void aTrickleLandsAndIsCommittedRecordByRecordAlthoughBatchesAreLarge() throws Exception {
    // with the default 100,000-row / 48 MiB batches a trickle never fills one: each record must
    // land because its batch is batch.max-delay-ms old (the bound below is generous on purpose)
    String topic = KafkaTestClient.uniqueName("logs");
    String table = KafkaTestClient.uniqueName("t");
    long now = System.currentTimeMillis();
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--clickhouse.table=" + table,
            "--batch.max-delay-ms=300")) {
      TopicPartition tp = new TopicPartition(topic, 0);
      for (int i = 0; i < 4; i++) {
        servers.kafkaClient().send(topic, 0, LogRecords.valid(now, "trickle", i));
        long expected = i + 1;
        await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == expected);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  Long committed = servers.kafkaClient().committed("loghaul").get(tp);
                  return committed != null && committed == expected;
                });
      }
    }
    assertThat(servers.count(table)).isEqualTo(4);
  }

  @Test
  void splitsABatchClickHouseRefusesAndDeadLettersOnlyTheBadRows() throws Exception {
    String topic = KafkaTestClient.uniqueName("logs");
    String dlq = topic + ".dlq";
    String table = KafkaTestClient.uniqueName("t");
    // a user-made table with a check ClickHouse evaluates per row: it refuses "poison" rows as data
    // (a MATERIALIZED column is computed before anything is written, so a refused INSERT writes
    // nothing)
    servers
        .ch()
        .query(
            "CREATE TABLE default."
                + table
                + " (timestamp DateTime('UTC'), timestamp_ns UInt64, "
                + "service_name String, level Enum8('TRACE' = 1, 'DEBUG' = 2, 'INFO' = 3, 'WARN' = 4, 'ERROR' = 5, 'FATAL' = 6), "
                + "message String, trace_id String, span_id String, attributes Nested(key String, value String), "
                + "kafka_topic String, kafka_partition UInt32, kafka_offset UInt64, "
                + "poison UInt8 MATERIALIZED throwIf(message LIKE '%poison%')) "
                + "ENGINE = MergeTree PARTITION BY toDate(timestamp) ORDER BY (service_name, timestamp)");
    long now = System.currentTimeMillis();
    int total = 200;
    List<Integer> poison = List.of(7, 100, 101, 199);
    try (LoghaulServer loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--kafka.dlq-topic=" + dlq,
            "--clickhouse.table=" + table,
            "--clickhouse.create-table=false",
            "--batch.max-delay-ms=2000")) {
      Map<Integer, byte[]> values = new HashMap<>();
      for (int i = 0; i < total; i++) {
        String message = (poison.contains(i) ? "poison-" : "m-") + i;
        byte[] value =
            ("{\"timestamp\":"
                    + now
                    + ",\"service_name\":\"s\",\"level\":\"INFO\",\"message\":\""
                    + message
                    + "\"}")
                .getBytes(UTF_8);
        values.put(i, value);
        // a key and a header of the producer's own, which the dead letter must carry over
        RecordHeaders headers = new RecordHeaders();
        headers.add("x-origin", ("test-" + i).getBytes(UTF_8));
        servers.kafkaClient().send(topic, 0, "key-" + i, value, headers);
      }
      List<ConsumerRecord<byte[], byte[]>> letters =
          servers.kafkaClient().readAll(dlq, poison.size(), Duration.ofSeconds(90));
      assertThat(letters).hasSize(poison.size());
      assertThat(letters)
          .allSatisfy(
              l -> {
                int offset = Integer.parseInt(header(l, DlqHeaders.SOURCE_OFFSET));
                assertThat(header(l, DlqHeaders.ERROR_TYPE)).isEqualTo("clickhouse_rejected");
                assertThat(l.value()).isEqualTo(values.get(offset));
                assertThat(new String(l.key(), UTF_8)).isEqualTo("key-" + offset);
                assertThat(header(l, "x-origin")).isEqualTo("test-" + offset);
                assertThat(header(l, DlqHeaders.ERROR_MESSAGE)).contains("395");
              });
      assertThat(letters)
          .extracting(l -> Integer.parseInt(header(l, DlqHeaders.SOURCE_OFFSET)))
          .containsExactlyInAnyOrderElementsOf(poison);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> servers.count(table) == total - poison.size());
    }
    assertThat(servers.count(table)).isEqualTo(total - poison.size());
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }
}
