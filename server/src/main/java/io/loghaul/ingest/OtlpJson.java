package io.loghaul.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.RetryInfo;
import java.io.IOException;
import java.io.StringWriter;

/**
 * OTLP/JSON (the OTLP spec's JSON encoding) for the HTTP receiver. Requests are transcoded to
 * protobuf bytes by an {@link OtlpJsonTranscoder} per thread (streaming, bounded in depth and in
 * number sizes); replies, which are our own messages, are printed with protobuf's {@link
 * JsonFormat}. Thread-safe.
 */
final class OtlpJson {
  private static final ThreadLocal<OtlpJsonTranscoder> TRANSCODER =
      ThreadLocal.withInitial(OtlpJsonTranscoder::new);
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .usingTypeRegistry(TypeRegistry.newBuilder().add(RetryInfo.getDescriptor()).build());

  private static final JsonFactory JSON = new JsonFactory();

  private OtlpJson() {}

  /**
   * The serialized {@code ExportLogsServiceRequest} of an OTLP/JSON request body.
   *
   * @throws OtlpJsonException when the body is not an OTLP/JSON logs request; the message names the
   *     JSON path
   */
  static byte[] toProtobuf(byte[] body) throws OtlpJsonException {
    return TRANSCODER.get().transcode(body, 0, body.length);
  }

  /**
   * {@code message} as compact proto3 JSON. {@link JsonFormat} escapes {@code < > & = '} as {@code
   * \\uXXXX} (Gson's HTML-safe mode, which it does not let us turn off), so that a message such as
   * {@code expected: <= 1024} would read {@code \\u003c\\u003d}; the printed text is copied through
   * Jackson, which writes those characters as they are.
   */
  static String print(MessageOrBuilder message) {
    String printed;
    try {
      printed = PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
    StringWriter out = new StringWriter(printed.length());
    try (JsonParser parser = JSON.createParser(printed);
        JsonGenerator generator = JSON.createGenerator(out)) {
      parser.nextToken();
      generator.copyCurrentStructure(parser);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot copy the JSON of " + message.getClass().getSimpleName(), e);
    }
    return out.toString();
  }
}
