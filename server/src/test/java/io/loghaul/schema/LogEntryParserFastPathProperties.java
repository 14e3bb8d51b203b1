package io.loghaul.schema;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.bytes.Hex;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The shortcuts the parser and the protobuf codec take for the common case (8-byte string scanning,
 * in-place field names and hex ids, the cheap key hash, skipping re-validation) agree with the
 * byte-by-byte rules they replace.
 */
class LogEntryParserFastPathProperties {
  static final long NOW = 1_795_316_252_000L;

  /** Bytes around every boundary the string scanner cares about. */
  private static final int[] INTERESTING = {
    0x00, 0x01, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x2F, 0x5B, 0x5C, 0x5D, 0x61, 0x7E, 0x7F,
    0x80, 0x81, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xF0, 0xF4, 0xFE, 0xFF
  };

  private final LogEntryParser parser = new LogEntryParser(SchemaLimits.defaults());
  private final LogEntry entry = new LogEntry();

  @Property(tries = 20_000)
  void specialBytesFlagsExactlyTheFirstByteThatNeedsALook(@ForAll long seed) {
    Random random = new Random(seed);
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] =
          (byte)
              (random.nextInt(3) == 0
                  ? random.nextInt(256)
                  : INTERESTING[random.nextInt(INTERESTING.length)]);
    }
    long w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();

    long flags = JsonLexer.specialBytes(w);

    int first = -1;
    for (int i = 0; i < 8 && first < 0; i++) {
      int c = b[i] & 0xFF;
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) {
        first = i;
      }
    }
    if (first < 0) {
      assertThat(flags).isZero();
    } else {
      assertThat(Long.numberOfTrailingZeros(flags) >>> 3).isEqualTo(first);
    }
  }

  @Property(tries = 20_000)
  void hexDigitWordsFlagExactlyTheBytesThatAreNotHexDigits(@ForAll long seed) {
    Random random = new Random(seed);
    byte[] b = new byte[8];
    String hexish = "0123456789abcdefABCDEF/:@G`gxX" + (char) 0x7F;
    for (int i = 0; i < 8; i++) {
      b[i] =
          (byte)
              (random.nextInt(4) == 0
                  ? random.nextInt(256)
                  : hexish.charAt(random.nextInt(hexish.length())));
    }
    long w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();

    long notHex = Hex.notHexDigits(w);
    long letters = Hex.hexLetters(w);

    for (int i = 0; i < 8; i++) {
      int c = b[i] & 0xFF;
      boolean digit = c >= '0' && c <= '9';
      boolean letter = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      assertThat((notHex >>> (8 * i)) & 0xFF)
          .as("byte %02x", c)
          .isEqualTo(digit || letter ? 0L : 0x80L);
      assertThat((letters >>> (8 * i)) & 0xFF).as("byte %02x", c).isEqualTo(letter ? 0x80L : 0L);
    }
  }

  @Property(tries = 3000)
  void hexIdsReadInPlaceMatchTheByteByByteRules(@ForAll long seed, @ForAll boolean span) {
    Random random = new Random(seed);
    int digits = span ? 16 : 32;
    String alphabet = "0123456789abcdefABCDEF";
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      int r = random.nextInt(10);
      id.append(
          r == 0
              ? '0'
              : r == 1
                  ? "gG/:@`xz~ ".charAt(random.nextInt(10))
                  : alphabet.charAt(random.nextInt(alphabet.length())));
    }
    if (random.nextInt(4) == 0) {
      id.setLength(0);
      id.append("0".repeat(digits));
      if (random.nextBoolean()) {
        id.setCharAt(random.nextInt(digits), alphabet.charAt(random.nextInt(alphabet.length())));
      }
    }
    String field = span ? "span_id" : "trace_id";
    byte[] record =
        ("{\"timestamp\":"
                + NOW
                + ",\"service_name\":\"s\",\"level\":\"INFO\",\"message\":\"m\",\""
                + field
                + "\":\""
                + id
                + "\"}")
            .getBytes(UTF_8);

    ParseResult result = parser.parse(record, 0, record.length, NOW, entry);

    boolean hex = id.chars().allMatch(c -> alphabet.indexOf(c) >= 0);
    boolean zero = id.chars().allMatch(c -> c == '0');
    if (!hex) {
      assertThat(result)
          .isEqualTo(
              new Rejected(
                  ErrorType.INVALID_VALUE,
                  "/" + field,
                  field + " \"" + id + "\" is not " + digits + " hex digits"));
    } else if (zero) {
      assertThat(result)
          .isEqualTo(new Rejected(ErrorType.INVALID_VALUE, "/" + field, field + " is all zeros"));
    } else {
      assertThat(result).isSameAs(Accepted.INSTANCE);
      assertThat(span ? entry.spanId() : entry.traceId())
          .isEqualTo(id.toString().toLowerCase(java.util.Locale.ROOT));
    }
  }

  @Property(tries = 3000)
  void stringsAreDecodedTheSameWhereverTheirSpecialBytesFall(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int length) {
    Random random = new Random(seed);
    StringBuilder json = new StringBuilder();
    StringBuilder decoded = new StringBuilder();
    String[] pieces = {"a", "z", " ", "\\\"", "\\\\", "\\n", "\\u00e9", "é", "€", "😀", "/", "~"};
    String[] meaning = {"a", "z", " ", "\"", "\\", "\n", "é", "é", "€", "😀", "/", "~"};
    for (int i = 0; i < length; i++) {
      int k = random.nextInt(4) == 0 ? random.nextInt(pieces.length) : random.nextInt(3);
      json.append(pieces[k]);
      decoded.append(meaning[k]);
    }
    byte[] record =
        ("{\"timestamp\":"
                + NOW
                + ",\"service_name\":\"s\",\"level\":\"INFO\",\"message\":\""
                + json
                + "\",\"attributes\":{\"k\":\""
                + json
                + "\"}}")
            .getBytes(UTF_8);

    assertThat(parser.parse(record, 0, record.length, NOW, entry)).isSameAs(Accepted.INSTANCE);
    assertThat(entry.message()).isEqualTo(decoded.toString());
    assertThat(entry.attributeValue(0)).isEqualTo(decoded.toString());
  }

  @Property(tries = 3000)
  void aRawControlCharacterOrABadUtf8ByteIsFoundAtAnyOffset(
      @ForAll @IntRange(min = 0, max = 30) int at, @ForAll boolean control) {
    String message = "x".repeat(31);
    byte[] record =
        ("{\"timestamp\":"
                + NOW
                + ",\"service_name\":\"s\",\"level\":\"INFO\",\"message\":\""
                + message
                + "\"}")
            .getBytes(UTF_8);
    int messageStart = new String(record, UTF_8).indexOf("xxx");
    record[messageStart + at] = control ? (byte) 0x1F : (byte) 0xC0;

    ParseResult result = parser.parse(record, 0, record.length, NOW, entry);

    assertThat(result).isInstanceOf(Rejected.class);
    Rejected r = (Rejected) result;
    assertThat(r.type()).isEqualTo(control ? ErrorType.JSON_SYNTAX : ErrorType.INVALID_UTF8);
    assertThat(r.message()).endsWith("at byte " + (messageStart + at));
  }

  @Test
  void longAttributeKeysThatShareTheirFirstAndLastBytesAreNotDuplicates() {
    String a = "aaaaaaaaaXbbbbbbbbb";
    String b = "aaaaaaaaaYbbbbbbbbb";
    byte[] record =
        ("{\"timestamp\":"
                + NOW
                + ",\"service_name\":\"s\",\"level\":\"INFO\",\"message\":\"m\","
                + "\"attributes\":{\""
                + a
                + "\":1,\""
                + b
                + "\":{\""
                + a
                + "\":1,\""
                + b
                + "\":2}}}")
            .getBytes(UTF_8);

    assertThat(parser.parse(record, 0, record.length, NOW, entry)).isSameAs(Accepted.INSTANCE);
    assertThat(entry.attributeKey(0)).isEqualTo(a);
    assertThat(entry.attributeKey(1)).isEqualTo(b);
  }

  @Test
  void rejectsADuplicateLongAttributeKey() {
    String a = "aaaaaaaaaXbbbbbbbbb";
    byte[] record =
        ("{\"timestamp\":"
                + NOW
                + ",\"service_name\":\"s\",\"level\":\"INFO\",\"message\":\"m\","
                + "\"attributes\":{\""
                + a
                + "\":1,\"x\":2,\""
                + a
                + "\":3}}")
            .getBytes(UTF_8);

    ParseResult result = parser.parse(record, 0, record.length, NOW, entry);

    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).type()).isEqualTo(ErrorType.DUPLICATE_FIELD);
    assertThat(((Rejected) result).field()).isEqualTo("/attributes/" + a);
  }

  @Test
  void fieldNamesThatOnlyStartLikeSchemaNamesAreUnknown() {
    for (String name :
        new String[] {
          "timestamps", "levels", "messag", "trace_ie", "span", "attributez", "t", "s"
        }) {
      byte[] record = ("{\"" + name + "\":1}").getBytes(UTF_8);

      ParseResult result = parser.parse(record, 0, record.length, NOW, entry);

      assertThat(result).as(name).isInstanceOf(Rejected.class);
      assertThat(((Rejected) result).type()).as(name).isEqualTo(ErrorType.UNKNOWN_FIELD);
      assertThat(((Rejected) result).field()).as(name).isEqualTo("/" + name);
    }
  }

  @Test
  void acceptedProtobufRecordsAllocateNothing() {
    LogEntryProtoCodec codec = new LogEntryProtoCodec(SchemaLimits.defaults());
    byte[] json =
        ("{\"timestamp\":"
                + NOW
                + ",\"service_name\":\"checkout\",\"level\":\"INFO\","
                + "\"message\":\"payment accepted\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                + "\"span_id\":\"00f067aa0ba902b7\",\"attributes\":{\"http.route\":\"/api/cart\",\"http.status\":200,"
                + "\"user\":{\"tier\":\"gold\"}}}")
            .getBytes(UTF_8);
    assertThat(parser.parse(json, 0, json.length, NOW, entry)).isSameAs(Accepted.INSTANCE);
    byte[] proto = LogEntryProtoCodec.encode(entry);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 1000; i++) {
      assertThat(codec.decode(proto, 0, proto.length, NOW, entry)).isSameAs(Accepted.INSTANCE);
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    ParseResult last = null;
    for (int i = 0; i < 10_000; i++) {
      last = codec.decode(proto, 0, proto.length, NOW, entry);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(last).isSameAs(Accepted.INSTANCE);
    // a per-record object would be >= 160,000 bytes here; the slack covers the measuring itself
    assertThat(allocated).isLessThan(10_000);
  }
}
