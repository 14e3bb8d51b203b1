package io.loghaul.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link OtlpJsonTranscoder} on random requests ({@link RandomOtlp}) in every OTLP/JSON spelling
 * ({@link OtlpJsonForm}): it gives back the message protobuf's JSON printer started from; and on
 * mutated bodies: it either transcodes to bytes the decoder maps as its model says, or throws its
 * typed exception, never anything else.
 */
class OtlpJsonTranscoderProperties {
  private static final byte[] INTERESTING =
      "0123456789eE.-+\"\\{}[],: nultrfaA/\u00e9".getBytes(StandardCharsets.UTF_8);

  private final OtlpJsonTranscoder transcoder = new OtlpJsonTranscoder();

  @Property(tries = 2000)
  void transcodesEveryRandomRequestToTheMessageItWasPrintedFrom(@ForAll long seed)
      throws OtlpJsonException, InvalidProtocolBufferException {
    Random r = new Random(seed);
    ExportLogsServiceRequest request = new RandomOtlp(r).request();
    byte[] json = OtlpJsonForm.random(r).bytes(request);

    byte[] protobuf = transcoder.transcode(json, 0, json.length);

    assertThat(ExportLogsServiceRequest.parseFrom(protobuf)).isEqualTo(request);
  }

  @Property(tries = 3000)
  void mutatedRequestsTranscodeOrFailWithTheTypedException(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int mutations)
      throws InvalidProtocolBufferException {
    Random r = new Random(seed);
    byte[] json = OtlpJsonForm.random(r).bytes(new RandomOtlp(r).request());
    for (int i = 0; i < mutations; i++) {
      json = mutate(json, r);
    }

    byte[] protobuf;
    try {
      protobuf = transcoder.transcode(json, 0, json.length);
    } catch (OtlpJsonException e) {
      Statistics.label("outcome").collect("rejected");
      assertThat(e.getMessage()).isNotBlank();
      // a path, a short problem, at most 64 bytes of payload quoted
      assertThat(e.getMessage().getBytes(StandardCharsets.UTF_8).length)
          .as(e.getMessage())
          .isLessThan(400);
      return;
    }
    Statistics.label("outcome").collect("transcoded");
    // what comes out is a request protobuf-java reads, and the decoder maps as its model says
    OtlpLogDecoderProperties.assertDecodesAsTheModelSays(protobuf, SchemaLimits.defaults());
  }

  private static byte[] mutate(byte[] json, Random r) {
    if (json.length == 0) {
      return new byte[] {INTERESTING[r.nextInt(INTERESTING.length)]};
    }
    int at = r.nextInt(json.length);
    byte value =
        r.nextInt(6) == 0 ? (byte) r.nextInt(256) : INTERESTING[r.nextInt(INTERESTING.length)];
    return switch (r.nextInt(6)) {
      case 0 -> {
        byte[] m = json.clone();
        m[at] = value;
        yield m;
      }
      case 1 -> {
        byte[] m = new byte[json.length + 1];
        System.arraycopy(json, 0, m, 0, at);
        m[at] = value;
        System.arraycopy(json, at, m, at + 1, json.length - at);
        yield m;
      }
      case 2 -> {
        int end = Math.min(json.length, at + 1 + r.nextInt(8));
        byte[] m = new byte[json.length - (end - at)];
        System.arraycopy(json, 0, m, 0, at);
        System.arraycopy(json, end, m, at, json.length - end);
        yield m;
      }
      case 3 -> {
        // a slice again right after itself: repeated keys, nested copies
        int end = Math.min(json.length, at + 1 + r.nextInt(40));
        byte[] m = new byte[json.length + end - at];
        System.arraycopy(json, 0, m, 0, end);
        System.arraycopy(json, at, m, end, json.length - at);
        yield m;
      }
      case 4 -> Arrays.copyOf(json, at);
      default -> {
        // a digit run made longer or an exponent put into it
        byte[] insert =
            (r.nextBoolean() ? "e" + r.nextInt(1_000_000_000) : "9".repeat(1 + r.nextInt(30)))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[json.length + insert.length];
        System.arraycopy(json, 0, m, 0, at);
        System.arraycopy(insert, 0, m, at, insert.length);
        System.arraycopy(json, at, m, at + insert.length, json.length - at);
        yield m;
      }
    };
  }
}
