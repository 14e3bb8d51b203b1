package io.loghaul.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.loghaul.loadtest.OtlpRequests;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * OTLP → LogEntry: the whole receive step from request bytes (protobuf decode of the request, then
 * map every record) for a request of one record and one of {@value #RECORDS_PER_REQUEST}, and
 * {@link OtlpLogMapper#map} alone of one record of an already decoded request. Records carry ~1 KB
 * string bodies, trace context and resource/scope/log attributes. One operation = one record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OtlpMapBenchmark {
  static final int RECORDS_PER_REQUEST = 64;
  static final int BYTES_PER_RECORD = 1200;

  private byte[] oneRecordRequest;
  private byte[] manyRecordsRequest;
  private ResourceLogs resourceLogs;
  private ScopeLogs scopeLogs;
  private int next;
  private long nowMillis;
  private final LogEntry entry = new LogEntry();
  private final OtlpLogMapper mapper = new OtlpLogMapper(SchemaLimits.defaults());

  @Setup
  public void setUp() {
    nowMillis = System.currentTimeMillis();
    ExportLogsServiceRequest request =
        OtlpRequests.build(7, RECORDS_PER_REQUEST, RECORDS_PER_REQUEST * BYTES_PER_RECORD, nowMillis * 1_000_000L);
    manyRecordsRequest = request.toByteArray();
    oneRecordRequest = OtlpRequests.build(7, 1, BYTES_PER_RECORD, nowMillis * 1_000_000L).toByteArray();
    resourceLogs = request.getResourceLogs(0);
    scopeLogs = resourceLogs.getScopeLogs(0);
    for (LogRecord r : scopeLogs.getLogRecordsList()) {
      if (!(mapper.map(resourceLogs.getResource(), scopeLogs.getScope(), r, 0, nowMillis, entry)
          instanceof Accepted)) {
        throw new IllegalStateException("generated OTLP record rejected");
      }
    }
  }

  @Benchmark
  public ParseResult map() {
    LogRecord r = scopeLogs.getLogRecords(next++ & (RECORDS_PER_REQUEST - 1));
    return mapper.map(resourceLogs.getResource(), scopeLogs.getScope(), r, 0, nowMillis, entry);
  }

  @Benchmark
  public void decodeAndMapOneRecordRequest(Blackhole bh) throws InvalidProtocolBufferException {
    decodeAndMap(oneRecordRequest, bh);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS_PER_REQUEST)
  public void decodeAndMap(Blackhole bh) throws InvalidProtocolBufferException {
    decodeAndMap(manyRecordsRequest, bh);
  }

  private void decodeAndMap(byte[] bytes, Blackhole bh) throws InvalidProtocolBufferException {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(bytes);
    for (ResourceLogs rl : request.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord r : sl.getLogRecordsList()) {
          bh.consume(mapper.map(rl.getResource(), sl.getScope(), r, 0, nowMillis, entry));
        }
      }
    }
  }
}
