package io.loghaul.bytes;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TraceparentTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";
  private static final String VALID = "00-" + TRACE + "-" + SPAN + "-01";

  @Test
  void readsAVersion00Value() {
    SpanContext context = Traceparent.parse(VALID);

    assertThat(context).isNotNull();
    assertThat(context.getTraceId()).isEqualTo(TRACE);
    assertThat(context.getSpanId()).isEqualTo(SPAN);
    assertThat(context.isSampled()).isTrue();
    assertThat(context.isRemote()).isTrue();
    assertThat(Traceparent.parse(VALID.getBytes(StandardCharsets.US_ASCII))).isEqualTo(context);
  }

  @Test
  void readsTheFlagsByte() {
    assertThat(Traceparent.parse("00-" + TRACE + "-" + SPAN + "-00").isSampled()).isFalse();
    assertThat(Traceparent.parse("00-" + TRACE + "-" + SPAN + "-ff").getTraceFlags().asByte()).isEqualTo((byte) 0xff);
  }

  @Test
  void acceptsLaterVersionsWithMoreFields() {
    assertThat(Traceparent.isValid("01-" + TRACE + "-" + SPAN + "-01")).isTrue();
    assertThat(Traceparent.isValid("cc-" + TRACE + "-" + SPAN + "-01-what-comes-next")).isTrue();
  }

  @Test
  void rejectsVersionFfAndVersion00WithMoreFields() {
    assertThat(Traceparent.isValid("ff-" + TRACE + "-" + SPAN + "-01")).isFalse();
    assertThat(Traceparent.isValid(VALID + "-extra")).isFalse();
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
    assertThat(Traceparent.parse((byte[]) null)).isNull();
    assertThat(Traceparent.isValid("")).isFalse();
    assertThat(Traceparent.isValid(VALID.substring(0, 54))).isFalse();
    assertThat(Traceparent.isValid(VALID.replace('-', '_'))).isFalse();
    assertThat(Traceparent.isValid("00-" + TRACE + SPAN + "--01")).isFalse();
    assertThat(Traceparent.parse(("00-" + TRACE + "-" + SPAN + "-0\u00e9").getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @Test
  void comparesTraceIdsOfRawValues() {
    byte[] a = VALID.getBytes(StandardCharsets.US_ASCII);
    byte[] sameTraceOtherSpan = ("00-" + TRACE + "-" + "1".repeat(16) + "-00").getBytes(StandardCharsets.US_ASCII);
    byte[] otherTrace = ("00-" + "1".repeat(32) + "-" + SPAN + "-01").getBytes(StandardCharsets.US_ASCII);

    assertThat(Traceparent.sameTrace(a, sameTraceOtherSpan)).isTrue();
    assertThat(Traceparent.sameTrace(a, otherTrace)).isFalse();
    assertThat(Traceparent.sameTrace(a, new byte[10])).isFalse();
  }
}
