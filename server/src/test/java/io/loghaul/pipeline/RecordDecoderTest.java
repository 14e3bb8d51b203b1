package io.loghaul.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.record.RecordContract;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryProtoCodec;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import io.loghaul.testing.LogRecords;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The decoder reads a value where the consumer's buffer holds it: inside a larger array, at an
 * offset, with bytes before and after that are no part of the record and must not be read.
 */
class RecordDecoderTest {
  private static final long NOW = 1_795_316_252_000L;

  private final RecordDecoder decoder = new RecordDecoder(SchemaLimits.defaults());
  private final LogEntry entry = new LogEntry();

  /**
   * {@code bytes} at offset {@code before.length} of a new array, between {@code before} and {@code
   * after}.
   */
  private static byte[] embedded(byte[] before, byte[] bytes, byte[] after) {
    byte[] array = Arrays.copyOf(before, before.length + bytes.length + after.length);
    System.arraycopy(bytes, 0, array, before.length, bytes.length);
    System.arraycopy(after, 0, array, before.length + bytes.length, after.length);
    return array;
  }

  private static Headers contentType(String type) {
    RecordHeaders h = new RecordHeaders();
    h.add(RecordContract.CONTENT_TYPE, type.getBytes(UTF_8));
    return h;
  }

  /** Decodes the slice a {@link BufferView} makes of {@code buffer}, as the pipeline does. */
  private ParseResult decode(ByteBuffer buffer, Headers headers) {
    BufferView view = new BufferView();
    view.of(buffer);
    return decoder.decode(view.array(), view.offset(), view.length(), headers, NOW, entry);
  }

  @Test
  void readsAJsonValueInPlaceAndNothingAroundIt() {
    byte[] json = LogRecords.valid(NOW, "svc", 7).getBytes(UTF_8);
    // a closing brace and more fields after the record: reading past its end is a syntax error
    byte[] array = embedded("{\"x\":".getBytes(UTF_8), json, ",\"y\":1}}".getBytes(UTF_8));
    ByteBuffer whole = ByteBuffer.wrap(array, 2, array.length - 2).slice(); // arrayOffset 2
    ByteBuffer value = whole.position(3).limit(3 + json.length); // position 3

    assertThat(decode(value, new RecordHeaders())).isSameAs(Accepted.INSTANCE);
    assertThat(entry.message()).isEqualTo("m-7");
    assertThat(entry.serviceName()).isEqualTo("svc");
    assertThat(entry.attributeCount()).isEqualTo(2);
    assertThat(value.position()).as("the buffer is left as it was").isEqualTo(3);
    assertThat(decode(value, contentType(RecordContract.JSON + "; charset=utf-8")))
        .isSameAs(Accepted.INSTANCE);
  }

  @Test
  void aJsonRejectionAtAnOffsetIsTheOneOfTheBareValue() {
    byte[] bad = "{\"timestamp\":1,\"junk".getBytes(UTF_8);
    ParseResult bare = decoder.decode(bad, new RecordHeaders(), NOW, entry);
    byte[] array = embedded("xx{".getBytes(UTF_8), bad, "\":1}".getBytes(UTF_8));

    ParseResult inPlace = decoder.decode(array, 3, bad.length, new RecordHeaders(), NOW, entry);

    assertThat(bare).isInstanceOf(Rejected.class);
    assertThat(inPlace).isEqualTo(bare);
  }

  @Test
  void readsAProtobufValueInPlaceAndNothingAroundIt() {
    LogEntry source = new LogEntry();
    byte[] json = LogRecords.valid(NOW, "proto-svc", 9).getBytes(UTF_8);
    assertThat(decoder.decode(json, new RecordHeaders(), NOW, source)).isSameAs(Accepted.INSTANCE);
    byte[] proto = LogEntryProtoCodec.encode(source);
    // a second message field (field 4) right after the record
    byte[] trailing = {0x22, 0x03, 'b', 'a', 'd'};
    byte[] array = embedded(new byte[] {0x22, 0x01, 'x', 0x0a}, proto, trailing);
    ByteBuffer value = ByteBuffer.wrap(array, 1, array.length - 1).slice();
    value.position(3).limit(3 + proto.length);

    assertThat(decode(value, contentType(RecordContract.PROTOBUF))).isSameAs(Accepted.INSTANCE);
    assertThat(entry.message()).isEqualTo("m-9");
    assertThat(entry.serviceName()).isEqualTo("proto-svc");
    assertThat(entry.timestampNanos()).isEqualTo(source.timestampNanos());

    // the trailing field, once counted in, is noticed: reading it is not harmless
    value.limit(3 + proto.length + trailing.length);
    assertThat(decode(value, contentType(RecordContract.PROTOBUF)))
        .isEqualTo(new Rejected(ErrorType.DUPLICATE_FIELD, "/message", "message appears twice"));
  }

  @Test
  void readsDirectAndReadOnlyBuffersThroughACopy() {
    byte[] json = LogRecords.valid(NOW, "svc", 3).getBytes(UTF_8);
    ByteBuffer direct = ByteBuffer.allocateDirect(json.length + 8);
    direct.put("{{{{".getBytes(UTF_8)).put(json).put("}}}}".getBytes(UTF_8)).flip();
    direct.position(4).limit(4 + json.length);
    assertThat(direct.hasArray()).isFalse();
    assertThat(decode(direct, new RecordHeaders())).isSameAs(Accepted.INSTANCE);
    assertThat(entry.message()).isEqualTo("m-3");
    assertThat(direct.position()).isEqualTo(4);

    ByteBuffer readOnly = ByteBuffer.wrap(embedded(new byte[] {'{'}, json, new byte[] {'}'}));
    readOnly = readOnly.position(1).limit(1 + json.length).asReadOnlyBuffer();
    assertThat(readOnly.hasArray()).isFalse();
    assertThat(decode(readOnly, new RecordHeaders())).isSameAs(Accepted.INSTANCE);
    assertThat(entry.message()).isEqualTo("m-3");
  }

  @Test
  void aMissingValueIsATypedRejection() {
    ParseResult result = decode(null, new RecordHeaders());
    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).type()).isEqualTo(ErrorType.JSON_SYNTAX);
  }
}
