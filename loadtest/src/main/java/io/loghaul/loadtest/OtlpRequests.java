package io.loghaul.loadtest;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.SplittableRandom;

/**
 * Builds OTLP {@code ExportLogsServiceRequest}s like an OpenTelemetry SDK sends them: one resource
 * ({@code service.name} plus two more attributes), one scope, and records with a string body, trace
 * context and three attributes, padded so the encoded request is close to the asked size.
 * Stateless; thread-safe.
 */
public final class OtlpRequests {
  private OtlpRequests() {}

  /**
   * A request of {@code records} log records whose serialized size is about {@code payloadBytes}
   * (never below what the fixed fields need), timestamped {@code timeUnixNano}.
   */
  public static ExportLogsServiceRequest build(
      long seed, int records, int payloadBytes, long timeUnixNano) {
    if (records <= 0) {
      throw new IllegalArgumentException("records: " + records + " (expected: > 0)");
    }
    SplittableRandom random = new SplittableRandom(seed);
    Resource resource =
        Resource.newBuilder()
            .addAttributes(attr("service.name", "checkout"))
            .addAttributes(attr("host.name", "web-" + random.nextInt(16)))
            .addAttributes(attr("service.version", "1.4.2"))
            .build();
    ScopeLogs.Builder scope =
        ScopeLogs.newBuilder()
            .setScope(
                InstrumentationScope.newBuilder().setName("io.loghaul.loadtest").setVersion("1.0"));
    // about 150 bytes of each record are not the body
    int bodyBytes = Math.max(8, payloadBytes / records - 150);
    for (int i = 0; i < records; i++) {
      byte[] trace = new byte[16];
      byte[] span = new byte[8];
      fill(random, trace);
      fill(random, span);
      StringBuilder body = new StringBuilder(bodyBytes);
      body.append("request ").append(i).append(" completed");
      while (body.length() < bodyBytes) {
        body.append(" lorem");
      }
      body.setLength(bodyBytes);
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(timeUnixNano)
              .setObservedTimeUnixNano(timeUnixNano)
              .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
              .setSeverityText("INFO")
              .setBody(AnyValue.newBuilder().setStringValue(body.toString()))
              .setTraceId(ByteString.copyFrom(trace))
              .setSpanId(ByteString.copyFrom(span))
              .addAttributes(attr("http.route", "/api/checkout"))
              .addAttributes(
                  KeyValue.newBuilder()
                      .setKey("http.status_code")
                      .setValue(AnyValue.newBuilder().setIntValue(200)))
              .addAttributes(attr("user.tier", "gold")));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource).addScopeLogs(scope))
        .build();
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static void fill(SplittableRandom random, byte[] b) {
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    b[0] |= 1; // never all zero
  }
}
