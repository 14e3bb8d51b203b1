package io.loghaul.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DependencyWatchTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private final DependencyWatch watch = new DependencyWatch("ClickHouse", "its ping");

  @Test
  void goingAwayIsAWarningAndComingBackIsInfoWithTheOutageLength() {
    assertThat(watch.record(true, 0))
        .isEqualTo(new DependencyWatch.Line(false, "ClickHouse answers its ping"));
    assertThat(watch.record(true, 2 * SECOND)).isNull();

    DependencyWatch.Line away = watch.record(false, 4 * SECOND);
    assertThat(away.warn()).isTrue();
    assertThat(away.text())
        .isEqualTo("ClickHouse does not answer its ping: /readyz answers 503 until it does");

    DependencyWatch.Line back = watch.record(true, 47 * SECOND);
    assertThat(back.warn()).isFalse();
    assertThat(back.text()).isEqualTo("ClickHouse answers its ping again after 43 s");
  }

  @Test
  void whileAwayItRemindsOnceAMinuteNotEveryTurn() {
    watch.record(true, 0);
    assertThat(watch.record(false, SECOND)).isNotNull();
    for (long t = 3; t < 61; t += 2) {
      assertThat(watch.record(false, t * SECOND)).as("turn at %d s", t).isNull();
    }
    DependencyWatch.Line reminder = watch.record(false, 61 * SECOND);
    assertThat(reminder.warn()).isTrue();
    assertThat(reminder.text()).isEqualTo("ClickHouse still does not answer its ping after 60 s");
    assertThat(watch.record(false, 63 * SECOND)).isNull();
  }

  @Test
  void absentAtStartupIsAWarningToo() {
    assertThat(watch.record(false, 0).warn()).isTrue();
  }
}
