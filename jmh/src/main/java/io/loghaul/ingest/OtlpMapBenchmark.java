package io.loghaul.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.loghaul.loadtest.OtlpRequests;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
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
 * OTLP → LogEntry from the request bytes, as the receivers do it: {@link OtlpLogDecoder#decode}
 * (wire decode and map of every record) of a request of one record and of one with {@value
 * #RECORDS_PER_REQUEST}. Records carry ~1 KB string bodies, trace context and resource/scope/log
 * attributes. One operation = one record. The baseline is protobuf-java's parse of the same bytes
 * into message objects alone, without any mapping (what the receivers did before the decoder).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OtlpMapBenchmark {
  static final int RECORDS_PER_REQUEST = 64;
  static final int BYTES_PER_RECORD = 1200;

  private byte[] oneRecordRequest;
  private byte[] manyRecordsRequest;
  private long nowMillis;
  private final LogEntry entry = new LogEntry();
  private final OtlpLogDecoder decoder = new OtlpLogDecoder(SchemaLimits.defaults());
  private Blackhole blackhole;
  private final OtlpLogDecoder.RecordSink sink = (result, e) -> blackhole.consume(result);

  @Setup
  public void setUp(Blackhole bh) throws InvalidProtocolBufferException {
    blackhole = bh;
    nowMillis = System.currentTimeMillis();
    manyRecordsRequest =
        OtlpRequests.build(
                7,
                RECORDS_PER_REQUEST,
                RECORDS_PER_REQUEST * BYTES_PER_RECORD,
                nowMillis * 1_000_000L)
            .toByteArray();
    oneRecordRequest =
        OtlpRequests.build(7, 1, BYTES_PER_RECORD, nowMillis * 1_000_000L).toByteArray();
    OtlpLogDecoder.RecordSink check =
        (ParseResult result, LogEntry e) -> {
          if (!(result instanceof Accepted)) {
            throw new IllegalStateException("generated OTLP record rejected: " + result);
          }
        };
    decoder.decode(manyRecordsRequest, 0, manyRecordsRequest.length, 0, nowMillis, entry, check);
    decoder.decode(oneRecordRequest, 0, oneRecordRequest.length, 0, nowMillis, entry, check);
  }

  @Benchmark
  public void decodeAndMapOneRecordRequest() throws InvalidProtocolBufferException {
    decoder.decode(oneRecordRequest, 0, oneRecordRequest.length, 0, nowMillis, entry, sink);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS_PER_REQUEST)
  public void decodeAndMap() throws InvalidProtocolBufferException {
    decoder.decode(manyRecordsRequest, 0, manyRecordsRequest.length, 0, nowMillis, entry, sink);
  }

  @Benchmark
  public ExportLogsServiceRequest protobufJavaParseOneRecordRequest()
      throws InvalidProtocolBufferException {
    return ExportLogsServiceRequest.parseFrom(oneRecordRequest);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS_PER_REQUEST)
  public ExportLogsServiceRequest protobufJavaParse() throws InvalidProtocolBufferException {
    return ExportLogsServiceRequest.parseFrom(manyRecordsRequest);
  }
}
