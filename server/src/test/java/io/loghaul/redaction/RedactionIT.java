package io.loghaul.redaction;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loghaul.LoghaulServer;
import io.loghaul.dlq.DlqHeaders;
import io.loghaul.record.RecordContract;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryParser;
import io.loghaul.schema.LogEntryProtoCodec;
import io.loghaul.schema.SchemaLimits;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redaction end to end against a real Kafka broker and a real clickhouse-server: secrets sent as
 * Kafka JSON, as the protobuf OTLP ingest writes, and over OTLP/HTTP never reach the table; a dead
 * letter is redacted and marked; the rules file is reloaded while running, a bad version is refused
 * and counted. One server for the whole class; the cases run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedactionIT {
  @RegisterExtension static final RealServers servers = new RealServers();

  private static final String CARD = "4111 1111 1111 1111";
  private static final String CARD2 = "5500000000000004";
  private static final String MAIL = "jane.doe@example.com";
  private static final String PASSWORD = "hunter2-pw-secret";
  private static final String ACCOUNT = "acct-12345678";
  private static final String TOKEN = "tok-9f8e7d6c5b4a";
  private static final String AWS = "AKIAIOSFODNN7EXAMPLE";
  private static final String BEARER = "abc123.DEF456-ghi";
  private static final List<String> SECRETS =
      List.of(CARD, CARD2, MAIL, PASSWORD, ACCOUNT, TOKEN, AWS, BEARER);

  private static final String RULES =
      """
      rules:
        - name: cards
          preset: credit_card
        - name: mails
          preset: email
          action: hash
        - name: secrets
          keys: ["password", "*token*"]
          action: drop
        - name: account-ids
          pattern: 'acct-[0-9]{8}'
          fields: [message, "attributes.user*"]
          action: hash
        - name: aws
          preset: aws_access_key_id
        - name: bearer
          preset: bearer_token
          replacement: "[token]"
      """;

  private static Path rulesFile;
  private static LoghaulServer loghaul;
  private static String topic;
  private static String dlq;
  private static String table;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createDirectories(servers.dir().resolve("redaction"));
    rulesFile = Files.writeString(dir.resolve("rules.yaml"), RULES);
    Path key = Files.writeString(dir.resolve("hash.key"), "it-hash-key-0123456789\n");
    topic = KafkaTestClient.uniqueName("logs");
    dlq = topic + ".dlq";
    table = KafkaTestClient.uniqueName("t");
    loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--kafka.ingest-topic=" + topic,
            "--kafka.dlq-topic=" + dlq,
            "--clickhouse.table=" + table,
            "--otlp.http.port=auto",
            "--redaction.rules-file=" + rulesFile,
            "--redaction.hash-key-file=" + key,
            "--redaction.dead-letters=true");
  }

  @AfterAll
  static void stop() {
    if (loghaul != null) {
      loghaul.close();
    }
  }

  private static String record(String message, String attributes) {
    return "{\"timestamp\":"
        + System.currentTimeMillis()
        + ",\"service_name\":\"svc\",\"level\":\"INFO\","
        + "\"message\":\""
        + message
        + "\",\"attributes\":"
        + attributes
        + "}";
  }

  private static String dump() throws Exception {
    return servers.ch().query("SELECT * FROM " + table + " FORMAT TSV");
  }

  private static String metrics() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + loghaul.adminPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double metric(String text, String sample) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  @Order(1)
  void noOriginalSecretReachesClickHouseFromAnySource() throws Exception {
    // Kafka JSON
    servers
        .kafkaClient()
        .send(
            topic,
            0,
            record(
                "paid with " + CARD + " by " + MAIL + " for " + ACCOUNT,
                "{\"password\":\""
                    + PASSWORD
                    + "\",\"user\":{\"id\":\""
                    + ACCOUNT
                    + "\",\"mail\":\""
                    + MAIL
                    + "\"},"
                    + "\"card\":"
                    + CARD2.replace(" ", "")
                    + ",\"aws\":\""
                    + AWS
                    + "\"}"));
    // Kafka protobuf, as OTLP ingest writes it
    LogEntry e = new LogEntry();
    byte[] json =
        record(
                "Authorization: Bearer " + BEARER + " card " + CARD2,
                "{\"refresh_token\":\"" + TOKEN + "\",\"note\":\"ok\"}")
            .getBytes(UTF_8);
    assertThat(
            new LogEntryParser(SchemaLimits.defaults())
                .parse(json, 0, json.length, System.currentTimeMillis(), e))
        .isSameAs(Accepted.INSTANCE);
    RecordHeaders headers = new RecordHeaders();
    headers.add(RecordContract.CONTENT_TYPE, RecordContract.PROTOBUF.getBytes(UTF_8));
    servers.kafkaClient().send(topic, 1, "k", LogEntryProtoCodec.encode(e), headers);
    // OTLP/HTTP
    String otlp =
        "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
            + "\"value\":{\"stringValue\":\"otlp-svc\"}}]},\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\""
            + System.currentTimeMillis() * 1_000_000L
            + "\",\"severityNumber\":9,\"body\":{\"stringValue\":\"otlp "
            + CARD
            + " from "
            + MAIL
            + "\"},\"attributes\":[{\"key\":\"api_token\",\"value\":{\"stringValue\":\""
            + TOKEN
            + "\"}},{\"key\":\"user.account\",\"value\":{\"stringValue\":\""
            + ACCOUNT
            + "\"}}]}]}]}]}";
    HttpResponse<String> reply =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + loghaul.otlpHttpPort() + "/v1/logs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(otlp))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    // a dead letter carrying a card number
    servers.kafkaClient().send(topic, 2, "{\"message\":\"broken " + CARD + "\"");

    await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == 3);
    String rows = dump();
    for (String secret : SECRETS) {
      assertThat(rows).as("ClickHouse holds no %s", secret).doesNotContain(secret);
    }
    assertThat(rows).contains("paid with ****", "Bearer [token]", "otlp ****", "{\"id\":\"");
    assertThat(rows).doesNotContain("password", "refresh_token", "api_token");

    ConsumerRecord<byte[], byte[]> letter =
        servers.kafkaClient().readAll(dlq, 1, Duration.ofSeconds(60)).get(0);
    assertThat(new String(letter.value(), UTF_8)).isEqualTo("{\"message\":\"broken ****\"");
    assertThat(new String(letter.headers().lastHeader(DlqHeaders.REDACTED).value(), UTF_8))
        .isEqualTo("true");

    String m = metrics();
    assertThat(metric(m, "logs_redacted_total{rule=\"cards\"}")).isGreaterThanOrEqualTo(4);
    assertThat(metric(m, "logs_redacted_total{rule=\"secrets\"}")).isEqualTo(3);
    assertThat(metric(m, "redaction_reload_failures_total")).isEqualTo(0);
  }

  @Test
  @Order(2)
  void aChangedRulesFileIsUsedAndABadOneIsRefusedAndCounted() throws Exception {
    Files.writeString(rulesFile, "rules:\n  - name: cards\n    preset: credit_crad\n");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metric(metrics(), "redaction_reload_failures_total") == 1);
    servers.kafkaClient().send(topic, 0, record("still masked " + CARD + " at 10.1.2.3", "{}"));
    await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == 4);
    assertThat(dump()).contains("still masked **** at 10.1.2.3");

    Files.writeString(rulesFile, "rules:\n  - {name: ips, preset: ipv4, replacement: \"[ip]\"}\n");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metrics().contains("logs_redacted_total{rule=\"ips\"}"));
    servers.kafkaClient().send(topic, 0, record("now " + CARD + " at 10.1.2.3", "{}"));
    await().atMost(Duration.ofSeconds(60)).until(() -> servers.count(table) == 5);
    assertThat(dump()).contains("now " + CARD + " at [ip]");
    // the rules the reload removed took their series with them
    assertThat(metrics())
        .doesNotContain("logs_redacted_total{rule=\"cards\"}")
        .doesNotContain("logs_redacted_total{rule=\"secrets\"}");
  }
}
