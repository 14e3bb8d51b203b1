package io.loghaul.record;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceparentTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void acceptsW3cTraceparentsAndRejectsEverythingElse() {
    assertThat(Traceparent.isValid(VALID)).isTrue();
    assertThat(Traceparent.isValid("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later")).as("later version").isTrue();
    assertThat(Traceparent.isValid(null)).isFalse();
    assertThat(Traceparent.isValid(VALID + "-x")).as("version 00 is exactly 55 chars").isFalse();
    assertThat(Traceparent.isValid("ff" + VALID.substring(2))).as("version ff").isFalse();
    assertThat(Traceparent.isValid(VALID.toUpperCase())).as("upper-case hex").isFalse();
    assertThat(Traceparent.isValid("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isFalse();
    assertThat(Traceparent.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isFalse();
    assertThat(Traceparent.isValid(VALID.replace('-', '_'))).isFalse();
  }

  @Test
  void readsTheSpanContextOfAHeaderValue() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(RecordContract.TRACEPARENT, VALID.getBytes(US_ASCII));
    SpanContext ctx = Traceparent.spanContext(Traceparent.header(headers));
    assertThat(ctx.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(ctx.getSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(ctx.isSampled()).isTrue();
    assertThat(ctx.isRemote()).isTrue();
    assertThat(Traceparent.spanContext(Traceparent.header(new RecordHeaders()))).isNull();
    assertThat(Traceparent.spanContext("garbage".getBytes(US_ASCII))).isNull();
  }

  @Test
  void comparesTraceIdsOnly() {
    byte[] a = VALID.getBytes(US_ASCII);
    byte[] sameTraceOtherSpan = VALID.replace("00f067aa0ba902b7", "1111111111111111").getBytes(US_ASCII);
    byte[] otherTrace = VALID.replace("4bf92f35", "5bf92f35").getBytes(US_ASCII);
    assertThat(Traceparent.sameTrace(a, sameTraceOtherSpan)).isTrue();
    assertThat(Traceparent.sameTrace(a, otherTrace)).isFalse();
    assertThat(Traceparent.sameTrace(a, new byte[3])).isFalse();
  }
}
