package io.loghaul.record;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceparentTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void acceptsW3cTraceparentsAndRejectsEverythingElse() {
    assertThat(Traceparent.isValid(VALID)).isTrue();
    assertThat(Traceparent.isValid("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later"))
        .as("later version")
        .isTrue();
    assertThat(Traceparent.isValid(null)).isFalse();
    assertThat(Traceparent.isValid(VALID + "-x")).as("version 00 is exactly 55 chars").isFalse();
    assertThat(Traceparent.isValid("ff" + VALID.substring(2))).as("version ff").isFalse();
    assertThat(Traceparent.isValid(VALID.toUpperCase())).as("upper-case hex").isFalse();
    assertThat(Traceparent.isValid("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
        .isFalse();
    assertThat(Traceparent.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"))
        .isFalse();
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
    byte[] sameTraceOtherSpan =
        VALID.replace("00f067aa0ba902b7", "1111111111111111").getBytes(US_ASCII);
    byte[] otherTrace = VALID.replace("4bf92f35", "5bf92f35").getBytes(US_ASCII);
    assertThat(Traceparent.sameTrace(a, sameTraceOtherSpan)).isTrue();
    assertThat(Traceparent.sameTrace(a, otherTrace)).isFalse();
    assertThat(Traceparent.sameTrace(a, new byte[3])).isFalse();
  }

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";
  private static final String OTEL_VALID = "00-" + TRACE + "-" + SPAN + "-01";

  @Test
  void readsAVersion00Value() {
    SpanContext context = Traceparent.parse(OTEL_VALID);

    assertThat(context).isNotNull();
    assertThat(context.getTraceId()).isEqualTo(TRACE);
    assertThat(context.getSpanId()).isEqualTo(SPAN);
    assertThat(context.isSampled()).isTrue();
    assertThat(context.isRemote()).isTrue();
    assertThat(Traceparent.spanContext(OTEL_VALID.getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(context);
  }

  @Test
  void readsTheFlagsByte() {
    assertThat(Traceparent.parse("00-" + TRACE + "-" + SPAN + "-00").isSampled()).isFalse();
    assertThat(Traceparent.parse("00-" + TRACE + "-" + SPAN + "-ff").getTraceFlags().asByte())
        .isEqualTo((byte) 0xff);
  }

  @Test
  void acceptsLaterVersionsWithMoreFields() {
    assertThat(Traceparent.isValid("01-" + TRACE + "-" + SPAN + "-01")).isTrue();
    assertThat(Traceparent.isValid("cc-" + TRACE + "-" + SPAN + "-01-what-comes-next")).isTrue();
  }

  @Test
  void rejectsVersionFfAndVersion00WithMoreFields() {
    assertThat(Traceparent.isValid("ff-" + TRACE + "-" + SPAN + "-01")).isFalse();
    assertThat(Traceparent.isValid(OTEL_VALID + "-extra")).isFalse();
    assertThat(Traceparent.isValid("0g-" + TRACE + "-" + SPAN + "-01")).isFalse();
    assertThat(Traceparent.isValid("0A-" + TRACE + "-" + SPAN + "-01")).isFalse();
    assertThat(Traceparent.isValid("01-" + TRACE + "-" + SPAN + "-01x")).isFalse();
  }

  @Test
  void rejectsUpperCaseOrNonHexDigitsAndFlags() {
    assertThat(Traceparent.isValid("00-" + TRACE.toUpperCase() + "-" + SPAN + "-01")).isFalse();
    assertThat(Traceparent.isValid("00-" + TRACE + "-" + SPAN.toUpperCase() + "-01")).isFalse();
    assertThat(Traceparent.isValid("00-" + TRACE + "-" + SPAN + "-0A")).isFalse();
    assertThat(Traceparent.isValid("00-" + TRACE + "-" + SPAN + "-0g")).isFalse();
    assertThat(Traceparent.isValid("00-" + TRACE.replace('a', 'x') + "-" + SPAN + "-01")).isFalse();
  }

  @Test
  void rejectsAllZeroIds() {
    assertThat(Traceparent.isValid("00-" + "0".repeat(32) + "-" + SPAN + "-01")).isFalse();
    assertThat(Traceparent.isValid("00-" + TRACE + "-" + "0".repeat(16) + "-01")).isFalse();
  }

  @Test
  void rejectsWrongLengthsAndSeparators() {
    assertThat(Traceparent.isValid(null)).isFalse();
    assertThat(Traceparent.spanContext(null)).isNull();
    assertThat(Traceparent.isValid("")).isFalse();
    assertThat(Traceparent.isValid(OTEL_VALID.substring(0, 54))).isFalse();
    assertThat(Traceparent.isValid(OTEL_VALID.replace('-', '_'))).isFalse();
    assertThat(Traceparent.isValid("00-" + TRACE + SPAN + "--01")).isFalse();
    assertThat(
            Traceparent.spanContext(
                ("00-" + TRACE + "-" + SPAN + "-0\u00e9").getBytes(StandardCharsets.UTF_8)))
        .isNull();
  }

  @Test
  void comparesTraceIdsOfRawValues() {
    byte[] a = OTEL_VALID.getBytes(StandardCharsets.US_ASCII);
    byte[] sameTraceOtherSpan =
        ("00-" + TRACE + "-" + "1".repeat(16) + "-00").getBytes(StandardCharsets.US_ASCII);
    byte[] otherTrace =
        ("00-" + "1".repeat(32) + "-" + SPAN + "-01").getBytes(StandardCharsets.US_ASCII);

    assertThat(Traceparent.sameTrace(a, sameTraceOtherSpan)).isTrue();
    assertThat(Traceparent.sameTrace(a, otherTrace)).isFalse();
    assertThat(Traceparent.sameTrace(a, new byte[10])).isFalse();
  }
}
