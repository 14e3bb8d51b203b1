package io.loghaul.clickhouse;

import java.net.http.HttpTimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failed ClickHouse request, classified for the caller: either the server refused the rows
 * themselves ({@link #badData()}: splitting the batch can isolate the bad rows) or anything else
 * ({@link #retryable()}: outage, overload, network trouble, missing table, credentials; retrying
 * later, unchanged, is the right reaction).
 *
 * <p>Classification rests on ClickHouse's numeric error code ({@code Code: N} in the error body;
 * 18.16 writes {@code Code: 27, e.displayText() = ...}, newer servers {@code Code: 27.
 * DB::Exception: ...}). Only the codes in {@link #isBadDataCode(int)} count as bad data; an unknown
 * or missing code is <em>not</em> bad data, so the caller treats it as a retryable outage and never
 * dead-letters rows because of an error it does not understand.
 */
public final class ClickHouseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** How much of the server's error text the message keeps. */
  static final int MAX_SERVER_TEXT = 300;

  private static final Pattern CODE = Pattern.compile("Code: (\\d{1,9})[.,]");

  private final int code;
  private final int httpStatus;
  private final String serverText;

  private ClickHouseException(
      String message, int code, int httpStatus, String serverText, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.httpStatus = httpStatus;
    this.serverText = serverText;
  }

  /** An error reply: HTTP status and the body the server sent. */
  static ClickHouseException fromResponse(String what, int httpStatus, String body) {
    int code = parseCode(body);
    String text = body == null ? "" : body.strip();
    if (text.length() > MAX_SERVER_TEXT) {
      text = text.substring(0, MAX_SERVER_TEXT) + "...";
    }
    return new ClickHouseException(
        what + " failed: HTTP " + httpStatus + (text.isEmpty() ? "" : ": " + text),
        code,
        httpStatus,
        text,
        null);
  }

  /** A request that got no reply (connection refused, reset, timeout, interrupted). */
  static ClickHouseException io(String what, Exception cause) {
    return new ClickHouseException(what + " failed: " + cause, -1, -1, "", cause);
  }

  /** ClickHouse's error code from the body, or -1 when it has none. */
  static int parseCode(String body) {
    if (body == null) {
      return -1;
    }
    Matcher m = CODE.matcher(body);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /**
   * Whether an error code means "these rows are unacceptable", as opposed to a problem of the
   * server, the network, the query or the setup. Researched from ClickHouse's ErrorCodes.cpp and
   * checked against 18.16 where it matters:
   *
   * <ul>
   *   <li>parsing/reading the row stream: 6 CANNOT_PARSE_TEXT, 25 CANNOT_PARSE_ESCAPE_SEQUENCE, 26
   *       CANNOT_PARSE_QUOTED_STRING, 27 CANNOT_PARSE_INPUT_ASSERTION_FAILED, 32
   *       ATTEMPT_TO_READ_AFTER_EOF, 33 CANNOT_READ_ALL_DATA, 38 CANNOT_PARSE_DATE, 41
   *       CANNOT_PARSE_DATETIME, 72 CANNOT_PARSE_NUMBER, 117 INCORRECT_DATA;
   *   <li>values the column type refuses: 36 BAD_ARGUMENTS (18.16: unknown Enum8 value), 691
   *       UNKNOWN_ELEMENT_OF_ENUM (newer servers), 53 TYPE_MISMATCH, 69 ARGUMENT_OUT_OF_BOUND, 70
   *       CANNOT_CONVERT_TYPE, 321 VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE, 349
   *       CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN;
   *   <li>sizes: 128 TOO_LARGE_ARRAY_SIZE, 131 TOO_LARGE_STRING_SIZE, 190
   *       SIZES_OF_ARRAYS_DOESNT_MATCH (Nested key/value arrays of different length);
   *   <li>checks run on the rows by the table or its views: 395 FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
   *       (throwIf), 469 VIOLATED_CONSTRAINT.
   * </ul>
   *
   * <p>Not bad data, on purpose: 40 CHECKSUM_DOESNT_MATCH and 62 SYNTAX_ERROR (our own bug, every
   * half of a split would fail the same way), 252 TOO_MANY_PARTS (overload), 60/81 unknown
   * table/database and 192/193/194/516 credentials (setup; an operator fixes them).
   */
  static boolean isBadDataCode(int code) {
    return switch (code) {
      case 6,
          25,
          26,
          27,
          32,
          33,
          36,
          38,
          41,
          53,
          69,
          70,
          72,
          117,
          128,
          131,
          190,
          321,
          349,
          395,
          469,
          691 ->
          true;
      default -> false;
    };
  }

  /**
   * ClickHouse's error code ({@code Code: N}), or -1 when the reply had none or there was no reply.
   */
  public int code() {
    return code;
  }

  /** The HTTP status of the reply, or -1 when there was no reply (I/O error, timeout). */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Whether the server refused the rows themselves, so splitting the batch can isolate the bad
   * ones. Never true for I/O errors or for unknown codes.
   */
  public boolean badData() {
    return isBadDataCode(code);
  }

  /**
   * Whether sending the same request again later may succeed: every failure that is not {@link
   * #badData()} — I/O errors, timeouts, connection refused, HTTP 5xx, overload (159, 202, 241, 252,
   * ...), read-only tables (164, 242), network codes (209, 210), an unknown insert status (319), a
   * missing table or database (60, 81), credentials (192, 193, 194, 516) and unknown codes. loghaul
   * never drops acknowledged data, so anything it cannot blame on the rows is waited out.
   */
  public boolean retryable() {
    return !badData();
  }

  /** The server's error text (at most 300 characters), or "" when there was no reply. */
  public String serverMessage() {
    return serverText;
  }

  /**
   * A small closed set describing the failure, for the {@code reason} tag of {@code
   * clickhouse_insert_failures_total}: {@code unreachable} (no reply), {@code timeout}, {@code
   * overloaded} (HTTP 503, codes 202, 241, 252), {@code bad_data}, or {@code server_error}.
   */
  public String reason() {
    if (badData()) {
      return "bad_data";
    }
    if (httpStatus < 0) {
      return getCause() instanceof HttpTimeoutException ? "timeout" : "unreachable";
    }
    return switch (code) {
      case 159, 209 -> "timeout";
      case 202, 241, 252 -> "overloaded";
      default -> httpStatus == 503 ? "overloaded" : "server_error";
    };
  }
}
