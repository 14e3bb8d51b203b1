package io.loghaul.loadtest;

import static java.util.Objects.requireNonNull;

import io.loghaul.schema.ErrorType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates realistic JSON LogEntry records (docs/record-schema.md) for benchmarks: a mix of sizes
 * from about 150 bytes to 2 KB with attributes, trace ids on most records, a few escaped strings,
 * and records that fail the schema in each {@link #BAD_TYPES bad way}. Deterministic for a seed.
 *
 * <p>Not thread-safe. Timestamps lie within a minute before {@code nowMillis}, so a record is valid
 * for the default window for a week after generation.
 */
public final class LogRecordGenerator {
  /** Error types a JSON record can be generated for (clickhouse_rejected comes from the server). */
  public static final List<ErrorType> BAD_TYPES =
      List.of(
          ErrorType.RECORD_TOO_LARGE,
          ErrorType.INVALID_UTF8,
          ErrorType.JSON_SYNTAX,
          ErrorType.TYPE_MISMATCH,
          ErrorType.MISSING_FIELD,
          ErrorType.UNKNOWN_FIELD,
          ErrorType.DUPLICATE_FIELD,
          ErrorType.INVALID_VALUE,
          ErrorType.FIELD_OVERFLOW,
          ErrorType.TIMESTAMP_OUT_OF_RANGE);

  /** Smallest and largest size of {@link #next()} records, bytes (approximate, ±10 %). */
  public static final int MIN_MIXED_BYTES = 150;

  public static final int MAX_MIXED_BYTES = 2048;

  private static final String[] SERVICES = {
    "checkout",
    "payments",
    "frontend",
    "cart",
    "inventory",
    "shipping",
    "auth",
    "search",
    "recommendations",
    "email"
  };
  private static final String[] LEVELS = {
    "INFO", "INFO", "INFO", "INFO", "DEBUG", "DEBUG", "WARN", "ERROR"
  };
  private static final String[] WORDS = {
    "payment",
    "accepted",
    "for",
    "order",
    "request",
    "completed",
    "in",
    "ms",
    "user",
    "session",
    "cache",
    "miss",
    "retrying",
    "upstream",
    "timeout",
    "connection",
    "reset",
    "by",
    "peer",
    "query",
    "returned",
    "rows",
    "shard",
    "latency",
    "budget",
    "exceeded",
    "token",
    "refreshed",
    "item",
    "added",
    "to",
    "cart"
  };
  private static final String[] ROUTES = {
    "/api/cart", "/api/checkout", "/api/orders/{id}", "/login", "/search"
  };
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");

  private final SplittableRandom random;
  private final long nowMillis;
  private final boolean rfc3339Timestamps;
  private long sequence;

  /**
   * A generator.
   *
   * @param rfc3339Timestamps whether about one record in five carries an RFC 3339 string timestamp
   *     (the rest carry epoch milliseconds); off for consumers that understand only numbers
   */
  public LogRecordGenerator(long seed, long nowMillis, boolean rfc3339Timestamps) {
    this.random = new SplittableRandom(seed);
    this.nowMillis = nowMillis;
    this.rfc3339Timestamps = rfc3339Timestamps;
  }

  /** The next record of the realistic size mix (~150 B to 2 KB; most are small). */
  public byte[] next() {
    int r = random.nextInt(100);
    int target;
    if (r < 45) {
      target = 150 + random.nextInt(200);
    } else if (r < 80) {
      target = 350 + random.nextInt(400);
    } else if (r < 95) {
      target = 750 + random.nextInt(650);
    } else {
      target = 1400 + random.nextInt(600);
    }
    return ofSize(target);
  }

  /**
   * The next valid record of about {@code targetBytes} (±30 %; at least what the fixed fields need,
   * ~150).
   */
  public byte[] ofSize(int targetBytes) {
    long id = sequence++;
    StringBuilder sb = new StringBuilder(targetBytes + 64);
    sb.append("{\"timestamp\":");
    long ts = nowMillis - random.nextInt(60_000);
    if (rfc3339Timestamps && random.nextInt(5) == 0) {
      sb.append('"')
          .append(RFC3339.format(Instant.ofEpochMilli(ts).atOffset(ZoneOffset.UTC)))
          .append('"');
    } else {
      sb.append(ts);
    }
    sb.append(",\"service_name\":\"").append(SERVICES[random.nextInt(SERVICES.length)]).append('"');
    sb.append(",\"level\":\"").append(LEVELS[random.nextInt(LEVELS.length)]).append('"');
    sb.append(",\"message\":\"");
    int messageAt = sb.length();
    sb.append(WORDS[random.nextInt(WORDS.length)]).append(' ').append(id);
    boolean traced = random.nextInt(10) < 8;
    // fixed part after the message: ids ~70 bytes, attributes ~60-90 bytes
    int tail = (traced ? 70 : 0) + 90;
    while (sb.length() + tail < targetBytes) {
      sb.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
      if (random.nextInt(40) == 0) {
        sb.append(" \\\"quoted\\\"");
      }
    }
    if (sb.length() - messageAt > 2 && random.nextInt(20) == 0) {
      sb.append(" caf\\u00e9");
    }
    sb.append('"');
    if (traced) {
      sb.append(",\"trace_id\":\"");
      hex(sb, 32);
      sb.append("\",\"span_id\":\"");
      hex(sb, 16);
      sb.append('"');
    }
    sb.append(",\"attributes\":{\"http.route\":\"")
        .append(ROUTES[random.nextInt(ROUTES.length)])
        .append("\",\"http.status\":")
        .append(random.nextInt(10) == 0 ? 500 : 200)
        .append(",\"duration_ms\":")
        .append(random.nextInt(2000));
    if (random.nextInt(4) == 0) {
      sb.append(",\"user\":{\"tier\":\"gold\",\"id\":")
          .append(random.nextInt(1_000_000))
          .append('}');
    }
    sb.append("}}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A record that fails the schema with {@code type} under the default limits (and, for {@link
   * ErrorType#RECORD_TOO_LARGE}, under any {@code schema.max-record-bytes} below {@code
   * tooLargeBytes}).
   *
   * @throws IllegalArgumentException for a type not in {@link #BAD_TYPES}
   */
  public byte[] bad(ErrorType type, int tooLargeBytes) {
    requireNonNull(type, "type");
    long ts = nowMillis - random.nextInt(60_000);
    String valid =
        "\"service_name\":\"checkout\",\"level\":\"INFO\",\"message\":\"bad " + sequence++ + "\"";
    String json =
        switch (type) {
          case RECORD_TOO_LARGE ->
              "{\"timestamp\":"
                  + ts
                  + ","
                  + valid.replace("\"bad ", "\"" + "x".repeat(tooLargeBytes));
          case INVALID_UTF8 -> null;
          case JSON_SYNTAX -> "{\"timestamp\":" + ts + "," + valid;
          case TYPE_MISMATCH ->
              "{\"timestamp\":"
                  + ts
                  + ",\"service_name\":123,\"level\":\"INFO\",\"message\":\"m\"}";
          case MISSING_FIELD ->
              "{\"timestamp\":" + ts + ",\"level\":\"INFO\",\"message\":\"no service\"}";
          case UNKNOWN_FIELD -> "{\"timestamp\":" + ts + "," + valid + ",\"host\":\"web-1\"}";
          case DUPLICATE_FIELD -> "{\"timestamp\":" + ts + "," + valid + ",\"level\":\"WARN\"}";
          case INVALID_VALUE ->
              "{\"timestamp\":"
                  + ts
                  + ",\"service_name\":\"checkout\",\"level\":\"NOTICE\",\"message\":\"m\"}";
          case FIELD_OVERFLOW ->
              "{\"timestamp\":"
                  + ts
                  + ",\"service_name\":\""
                  + "s".repeat(300)
                  + "\",\"level\":\"INFO\",\"message\":\"m\"}";
          // seconds where milliseconds belong: the classic unit mix-up
          case TIMESTAMP_OUT_OF_RANGE -> "{\"timestamp\":" + ts / 1000 + "," + valid + "}";
          default ->
              throw new IllegalArgumentException(
                  "type: " + type + " (expected: one of " + BAD_TYPES + ")");
        };
    if (type == ErrorType.INVALID_UTF8) {
      byte[] b = ("{\"timestamp\":" + ts + "," + valid + "}").getBytes(StandardCharsets.UTF_8);
      // a lone continuation byte inside the message string: the 'b' of "bad"
      b[indexOf(b, "\"bad ".getBytes(StandardCharsets.US_ASCII)) + 1] = (byte) 0x80;
      return b;
    }
    if (type != ErrorType.JSON_SYNTAX && !json.endsWith("}")) {
      json = json + "}";
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] b, byte[] what) {
    outer:
    for (int i = 0; i <= b.length - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException(
        "no '" + new String(what, StandardCharsets.US_ASCII) + "' in the record");
  }

  private void hex(StringBuilder sb, int digits) {
    // never all zero: the first digit is 1..f
    sb.append(HEX[1 + random.nextInt(15)]);
    for (int i = 1; i < digits; i++) {
      sb.append(HEX[random.nextInt(16)]);
    }
  }
}
