package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CompareSuiteTest {
  @Test
  void reportsTheMergesThatFinishedAfterTheTrialsEnd() {
    Map<String, Long> atEnd = Map.of("parts", 1L, "rows", 1_300_000L, "duration_ms", 3_000L);
    Map<String, Long> byNow = Map.of("parts", 3L, "rows", 4_000_000L, "duration_ms", 9_500L);

    assertThat(CompareSuite.mergesSince(atEnd, byNow))
        .contains(Map.of("parts", 2L, "rows", 2_700_000L, "duration_ms", 6_500L));
  }

  @Test
  void countsEveryMergeAsLateWhenNoneHadFinishedAtTheEnd() {
    Map<String, Long> byNow = Map.of("parts", 1L, "rows", 4_000_000L, "duration_ms", 7_000L);

    assertThat(CompareSuite.mergesSince(null, byNow)).contains(byNow);
  }

  @Test
  void reportsNothingWhenNoMergeFinishedAfterTheEnd() {
    Map<String, Long> atEnd = Map.of("parts", 1L, "rows", 1_300_000L, "duration_ms", 3_000L);

    assertThat(CompareSuite.mergesSince(atEnd, atEnd)).isEmpty();
    assertThat(CompareSuite.mergesSince(atEnd, null)).isEmpty();
    assertThat(CompareSuite.mergesSince(null, null)).isEmpty();
  }
}
