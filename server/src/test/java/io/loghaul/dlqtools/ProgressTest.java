package io.loghaul.dlqtools;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, UTF_8);
  private final AtomicLong nanos = new AtomicLong();

  @Test
  void rewritesOneLineOnATerminalAtMostTwiceASecondAndClearsIt() {
    Progress p = new Progress(out, true, nanos::get);
    p.update("read 1");
    assertThat(bytes.toString(UTF_8)).isEmpty();

    nanos.addAndGet(600_000_000L);
    p.update("read 1000");
    nanos.addAndGet(100_000_000L);
    p.update("read 1100");
    nanos.addAndGet(500_000_000L);
    p.update("read 20");
    p.clear();

    assertThat(bytes.toString(UTF_8)).isEqualTo("\rread 1000\rread 20  \r         \r");
  }

  @Test
  void staysSilentWhenNotATerminal() {
    Progress p = new Progress(out, false, nanos::get);
    nanos.addAndGet(5_000_000_000L);
    p.update("read 1000");
    p.clear();
    assertThat(bytes.toString(UTF_8)).isEmpty();
  }
}
