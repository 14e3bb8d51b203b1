package io.loghaul.ingest;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

/** Requests and a fixed clock shared by the receiver tests. */
final class OtlpRequests {
  static final long NOW_MILLIS = 1_795_316_252_123L;
  static final long NOW_NANOS = NOW_MILLIS * 1_000_000L;
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW_MILLIS), ZoneOffset.UTC);
  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private OtlpRequests() {}

  static LogRecord record(String message) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(NOW_NANOS)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN)
        .setBody(AnyValue.newBuilder().setStringValue(message))
        .build();
  }

  static LogRecord badRecord() {
    return record("bad").toBuilder().setTraceId(ByteString.copyFrom(new byte[3])).build();
  }

  static ExportLogsServiceRequest request(LogRecord... records) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (LogRecord r : records) {
      scope.addLogRecords(r);
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("checkout"))))
                .addScopeLogs(scope))
        .build();
  }

  /** A valid request larger than {@link RequestWorkers#INLINE_MAX_BYTES}: decoded on a worker. */
  static ExportLogsServiceRequest largerThanInline() {
    LogRecord[] records = new LogRecord[RequestWorkers.INLINE_MAX_BYTES / 1024 + 1];
    Arrays.fill(records, record("x".repeat(1024)));
    return request(records);
  }
}
