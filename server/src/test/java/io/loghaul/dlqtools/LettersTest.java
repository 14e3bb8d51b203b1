package io.loghaul.dlqtools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.dlq.DlqHeaders;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class LettersTest {
  private static RecordHeaders headers(String... kv) {
    RecordHeaders h = new RecordHeaders();
    for (int i = 0; i < kv.length; i += 2) {
      h.add(kv[i], kv[i + 1] == null ? null : kv[i + 1].getBytes(UTF_8));
    }
    return h;
  }

  private static List<String> render(Headers h) {
    List<String> out = new ArrayList<>();
    for (Header header : h) {
      out.add(
          header.key()
              + "="
              + (header.value() == null ? "null" : new String(header.value(), UTF_8)));
    }
    return out;
  }

  private static RecordHeaders letter(String... extra) {
    RecordHeaders h = headers("content-type", "application/json", "traceparent", "00-abc-01");
    headers(extra).forEach(x -> h.add(x));
    h.add(DlqHeaders.ERROR_TYPE, "field_overflow".getBytes(UTF_8));
    h.add(DlqHeaders.ERROR_MESSAGE, "message too long".getBytes(UTF_8));
    h.add(DlqHeaders.ERROR_FIELD, "/message".getBytes(UTF_8));
    h.add(DlqHeaders.SOURCE_TOPIC, "logs".getBytes(UTF_8));
    h.add(DlqHeaders.SOURCE_PARTITION, "3".getBytes(UTF_8));
    h.add(DlqHeaders.SOURCE_OFFSET, "17".getBytes(UTF_8));
    h.add(DlqHeaders.SOURCE_TIMESTAMP, "1796084693782".getBytes(UTF_8));
    h.add(DlqHeaders.FAILED_AT, "1796084693904".getBytes(UTF_8));
    return h;
  }

  @Test
  void aReplayKeepsEveryHeaderButTheErrorOnesAndCountsTheReplay() {
    assertThat(render(Letters.replayHeaders(letter())))
        .containsExactly(
            "content-type=application/json",
            "traceparent=00-abc-01",
            "loghaul.source.topic=logs",
            "loghaul.source.partition=3",
            "loghaul.source.offset=17",
            "loghaul.source.timestamp=1796084693782",
            "loghaul.failed.at=1796084693904",
            "loghaul.replay.count=1");
  }

  @Test
  void aSecondReplayIncrementsTheCountItCarriesAndKeepsOneCountHeader() {
    Headers again = Letters.replayHeaders(letter("loghaul.replay.count", "2"));

    assertThat(Letters.replayCount(again)).isEqualTo(3);
    assertThat(render(again)).filteredOn(s -> s.startsWith("loghaul.replay.count")).hasSize(1);
    assertThat(render(again)).noneMatch(s -> s.startsWith("loghaul.error."));
  }

  @Test
  void readsTheLastOccurrenceOfAHeader() {
    RecordHeaders h = letter();
    h.add(DlqHeaders.ERROR_TYPE, "clickhouse_rejected".getBytes(UTF_8));
    h.add(DlqHeaders.FAILED_AT, "1796084699999".getBytes(UTF_8));

    assertThat(Letters.errorType(h)).isEqualTo("clickhouse_rejected");
    assertThat(Letters.failedAt(h, 5)).isEqualTo(1796084699999L);
  }

  @Test
  void countsAMissingOrMalformedReplayCountAsNeverReplayed() {
    assertThat(Letters.replayCount(letter())).isZero();
    assertThat(Letters.replayCount(headers("loghaul.replay.count", "x"))).isZero();
    assertThat(Letters.replayCount(headers("loghaul.replay.count", "-4"))).isZero();
    assertThat(Letters.replayCount(headers("loghaul.replay.count", null))).isZero();
    assertThat(Letters.replayCount(headers("loghaul.replay.count", " 3 "))).isEqualTo(3);
  }

  @Test
  void fallsBackForAMissingOrMalformedFailedAt() {
    assertThat(Letters.failedAt(headers(), 42)).isEqualTo(42);
    assertThat(Letters.failedAt(headers(DlqHeaders.FAILED_AT, "soon"), 42)).isEqualTo(42);
    assertThat(Letters.errorType(headers())).isNull();
  }
}
