package io.loghaul.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.RetryInfo;

/**
 * OTLP/JSON (the OTLP spec's JSON encoding) for the HTTP receiver. Requests are transcoded to
 * protobuf bytes by an {@link OtlpJsonTranscoder} per thread (streaming, bounded in depth and in
 * number sizes); replies, which are our own messages, are printed with protobuf's {@link
 * JsonFormat}. Thread-safe.
 */
final class OtlpJson {
  private static final ThreadLocal<OtlpJsonTranscoder> TRANSCODER = ThreadLocal.withInitial(OtlpJsonTranscoder::new);
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
      .omittingInsignificantWhitespace()
      .usingTypeRegistry(TypeRegistry.newBuilder().add(RetryInfo.getDescriptor()).build());

  private OtlpJson() {}

  /**
   * The serialized {@code ExportLogsServiceRequest} of an OTLP/JSON request body.
   *
   * @throws OtlpJsonException when the body is not an OTLP/JSON logs request; the message names the JSON path
   */
  static byte[] toProtobuf(byte[] body) throws OtlpJsonException {
    return TRANSCODER.get().transcode(body, 0, body.length);
  }

  /** {@code message} as compact proto3 JSON. */
  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }
}
