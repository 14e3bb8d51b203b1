package io.loghaul.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.loghaul.loadtest.SoakKind.Category;
import io.loghaul.loadtest.SoakKind.Transport;
import io.loghaul.loadtest.SoakRequests.Defect;
import io.loghaul.loadtest.SoakRequests.SoakRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class SoakRequestsTest {
  private static final long NOW = System.currentTimeMillis() * 1_000_000L;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final SoakRequests requests = new SoakRequests(7, 1, 1200, NOW);

  @Test
  void producesEveryKindWithItsTransportsFraming() {
    SplittableRandom random = new SplittableRandom(1);
    for (SoakKind kind : SoakKind.values()) {
      SoakRequest r = requests.next(kind, random);
      assertThat(r.kind()).isEqualTo(kind);
      assertThat(r.body()).as(kind.label()).isNotEmpty();
      if (kind.transport == Transport.GRPC) {
        assertThat(r.contentType()).isNull();
      } else {
        assertThat(r.contentType()).as(kind.label()).isNotNull();
      }
    }
  }

  @Test
  void validBodiesAreTheSameRequestAsProtobufAndAsOtlpJson() throws Exception {
    SplittableRandom random = new SplittableRandom(1);
    ExportLogsServiceRequest protobuf =
        ExportLogsServiceRequest.parseFrom(
            requests.next(SoakKind.VALID_HTTP_PROTOBUF, random).body());
    byte[] json = requests.next(SoakKind.VALID_HTTP_JSON, random).body();
    assertThat(requests.next(SoakKind.VALID_HTTP_JSON, random).contentType())
        .isEqualTo(SoakRequests.JSON);
    assertThat(fromOtlpJson(json)).isEqualTo(protobuf);
    assertThat(
            ExportLogsServiceRequest.parseFrom(requests.next(SoakKind.VALID_GRPC, random).body()))
        .isEqualTo(protobuf);
    assertThat(
            MAPPER.readTree(json).at("/resourceLogs/0/scopeLogs/0/logRecords/0/traceId").asText())
        .matches("[0-9a-f]{32}");
  }

  @Test
  void partialRequestsBreakOneRecordOrOneResourceAndKeepTheRest() {
    ExportLogsServiceRequest old =
        SoakRequests.partial(3, 4, 1200, NOW, Defect.TIMESTAMP_OUT_OF_RANGE);
    assertThat(records(old))
        .filteredOn(r -> r.getTimeUnixNano() < NOW - TimeUnit.DAYS.toNanos(7))
        .hasSize(1);
    assertThat(records(old)).filteredOn(r -> r.getTimeUnixNano() == NOW).hasSize(3);

    ExportLogsServiceRequest trace =
        SoakRequests.partial(3, 4, 1200, NOW, Defect.BAD_TRACE_ID_LENGTH);
    assertThat(records(trace)).filteredOn(r -> r.getTraceId().size() == 15).hasSize(1);
    assertThat(records(trace)).filteredOn(r -> r.getTraceId().size() == 16).hasSize(3);

    ExportLogsServiceRequest name = SoakRequests.partial(3, 4, 1200, NOW, Defect.LONG_SERVICE_NAME);
    assertThat(name.getResourceLogsCount()).isEqualTo(2);
    assertThat(name.getResourceLogs(1).getResource().getAttributes(0).getValue().getStringValue())
        .hasSize(300);
    assertThat(name.getResourceLogs(0).getResource().getAttributes(0).getValue().getStringValue())
        .isEqualTo("checkout");
  }

  @Test
  void partialJsonBodiesCarryTheDefectToo() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    boolean sawShortTrace = false;
    for (int i = 0; i < 200 && !sawShortTrace; i++) {
      JsonNode root = MAPPER.readTree(requests.next(SoakKind.PARTIAL_HTTP_JSON, random).body());
      for (JsonNode record : root.at("/resourceLogs/0/scopeLogs/0/logRecords")) {
        sawShortTrace |= record.get("traceId").asText().length() == 30;
      }
    }
    assertThat(sawShortTrace).isTrue();
  }

  @Test
  void mutationsChangeOneToFourBytes() {
    byte[] valid = new byte[200];
    Arrays.fill(valid, (byte) 'a');
    SplittableRandom random = new SplittableRandom(3);
    int changed = 0;
    for (int i = 0; i < 100; i++) {
      byte[] m = SoakRequests.mutate(valid, random);
      assertThat(m.length).isBetween(valid.length - 4, valid.length + 4);
      changed += Arrays.equals(m, valid) ? 0 : 1;
    }
    // replacing an 'a' with a random byte keeps it 1 time in 256, deletions of an 'a' look alike
    // only in length
    assertThat(changed).isGreaterThan(90);
  }

  @Test
  void truncationsAreStrictPrefixes() {
    byte[] valid = "0123456789".getBytes(StandardCharsets.US_ASCII);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 50; i++) {
      byte[] t = SoakRequests.truncate(valid, random);
      assertThat(t.length).isBetween(1, valid.length - 1);
      assertThat(valid).startsWith(t);
    }
  }

  @Test
  void hugeExponentIsTheNumberOfIssue16InAValidRequest() throws Exception {
    SoakRequest r = requests.next(SoakKind.HUGE_EXPONENT, new SplittableRandom(1));
    assertThat(r.contentType()).isEqualTo(SoakRequests.JSON);
    JsonNode root = MAPPER.readTree(r.body());
    assertThat(root.at("/resourceLogs/0/scopeLogs/0/logRecords/0/timeUnixNano").asText())
        .isEqualTo("179608245e157969341");
  }

  @Test
  void deepNestingIsFiveThousandLevels() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 10; i++) {
      byte[] body = requests.next(SoakKind.DEEP_NESTING, random).body();
      assertThat(depth(body)).isGreaterThanOrEqualTo(SoakRequests.NESTING_DEPTH);
    }
    assertThat(depth(SoakRequests.nestedArrays(10))).isEqualTo(11);
  }

  @Test
  void badGzipClaimsGzipAndIsNot() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 20; i++) {
      SoakRequest r = requests.next(SoakKind.BAD_GZIP, random);
      assertThat(r.contentEncoding()).isEqualTo("gzip");
      assertThatThrownBy(
              () -> new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes())
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void wrongContentTypeIsNeitherProtobufNorJson() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 20; i++) {
      assertThat(requests.next(SoakKind.WRONG_CONTENT_TYPE, random).contentType())
          .isNotIn(SoakRequests.PROTOBUF, SoakRequests.JSON);
    }
  }

  @Test
  void everyMalformedKindDiffersFromTheValidBody() {
    SplittableRandom random = new SplittableRandom(9);
    byte[] validProtobuf = requests.validProtobuf();
    for (SoakKind kind : SoakKind.values()) {
      if (kind.category != Category.MALFORMED
          || kind == SoakKind.WRONG_CONTENT_TYPE
          || kind == SoakKind.BAD_GZIP) {
        continue;
      }
      assertThat(requests.next(kind, random).body()).as(kind.label()).isNotEqualTo(validProtobuf);
    }
  }

  private static int depth(byte[] json) {
    int depth = 0;
    int max = 0;
    for (byte b : json) {
      if (b == '[' || b == '{') {
        max = Math.max(max, ++depth);
      } else if (b == ']' || b == '}') {
        depth--;
      }
    }
    return max;
  }

  private static Iterable<LogRecord> records(ExportLogsServiceRequest r) {
    return r.getResourceLogs(0).getScopeLogs(0).getLogRecordsList();
  }

  /** OTLP/JSON → protobuf the way the server does it: hex ids to base64, then proto3 JSON. */
  private static ExportLogsServiceRequest fromOtlpJson(byte[] json) throws Exception {
    JsonNode root = MAPPER.readTree(json);
    for (JsonNode rl : root.get("resourceLogs")) {
      for (JsonNode sl : rl.get("scopeLogs")) {
        for (JsonNode lr : sl.get("logRecords")) {
          for (String id : new String[] {"traceId", "spanId"}) {
            ((ObjectNode) lr)
                .put(
                    id,
                    Base64.getEncoder()
                        .encodeToString(HexFormat.of().parseHex(lr.get(id).asText())));
          }
        }
      }
    }
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    JsonFormat.parser().merge(root.toString(), b);
    return b.build();
  }
}
