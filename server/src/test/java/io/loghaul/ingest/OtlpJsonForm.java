package io.loghaul.ingest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The OTLP/JSON form of a message for the transcoder's tests: protobuf's {@link JsonFormat} output
 * with hex ids, in one of the spellings clients use: lowerCamelCase or proto field names (or a mix
 * per field), 64-bit integers as strings or numbers, enums as names or numbers, bytes in standard
 * or URL-safe base64.
 */
final class OtlpJsonForm {
  private static final Set<String> IDS = Set.of("traceId", "trace_id", "spanId", "span_id");
  private static final Set<String> INT64S =
      Set.of(
          "timeUnixNano",
          "time_unix_nano",
          "observedTimeUnixNano",
          "observed_time_unix_nano",
          "intValue",
          "int_value");
  private static final Set<String> BYTES = Set.of("bytesValue", "bytes_value");

  private final boolean snakeCase;
  private final boolean mixedNames;
  private final boolean numbersAsNumbers;
  private final boolean enumsAsInts;
  private final boolean urlSafeBase64;
  private final Random random;

  OtlpJsonForm(
      boolean snakeCase,
      boolean mixedNames,
      boolean numbersAsNumbers,
      boolean enumsAsInts,
      boolean urlSafeBase64,
      Random random) {
    this.snakeCase = snakeCase;
    this.mixedNames = mixedNames;
    this.numbersAsNumbers = numbersAsNumbers;
    this.enumsAsInts = enumsAsInts;
    this.urlSafeBase64 = urlSafeBase64;
    this.random = random;
  }

  /**
   * The form the OpenTelemetry SDKs send: lowerCamelCase, integers as strings, enums as numbers.
   */
  static OtlpJsonForm standard() {
    return new OtlpJsonForm(false, false, false, true, false, new Random(1));
  }

  static OtlpJsonForm random(Random r) {
    return new OtlpJsonForm(
        r.nextBoolean(), r.nextInt(4) == 0, r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), r);
  }

  String print(Message message) {
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    if (snakeCase) {
      printer = printer.preservingProtoFieldNames();
    }
    if (enumsAsInts) {
      printer = printer.printingEnumsAsInts();
    }
    try {
      JsonElement tree = JsonParser.parseString(printer.print(message));
      return rewrite(tree).toString();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  byte[] bytes(Message message) {
    return print(message).getBytes(StandardCharsets.UTF_8);
  }

  private JsonElement rewrite(JsonElement e) {
    if (e.isJsonArray()) {
      JsonArray a = new JsonArray();
      e.getAsJsonArray().forEach(x -> a.add(rewrite(x)));
      return a;
    }
    if (!e.isJsonObject()) {
      return e;
    }
    JsonObject o = new JsonObject();
    for (Map.Entry<String, JsonElement> field : new ArrayList<>(e.getAsJsonObject().entrySet())) {
      String key = field.getKey();
      JsonElement v = rewrite(field.getValue());
      if (IDS.contains(key)) {
        v =
            new JsonPrimitive(
                HexFormat.of().formatHex(Base64.getDecoder().decode(v.getAsString())));
      } else if (INT64S.contains(key) && numbersAsNumbers) {
        v = new JsonPrimitive(new BigInteger(v.getAsString()));
      } else if (BYTES.contains(key) && urlSafeBase64) {
        v = new JsonPrimitive(v.getAsString().replace('+', '-').replace('/', '_').replace("=", ""));
      }
      if (mixedNames && random.nextBoolean()) {
        key = snakeCase ? camel(key) : snake(key);
      }
      o.add(key, v);
    }
    return o;
  }

  static String snake(String camel) {
    StringBuilder b = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('_').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  static String camel(String snake) {
    StringBuilder b = new StringBuilder();
    boolean upper = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        b.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return b.toString();
  }
}
