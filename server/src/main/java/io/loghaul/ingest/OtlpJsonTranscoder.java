package io.loghaul.ingest;

import static io.loghaul.ingest.OtlpJsonSchema.BOOL;
import static io.loghaul.ingest.OtlpJsonSchema.BYTES;
import static io.loghaul.ingest.OtlpJsonSchema.DOUBLE;
import static io.loghaul.ingest.OtlpJsonSchema.ENUM;
import static io.loghaul.ingest.OtlpJsonSchema.FIXED32;
import static io.loghaul.ingest.OtlpJsonSchema.FIXED64;
import static io.loghaul.ingest.OtlpJsonSchema.FLOAT;
import static io.loghaul.ingest.OtlpJsonSchema.HEX_ID;
import static io.loghaul.ingest.OtlpJsonSchema.INTEGER;
import static io.loghaul.ingest.OtlpJsonSchema.MESSAGE;
import static io.loghaul.ingest.OtlpJsonSchema.S32;
import static io.loghaul.ingest.OtlpJsonSchema.S64;
import static io.loghaul.ingest.OtlpJsonSchema.STRING;
import static io.loghaul.ingest.OtlpJsonSchema.U32;
import static io.loghaul.ingest.OtlpJsonSchema.U64;
import static io.loghaul.ingest.OtlpJsonSchema.VARINT;
import static io.loghaul.ingest.OtlpJsonSchema.ZIGZAG;
import static io.loghaul.ingest.OtlpJsonSchema.varintBytes;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import io.loghaul.bytes.LittleEndian;
import io.loghaul.bytes.Utf8;
import io.loghaul.bytes.Varint;
import io.loghaul.ingest.OtlpJsonSchema.Field;
import io.loghaul.ingest.OtlpJsonSchema.MessageType;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Transcodes an OTLP/JSON logs request (the body of {@code POST /v1/logs} with {@code
 * application/json}) straight into the protobuf wire bytes of the same {@code
 * ExportLogsServiceRequest}, which {@link OtlpLogDecoder} then reads as it reads OTLP/protobuf. No
 * message objects and no JSON tree are built: Jackson's streaming parser is read token by token
 * with an explicit stack, so neither the depth nor the size of the input can overflow the thread's
 * stack, and every number is checked with bounded work before it is converted.
 *
 * <p>The mapping is driven by the protobuf descriptors of the OTLP messages (so a field added to
 * the protos is picked up), with the OTLP/JSON rules on top of proto3 JSON:
 *
 * <table>
 *   <caption>What is accepted</caption>
 *   <tr><th>JSON</th><th>accepted</th><th>rejected (the whole request)</th></tr>
 *   <tr><td>document</td><td>one object, valid UTF-8, nested at most {@value #MAX_DEPTH} levels</td>
 *       <td>empty body, another root type, data after the object, invalid UTF-8, a key twice in one
 *       object, deeper nesting, malformed JSON</td></tr>
 *   <tr><td>field names</td><td>lowerCamelCase ({@code timeUnixNano}) or the proto name ({@code
 *       time_unix_nano}); unknown names are skipped whatever their value</td>
 *       <td>one field given under both names</td></tr>
 *   <tr><td>{@code null}</td><td>as a field value: the field is absent</td><td>as an array element</td></tr>
 *   <tr><td>64- and 32-bit integers ({@code timeUnixNano}, {@code intValue}, {@code flags},
 *       {@code droppedAttributesCount})</td><td>a JSON integer or a string of 1 to 20 decimal digits,
 *       {@code -} in front for signed types only, within the type's range</td><td>a fraction or an
 *       exponent ({@code 1e3}, {@code 1.0}), more digits, out of range, {@code -} on unsigned types,
 *       anything else</td></tr>
 *   <tr><td>{@code severityNumber}</td><td>a 32-bit integer (as number or string), kept as it is
 *       even when no such severity exists (the decoder rejects that record), or an enum name; an
 *       unknown name is ignored like an unknown field (proto3 JSON with unknown fields ignored), so
 *       the record falls back to {@code severityText}</td><td>out of the 32-bit range</td></tr>
 *   <tr><td>{@code doubleValue}</td><td>a JSON number, a number in a string, {@code "NaN"}, {@code
 *       "Infinity"}, {@code "-Infinity"}</td><td>a number too large for a double, other strings</td></tr>
 *   <tr><td>{@code boolValue}</td><td>{@code true}, {@code false}, also as strings</td><td>others</td></tr>
 *   <tr><td>strings</td><td>JSON strings</td><td>other JSON types; an unpaired surrogate escape
 *       ({@code "\ud800"}), which has no UTF-8 form</td></tr>
 *   <tr><td>{@code bytesValue}</td><td>base64, standard or URL-safe alphabet, padded or not</td>
 *       <td>mixed alphabets, other characters, a wrong length or padding</td></tr>
 *   <tr><td>{@code traceId}, {@code spanId}</td><td>hex digits in pairs, either case (any count: a
 *       wrong length is the decoder's per-record {@code invalid_value})</td><td>a value that is not
 *       a string; a string that is not hex in pairs only rejects its record (see below)</td></tr>
 *   <tr><td>messages, repeated fields</td><td>an object, an array</td><td>other JSON types; two
 *       fields of one oneof ({@code AnyValue}) set</td></tr>
 * </table>
 *
 * <p>A {@code traceId} or {@code spanId} that is not hex is a defect of its record only: instead of
 * the id, the record gets the private field {@link OtlpLogDecoder#JSON_ID_NOT_HEX_FIELD}, and the
 * decoder rejects that record as {@code invalid_value} while its neighbours are stored.
 *
 * <p>Output: fields in input order, scalar fields with their default value left out (as protobuf
 * writes them) except where proto3 tracks presence (oneof cases), repeated scalars unpacked (OTLP
 * logs has none; parsers accept both forms), length prefixes as minimal varints.
 *
 * <p>Not thread-safe: it keeps its output buffer between calls (one per thread). Failures are an
 * {@link OtlpJsonException} whose message starts with the JSON path; no other exception escapes for
 * any input.
 */
final class OtlpJsonTranscoder {
  /**
   * The deepest JSON nesting accepted: deep enough for every request whose protobuf form
   * protobuf-java (and so {@link OtlpLogDecoder}) accepts — one message level is at most an array
   * and an object — so OTLP/JSON is never stricter than OTLP/protobuf. Deeper input fails while it
   * is read, before any work is spent on it.
   */
  static final int MAX_DEPTH = 2 * OtlpWireCheck.RECURSION_LIMIT + 1;

  /** The longest JSON number token; an int64 needs 20 characters, a double in full 25. */
  static final int MAX_NUMBER_LENGTH = 64;

  /** Payload bytes quoted in an error message at most. */
  static final int MAX_ECHO_BYTES = 64;

  /** Names in an error's JSON path at most. */
  static final int PATH_PARTS = 8;

  /** Output buffers larger than this are not kept for the next request. */
  static final int RETAINED_BYTES = 1 << 20;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          // canonicalized names are enough for the lookups; interning would put hostile names in
          // the JVM's table
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxNumberLength(MAX_NUMBER_LENGTH)
                  // otlp.max-request-bytes bounds strings; a long one is the schema check's
                  // per-record field_overflow
                  .maxStringLength(Integer.MAX_VALUE)
                  .build())
          // a token quoted in a Jackson message: 16 chars are at most 64 UTF-8 bytes
          .errorReportConfiguration(
              ErrorReportConfiguration.builder()
                  .maxErrorTokenLength(16)
                  .maxRawContentLength(0)
                  .build())
          .build();

  private static final long MAX_U64_DIV_10 = Long.divideUnsigned(-1L, 10);
  private static final int INITIAL_BYTES = 4096;
  private static final int INITIAL_SLOTS = 256;
  private static final byte[] ID_NOT_HEX_TAG =
      varintBytes(OtlpLogDecoder.JSON_ID_NOT_HEX_FIELD << 3);

  private static final MessageType REQUEST =
      MessageType.of(ExportLogsServiceRequest.getDescriptor());

  // the output: the message bytes without the length prefixes of nested messages, which go in at
  // the end, one per slot; slots are in output order because messages open in input order
  private byte[] out = new byte[INITIAL_BYTES];
  private int size;
  private int[] slotPos = new int[INITIAL_SLOTS];
  private int[] slotLen = new int[INITIAL_SLOTS];
  private int slotCount;

  // the stack: one frame per open message (type != null) or repeated field (type == null)
  private final MessageType[] frameType = new MessageType[MAX_DEPTH + 1];
  private final Field[] frameField = new Field[MAX_DEPTH + 1];
  private final String[] frameName = new String[MAX_DEPTH + 1];
  private final int[] frameIndex = new int[MAX_DEPTH + 1];
  private final int[] frameStart = new int[MAX_DEPTH + 1];
  private final int[] frameSlot = new int[MAX_DEPTH + 1];
  private final int[] frameExtra = new int[MAX_DEPTH + 1];
  private final long[] frameSeen = new long[MAX_DEPTH + 1];
  private final long[] frameOneofs = new long[MAX_DEPTH + 1];
  private int depth;

  private JsonParser parser;
  private long parsed; // result of parseInteger
  private boolean parseFailed; // result of parseDouble

  /**
   * The protobuf bytes of the OTLP/JSON request {@code json[offset, offset + length)}.
   *
   * @throws OtlpJsonException when it is not an OTLP/JSON logs request (see the class comment)
   */
  byte[] transcode(byte[] json, int offset, int length) throws OtlpJsonException {
    requireNonNull(json, "json");
    Objects.checkFromIndexSize(offset, length, json.length);
    // RFC 8259 §8.1; checked up front because Jackson decodes some invalid forms (overlong,
    // surrogates)
    if (!Utf8.isValid(json, offset, offset + length)) {
      throw new OtlpJsonException("request body is not valid UTF-8");
    }
    size = 0;
    slotCount = 0;
    depth = 0;
    try (JsonParser p = JSON.createParser(json, offset, length)) {
      parser = p;
      try {
        return transcode(p);
      } catch (JsonProcessingException e) {
        throw malformed(e); // here, while the parser still knows where it stopped
      }
    } catch (IOException e) {
      // byte[] input has no I/O; Jackson declares it anyway
      throw new OtlpJsonException("malformed JSON: " + e.getClass().getSimpleName());
    } finally {
      parser = null;
      Arrays.fill(frameType, null);
      Arrays.fill(frameField, null);
      Arrays.fill(frameName, null);
      if (out.length > RETAINED_BYTES) {
        out = new byte[INITIAL_BYTES];
      }
      if (slotPos.length > RETAINED_BYTES / 8) {
        slotPos = new int[INITIAL_SLOTS];
        slotLen = new int[INITIAL_SLOTS];
      }
    }
  }

  private byte[] transcode(JsonParser p) throws IOException, OtlpJsonException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new OtlpJsonException("empty request body (expected: a JSON object)");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new OtlpJsonException(describe(first) + " (expected: a JSON object)");
    }
    push(REQUEST, null, null, -1);
    run();
    if (p.nextToken() != null) {
      throw new OtlpJsonException("data after the JSON object");
    }
    return assemble();
  }

  /** Reads tokens until the root object closes. */
  private void run() throws IOException, OtlpJsonException {
    JsonParser p = parser;
    while (depth > 0) {
      int d = depth - 1;
      JsonToken token = p.nextToken();
      MessageType type = frameType[d];
      if (type != null) {
        if (token == JsonToken.END_OBJECT) {
          closeMessage();
          continue;
        }
        // in an object Jackson gives a name or the end, or throws
        String name = p.currentName();
        Field f = type.byName.get(name);
        JsonToken value = p.nextToken();
        if (f == null) {
          p.skipChildren(); // iterative; the nesting limit still applies
          continue;
        }
        long bit = 1L << f.index;
        if ((frameSeen[d] & bit) != 0) {
          throw new OtlpJsonException(
              at(name)
                  + ": given twice (also as "
                  + (name.equals(f.jsonName) ? f.protoName : f.jsonName)
                  + ")");
        }
        frameSeen[d] |= bit;
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        if (f.oneof >= 0) {
          long oneofBit = 1L << f.oneof;
          if ((frameOneofs[d] & oneofBit) != 0) {
            throw new OtlpJsonException(
                at(name) + ": a second field of oneof " + f.oneofName + " (expected: one)");
          }
          frameOneofs[d] |= oneofBit;
        }
        if (f.repeated) {
          if (value != JsonToken.START_ARRAY) {
            throw typeError(name, value, "an array");
          }
          push(null, f, name, -1);
        } else if (f.kind == MESSAGE) {
          if (value != JsonToken.START_OBJECT) {
            throw typeError(name, value, "an object");
          }
          openMessage(f, name);
        } else {
          writeScalar(f, value, name, false);
        }
      } else {
        if (token == JsonToken.END_ARRAY) {
          depth--;
          frameExtra[d - 1] += frameExtra[d];
          continue;
        }
        Field f = frameField[d];
        frameIndex[d]++;
        if (token == JsonToken.VALUE_NULL) {
          throw typeError(null, token, f.kind == MESSAGE ? "an object" : f.expected);
        }
        if (f.kind == MESSAGE) {
          if (token != JsonToken.START_OBJECT) {
            throw typeError(null, token, "an object");
          }
          openMessage(f, null);
        } else {
          writeScalar(f, token, null, true);
        }
      }
    }
  }

  private void push(MessageType type, Field field, String name, int slot) {
    int d = depth++;
    frameType[d] = type;
    frameField[d] = field;
    frameName[d] = name;
    frameIndex[d] = 0;
    frameStart[d] = size;
    frameSlot[d] = slot;
    frameExtra[d] = 0;
    frameSeen[d] = 0;
    frameOneofs[d] = 0;
  }

  private void openMessage(Field f, String name) {
    writeBytes(f.tag);
    if (slotCount == slotPos.length) {
      slotPos = Arrays.copyOf(slotPos, slotCount * 2);
      slotLen = Arrays.copyOf(slotLen, slotCount * 2);
    }
    int slot = slotCount++;
    slotPos[slot] = size;
    push(f.message, f, name, slot);
  }

  /**
   * Closes the innermost message: its length is what was written since it opened plus the prefixes
   * of the messages inside it, and its own prefix counts for the enclosing one.
   */
  private void closeMessage() {
    int d = --depth;
    int slot = frameSlot[d];
    if (slot < 0) {
      return; // the request itself has no prefix; frameExtra[0] stays for assemble()
    }
    int length = size - frameStart[d] + frameExtra[d];
    slotLen[slot] = length;
    frameExtra[d - 1] += Varint.size(length & 0xFFFF_FFFFL) + frameExtra[d];
  }

  /**
   * The output with the length prefixes in: one copy, which the caller needed anyway for an array
   * of the exact size. Writing each prefix into a reserved fixed-width slot instead would need
   * non-minimal varints; copying every nested message into its parent would copy each byte once per
   * level.
   */
  private byte[] assemble() {
    byte[] result = new byte[size + frameExtra[0]];
    int from = 0;
    int to = 0;
    for (int s = 0; s < slotCount; s++) {
      int at = slotPos[s];
      System.arraycopy(out, from, result, to, at - from);
      to += at - from;
      from = at;
      to = Varint.put(result, to, slotLen[s] & 0xFFFF_FFFFL);
    }
    System.arraycopy(out, from, result, to, size - from);
    return result;
  }

  // ---- scalars -------------------------------------------------------------------------------

  /**
   * Writes the value {@code token} of {@code f}; {@code name} is the field's name as given, null
   * for an element of a repeated field (whose elements are written even when they are defaults).
   */
  private void writeScalar(Field f, JsonToken token, String name, boolean element)
      throws IOException, OtlpJsonException {
    JsonParser p = parser;
    boolean always = element || f.presence;
    switch (f.kind) {
      case STRING -> {
        if (token != JsonToken.VALUE_STRING) {
          throw typeError(name, token, f.expected);
        }
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        int n = p.getTextLength();
        if (n == 0 && !always) {
          return;
        }
        int utf8 = JsonChars.utf8Length(c, o, n);
        if (utf8 < 0) {
          throw new OtlpJsonException(
              at(name) + ": a string with an unpaired surrogate (expected: valid Unicode)");
        }
        writeBytes(f.tag);
        writeVarint(utf8);
        writeUtf8(c, o, n, utf8);
      }
      case BYTES -> {
        if (token != JsonToken.VALUE_STRING) {
          throw typeError(name, token, f.expected);
        }
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        int n = p.getTextLength();
        int decoded = JsonChars.base64Length(c, o, n);
        if (decoded < 0) {
          throw typeError(name, token, f.expected);
        }
        if (decoded == 0 && !always) {
          return;
        }
        writeBytes(f.tag);
        writeVarint(decoded);
        writeBase64(c, o, decoded);
      }
      case HEX_ID -> {
        if (token != JsonToken.VALUE_STRING) {
          throw typeError(name, token, f.expected);
        }
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        int n = p.getTextLength();
        if (!JsonChars.isHex(c, o, n)) {
          // a defect of this record only: the decoder rejects it and keeps its neighbours
          writeBytes(ID_NOT_HEX_TAG);
          writeVarint(f.number);
          return;
        }
        if (n == 0 && !always) {
          return;
        }
        writeBytes(f.tag);
        writeVarint(n / 2);
        ensure(n / 2);
        for (int i = o; i < o + n; i += 2) {
          out[size++] = (byte) (Character.digit(c[i], 16) << 4 | Character.digit(c[i + 1], 16));
        }
      }
      case BOOL -> {
        // proto3 JSON parsers (JsonFormat among them) take the strings too
        String text = token == JsonToken.VALUE_STRING ? p.getText() : token.asString();
        boolean v = "true".equals(text);
        if (!v && !"false".equals(text)) {
          throw typeError(name, token, f.expected);
        }
        if (v || always) {
          writeBytes(f.tag);
          writeByte(v ? 1 : 0);
        }
      }
      case DOUBLE, FLOAT -> {
        double v = parseDouble(token);
        if (parseFailed || f.kind == FLOAT && Double.isFinite(v) && Float.isInfinite((float) v)) {
          throw typeError(name, token, f.expected);
        }
        if (Double.doubleToRawLongBits(v) == 0 && !always) {
          return;
        }
        writeBytes(f.tag);
        if (f.kind == DOUBLE) {
          writeFixed64(Double.doubleToRawLongBits(v));
        } else {
          writeFixed32(Float.floatToRawIntBits((float) v));
        }
      }
      case ENUM -> {
        if (token == JsonToken.VALUE_STRING) {
          EnumValueDescriptor known = f.enumType.findValueByName(p.getText());
          if (known != null) {
            parsed = known.getNumber();
          } else if (!parseInteger(p, S32)) {
            return; // an unknown name: ignored like an unknown field (proto3 JSON)
          }
        } else if (token != JsonToken.VALUE_NUMBER_INT || !parseInteger(p, S32)) {
          throw typeError(name, token, f.expected);
        }
        if (parsed != 0 || always) {
          writeBytes(f.tag);
          writeVarint(parsed); // negative int32 as 10 bytes, as protobuf writes it
        }
      }
      case INTEGER -> {
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_STRING
            || !parseInteger(p, f.range)) {
          throw typeError(name, token, f.expected);
        }
        long v = parsed;
        if (v == 0 && !always) {
          return;
        }
        writeBytes(f.tag);
        switch (f.encoding) {
          case VARINT -> writeVarint(f.range == U32 ? v & 0xFFFF_FFFFL : v);
          case ZIGZAG ->
              writeVarint(
                  f.range == S32
                      ? ((int) v << 1 ^ (int) v >> 31) & 0xFFFF_FFFFL
                      : v << 1 ^ v >> 63);
          case FIXED64 -> writeFixed64(v);
          case FIXED32 -> writeFixed32((int) v);
          default -> throw new IllegalStateException("encoding: " + f.encoding);
        }
      }
      default -> throw new IllegalStateException("kind: " + f.kind);
    }
  }

  /**
   * A double from a JSON number or string; {@link #parseFailed} when it is neither a number in the
   * double range nor one of the strings proto3 JSON names for NaN and the infinities.
   */
  private double parseDouble(JsonToken token) throws IOException {
    JsonParser p = parser;
    parseFailed = false;
    double v;
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      // Jackson checked the syntax and MAX_NUMBER_LENGTH bounds the work
      v = p.getDoubleValue();
    } else if (token == JsonToken.VALUE_STRING) {
      char[] c = p.getTextCharacters();
      int o = p.getTextOffset();
      int n = p.getTextLength();
      if (JsonChars.equals(c, o, n, "NaN")) {
        return Double.NaN;
      } else if (JsonChars.equals(c, o, n, "Infinity")) {
        return Double.POSITIVE_INFINITY;
      } else if (JsonChars.equals(c, o, n, "-Infinity")) {
        return Double.NEGATIVE_INFINITY;
      } else if (n > MAX_NUMBER_LENGTH || !JsonChars.isJsonNumber(c, o, n)) {
        parseFailed = true;
        return 0;
      }
      v = Double.parseDouble(new String(c, o, n));
    } else {
      parseFailed = true;
      return 0;
    }
    if (Double.isInfinite(v)) {
      parseFailed = true; // finite text past Double.MAX_VALUE
    }
    return v;
  }

  /**
   * Reads the current token (a JSON integer or a string) as a decimal integer of {@code range} into
   * {@link #parsed}: 1 to 20 ASCII digits, {@code -} before them for signed ranges. The digit bound
   * comes first, so the work is constant; no exponent or fraction, so no big-number maths.
   */
  private boolean parseInteger(JsonParser p, int range) throws IOException {
    char[] c = p.getTextCharacters();
    int o = p.getTextOffset();
    int n = p.getTextLength();
    boolean negative = n > 0 && c[o] == '-';
    int i = negative ? o + 1 : o;
    int end = o + n;
    int digits = end - i;
    if (digits < 1 || digits > 20 || negative && (range == U64 || range == U32)) {
      return false;
    }
    long v = 0; // the magnitude, unsigned
    for (; i < end; i++) {
      int digit = c[i] - '0';
      if (digit < 0 || digit > 9) {
        return false;
      }
      if (Long.compareUnsigned(v, MAX_U64_DIV_10) > 0 || v == MAX_U64_DIV_10 && digit > 5) {
        return false; // past 2^64 - 1
      }
      v = v * 10 + digit;
    }
    long max =
        switch (range) {
          case U64 -> -1L;
          case S64 -> negative ? Long.MIN_VALUE : Long.MAX_VALUE;
          case U32 -> 0xFFFF_FFFFL;
          case S32 -> negative ? 0x8000_0000L : 0x7FFF_FFFFL;
          default -> throw new IllegalStateException("range: " + range);
        };
    if (Long.compareUnsigned(v, max) > 0) {
      return false;
    }
    parsed = negative ? -v : v;
    return true;
  }

  private void writeUtf8(char[] c, int o, int n, int utf8Length) {
    ensure(utf8Length);
    byte[] b = out;
    int p = size;
    int end = o + n;
    if (utf8Length == n) {
      for (int i = o; i < end; i++) {
        b[p++] = (byte) c[i];
      }
      size = p;
      return;
    }
    for (int i = o; i < end; i++) {
      char ch = c[i];
      if (ch < 0x80) {
        b[p++] = (byte) ch;
      } else if (ch < 0x800) {
        b[p++] = (byte) (0xC0 | ch >> 6);
        b[p++] = (byte) (0x80 | ch & 0x3F);
      } else if (Character.isSurrogate(ch)) {
        int cp = Character.toCodePoint(ch, c[++i]); // paired: utf8Length checked
        b[p++] = (byte) (0xF0 | cp >> 18);
        b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
        b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
        b[p++] = (byte) (0x80 | cp & 0x3F);
      } else {
        b[p++] = (byte) (0xE0 | ch >> 12);
        b[p++] = (byte) (0x80 | ch >> 6 & 0x3F);
        b[p++] = (byte) (0x80 | ch & 0x3F);
      }
    }
    size = p;
  }

  private void writeBase64(char[] c, int o, int decoded) {
    ensure(decoded);
    byte[] b = out;
    int p = size;
    int end = p + decoded;
    int bits = 0;
    int count = 0;
    for (int i = o; p < end; i++) {
      bits = bits << 6 | JsonChars.BASE64_VALUES[c[i]];
      count += 6;
      if (count >= 8) {
        count -= 8;
        b[p++] = (byte) (bits >> count);
      }
    }
    size = p;
  }

  // ---- output ----------------------------------------------------------------------------------

  private void ensure(int more) {
    if (more > out.length - size) {
      long needed = (long) size + more;
      if (needed > Integer.MAX_VALUE - 8) {
        throw new OutOfMemoryError("OTLP/JSON output over 2 GiB");
      }
      out =
          Arrays.copyOf(
              out, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * out.length)));
    }
  }

  private void writeByte(int b) {
    ensure(1);
    out[size++] = (byte) b;
  }

  private void writeBytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, out, size, b.length);
    size += b.length;
  }

  private void writeVarint(long v) {
    ensure(Varint.MAX_BYTES);
    size = Varint.put(out, size, v);
  }

  private void writeFixed64(long v) {
    ensure(8);
    LittleEndian.putLong(out, size, v);
    size += 8;
  }

  private void writeFixed32(int v) {
    ensure(4);
    LittleEndian.putInt(out, size, v);
    size += 4;
  }

  // ---- errors ----------------------------------------------------------------------------------

  /**
   * The JSON path of {@code leaf} in the open frames, e.g. {@code resourceLogs[0].scopeLogs[1].x};
   * a null leaf is the current element of the innermost repeated field. Names are those of known
   * fields as the client spelled them, never payload; a path of more than {@value #PATH_PARTS}
   * names keeps its first and last ones, joined by {@code ...}.
   */
  private String at(String leaf) {
    List<String> parts = new ArrayList<>();
    for (int d = 1; d < depth; d++) {
      String name = frameName[d];
      if (name != null) { // an element has none: its repeated field's frame names it
        // a repeated field before its first element is just its name
        parts.add(
            frameType[d] == null && frameIndex[d] > 0
                ? name + '[' + (frameIndex[d] - 1) + ']'
                : name);
      }
    }
    if (leaf != null) {
      parts.add(leaf);
    }
    if (parts.isEmpty()) {
      return "(root)";
    }
    if (parts.size() > PATH_PARTS) {
      return String.join(".", parts.subList(0, 3))
          + "..."
          + String.join(".", parts.subList(parts.size() - 4, parts.size()));
    }
    return String.join(".", parts);
  }

  private OtlpJsonException typeError(String name, JsonToken token, String expected)
      throws IOException {
    return new OtlpJsonException(
        at(name) + ": " + describe(token) + " (expected: " + expected + ")");
  }

  /** The token for a message: its text clipped to {@value #MAX_ECHO_BYTES} bytes, or its kind. */
  private String describe(JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NULL -> "null";
      case VALUE_STRING ->
          '"'
              + clip(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength())
              + '"';
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
          clip(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
      default -> token.asString() != null ? token.asString() : token.name();
    };
  }

  /**
   * At most {@value #MAX_ECHO_BYTES} UTF-8 bytes of {@code c[o, o + n)}, control characters
   * escaped.
   */
  private static String clip(char[] c, int o, int n) {
    StringBuilder b = new StringBuilder();
    int bytes = 0;
    for (int i = o; i < o + n; i++) {
      char ch = c[i];
      boolean pair =
          Character.isHighSurrogate(ch) && i + 1 < o + n && Character.isLowSurrogate(c[i + 1]);
      int width = ch < 0x80 ? 1 : ch < 0x800 ? 2 : pair ? 4 : 3;
      if (bytes + width > MAX_ECHO_BYTES) {
        return b.append("...").toString();
      }
      bytes += width;
      if (ch < 0x20 || ch == '"' || ch == '\\') {
        b.append(String.format("\\u%04x", (int) ch));
      } else if (Character.isSurrogate(ch) && !pair) {
        b.append('\ufffd');
      } else {
        b.append(ch);
        if (pair) {
          b.append(c[++i]);
        }
      }
    }
    return b.toString();
  }

  private OtlpJsonException malformed(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    String duplicate = "Duplicate field '";
    if (message.startsWith(duplicate) && message.endsWith("'")) {
      // the one Jackson message that quotes unbounded payload: the key
      String key = message.substring(duplicate.length(), message.length() - 1);
      message =
          "key \"" + clip(key.toCharArray(), 0, key.length()) + "\" given twice in one object";
    } else {
      // no "(for Array starting at [Source: REDACTED; ...])": the path and offset say where
      int source = message.indexOf("[Source:");
      if (source >= 0) {
        int open = message.lastIndexOf(" (", source);
        message = message.substring(0, open >= 0 ? open : source).strip();
      }
      // Jackson's hints name its own settings (`StreamReadConstraints...`), which mean nothing to a
      // client
      int tick = message.indexOf('`');
      if (tick >= 0) {
        message =
            message
                .substring(0, tick)
                .replaceAll("[\\s,;:(]*(from|enable|to allow)?[\\s,;:(]*$", "");
        if (message.lastIndexOf('(') > message.lastIndexOf(')')) {
          message += ")";
        }
      }
      if (message.length() > 200) {
        message = message.substring(0, 200) + "...";
      }
    }
    // constraint violations carry no location; the parser stands where it stopped
    JsonLocation location =
        e.getLocation() != null
            ? e.getLocation()
            : parser != null ? parser.currentLocation() : null;
    long offset = location != null ? location.getByteOffset() : -1;
    return new OtlpJsonException(
        at(null) + ": malformed JSON" + (offset >= 0 ? " at byte " + offset : "") + ": " + message);
  }
}
