package io.loghaul.dlqtools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.loghaul.dlq.DlqHeaders;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DlqStatsAndShowTest {
  private static final long T0 = Instant.parse("2026-12-01T08:00:00Z").toEpochMilli();

  private static ConsumerRecord<byte[], byte[]> letter(
      int partition,
      long offset,
      String type,
      String field,
      String source,
      long failedAt,
      String value) {
    RecordHeaders h = new RecordHeaders();
    h.add(DlqHeaders.ERROR_TYPE, type.getBytes(UTF_8));
    h.add(DlqHeaders.ERROR_MESSAGE, (type + ": details").getBytes(UTF_8));
    h.add(DlqHeaders.ERROR_FIELD, field.getBytes(UTF_8));
    h.add(DlqHeaders.SOURCE_TOPIC, source.getBytes(UTF_8));
    h.add(DlqHeaders.FAILED_AT, Long.toString(failedAt).getBytes(UTF_8));
    return new ConsumerRecord<>(
        "logs.dlq",
        partition,
        offset,
        failedAt,
        TimestampType.CREATE_TIME,
        0,
        0,
        "k".getBytes(UTF_8),
        value == null ? null : value.getBytes(UTF_8),
        h,
        Optional.empty());
  }

  private static DlqStats stats() {
    DlqStats s = new DlqStats("logs.dlq");
    s.add(letter(0, 0, "field_overflow", "/message", "logs", T0 + 5_000, "{}"));
    s.add(letter(1, 0, "field_overflow", "/message", "logs", T0, "{}"));
    s.add(letter(1, 1, "json_syntax", "", "logs", T0 + 60_000, "{"));
    s.add(letter(2, 0, "timestamp_out_of_range", "/timestamp", "app-logs", T0 + 1_000, "{}"));
    return s;
  }

  @Test
  void countsByTypeFieldAndSourceTopicMostFirstWithTheOldestAndNewestFailure() {
    String table = stats().table();
    assertThat(table)
        .startsWith(
            "dead letters in logs.dlq: 4\n"
                + "oldest failed at: 2026-12-01T08:00:00Z\n"
                + "newest failed at: 2026-12-01T08:01:00Z\n");
    assertThat(table)
        .containsPattern("\nfield_overflow +2\njson_syntax +1\ntimestamp_out_of_range +1\n")
        .containsPattern("\n/message +2\n\\(none\\) +1\n/timestamp +1\n")
        .containsPattern("\nlogs +3\napp-logs +1\n");
  }

  @Test
  void writesTheSameAsJson() {
    assertThat(stats().json())
        .isEqualTo(
            "{\"topic\":\"logs.dlq\",\"letters\":4,"
                + "\"oldest_failed_at_ms\":"
                + T0
                + ",\"oldest_failed_at\":\"2026-12-01T08:00:00Z\","
                + "\"newest_failed_at_ms\":"
                + (T0 + 60_000)
                + ",\"newest_failed_at\":\"2026-12-01T08:01:00Z\","
                + "\"by_error_type\":{\"field_overflow\":2,\"json_syntax\":1,\"timestamp_out_of_range\":1},"
                + "\"by_field\":{\"/message\":2,\"(none)\":1,\"/timestamp\":1},"
                + "\"by_source_topic\":{\"logs\":3,\"app-logs\":1}}\n");
    assertThat(new DlqStats("logs.dlq").json())
        .isEqualTo(
            "{\"topic\":\"logs.dlq\",\"letters\":0,"
                + "\"by_error_type\":{},\"by_field\":{},\"by_source_topic\":{}}\n");
  }

  @Test
  void showsTheNewestLettersNewestLastWithHeadersAndAnEscapedValue() {
    DlqShow show = new DlqShow(2);
    show.add(letter(0, 0, "field_overflow", "/message", "logs", T0 + 5_000, "old"));
    show.add(letter(0, 1, "json_syntax", "", "logs", T0 + 60_000, "{\"message\":\"a\nb\""));
    show.add(letter(1, 0, "field_overflow", "/message", "logs", T0 + 30_000, null));

    String out = show.render();

    assertThat(show.letters())
        .extracting(ConsumerRecord::offset, ConsumerRecord::partition)
        .containsExactly(tuple(0L, 1), tuple(1L, 0));
    assertThat(out)
        .startsWith(
            "logs.dlq partition 1 offset 0, failed at 2026-12-01T08:00:30Z, key \"k\"\n"
                + "headers:\n  loghaul.error.type: field_overflow\n")
        .contains("value (null):\n  null\n")
        .contains("value (16 bytes):\n  {\"message\":\"a\\nb\"\n")
        .doesNotContain("old");
    assertThat(new DlqShow(5).render()).isEqualTo("no dead letters\n");
  }
}
