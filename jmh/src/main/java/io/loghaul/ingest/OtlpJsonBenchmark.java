package io.loghaul.ingest;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.loghaul.loadtest.OtlpRequests;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * OTLP/JSON request body → serialized {@code ExportLogsServiceRequest}, what the HTTP receiver does
 * before {@link OtlpLogDecoder} sees the bytes: {@link OtlpJsonTranscoder} (streaming) against the
 * path it replaced (baseline): Gson tree, hex ids rewritten to base64, protobuf's {@code
 * JsonFormat} parser, {@code toByteArray()}. A request of {@value #RECORDS_PER_REQUEST} records as
 * an SDK sends them (string body, trace context, three attributes, 64-bit integers as strings),
 * bodies of {@code bytesPerRecord}. One operation = one record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OtlpJsonBenchmark {
  static final int RECORDS_PER_REQUEST = 64;
  private static final Pattern ID = Pattern.compile("\"(traceId|spanId)\":\"([A-Za-z0-9+/=]*)\"");
  private static final Gson GSON = new Gson();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  @Param({"300", "1200"})
  public int bytesPerRecord;

  private byte[] json;
  private final OtlpJsonTranscoder transcoder = new OtlpJsonTranscoder();

  @Setup
  public void setUp() throws Exception {
    ExportLogsServiceRequest request =
        OtlpRequests.build(
            7,
            RECORDS_PER_REQUEST,
            RECORDS_PER_REQUEST * bytesPerRecord,
            System.currentTimeMillis() * 1_000_000L);
    json = otlpJson(request).getBytes(StandardCharsets.UTF_8);
    ExportLogsServiceRequest viaTranscoder = ExportLogsServiceRequest.parseFrom(transcode());
    ExportLogsServiceRequest viaGson = ExportLogsServiceRequest.parseFrom(gsonJsonFormat());
    if (!viaTranscoder.equals(request) || !viaGson.equals(request)) {
      throw new IllegalStateException("the two paths disagree on the benchmark's request");
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS_PER_REQUEST)
  public byte[] transcode() throws OtlpJsonException {
    return transcoder.transcode(json, 0, json.length);
  }

  /** What {@code OtlpJson.parseRequest(...).toByteArray()} did until the transcoder replaced it. */
  @Benchmark
  @OperationsPerInvocation(RECORDS_PER_REQUEST)
  public byte[] gsonJsonFormat() throws InvalidProtocolBufferException {
    JsonObject root = GSON.fromJson(new String(json, StandardCharsets.UTF_8), JsonObject.class);
    for (JsonElement rl : members(root, "resourceLogs")) {
      for (JsonElement sl : members(rl, "scopeLogs")) {
        for (JsonElement record : members(sl, "logRecords")) {
          for (String key : new String[] {"traceId", "spanId"}) {
            JsonElement id = record.getAsJsonObject().get(key);
            if (id != null) {
              record
                  .getAsJsonObject()
                  .add(
                      key,
                      new JsonPrimitive(
                          Base64.getEncoder()
                              .encodeToString(HexFormat.of().parseHex(id.getAsString()))));
            }
          }
        }
      }
    }
    ExportLogsServiceRequest.Builder builder = ExportLogsServiceRequest.newBuilder();
    PARSER.merge(root.toString(), builder);
    return builder.build().toByteArray();
  }

  private static JsonArray members(JsonElement parent, String name) {
    JsonElement e = parent.getAsJsonObject().get(name);
    return e != null ? e.getAsJsonArray() : new JsonArray();
  }

  /** The OTLP/JSON an SDK sends: JsonFormat's output with hex ids and enums as numbers. */
  private static String otlpJson(ExportLogsServiceRequest request)
      throws InvalidProtocolBufferException {
    String printed =
        JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts().print(request);
    Matcher m = ID.matcher(printed);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          sb,
          "\""
              + m.group(1)
              + "\":\""
              + HexFormat.of().formatHex(Base64.getDecoder().decode(m.group(2)))
              + "\"");
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
