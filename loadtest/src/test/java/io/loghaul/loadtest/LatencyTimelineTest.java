package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyTimelineTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @TempDir Path tmp;

  @Test
  void countsRequestsSlowOnesAndTheSlowestPerSlotOfIntendedSendTime() throws Exception {
    long from = 1_000 * MS;
    LatencyTimeline timeline = new LatencyTimeline(from, 300 * MS);

    timeline.record(from, 3 * MS);
    timeline.record(from + 99 * MS, 25 * MS);
    timeline.record(from + 150 * MS, 20 * MS); // not over 20 ms
    timeline.record(from + 250 * MS, 70 * MS);
    timeline.record(from - MS, 500 * MS); // warm-up: not in the window
    timeline.record(from + 10_000 * MS, 500 * MS); // after it

    Path csv = tmp.resolve("timeline.csv");
    timeline.writeCsv(csv);
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo("epoch_ms,offset_ms,requests,over_20ms,max_ms");
    assertThat(lines.subList(1, lines.size()))
        .extracting(l -> l.substring(l.indexOf(',') + 1))
        .containsExactly("0,2,1,25.000", "100,1,0,20.000", "200,1,1,70.000", "300,0,0,0.000");
    assertThat(timeline.slowSlots()).isEqualTo(2);
    assertThat(timeline.slots()).isEqualTo(4);
  }
}
