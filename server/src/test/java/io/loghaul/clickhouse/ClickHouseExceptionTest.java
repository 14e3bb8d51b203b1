package io.loghaul.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClickHouseExceptionTest {

  @Test
  void parsesTheCodeOf18_16ErrorBodies() {
    ClickHouseException e =
        ClickHouseException.fromResponse(
            "insert",
            500,
            "Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected \\t before: x, e.what() = DB::Exception\n");

    assertThat(e.code()).isEqualTo(27);
    assertThat(e.httpStatus()).isEqualTo(500);
    assertThat(e.badData()).isTrue();
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void parsesTheCodeOfModernErrorBodies() {
    ClickHouseException e =
        ClickHouseException.fromResponse(
            "insert",
            404,
            "Code: 60. DB::Exception: Table default.nope does not exist. (UNKNOWN_TABLE) (version 24.3.2.23 (official build))\n");

    assertThat(e.code()).isEqualTo(60);
    assertThat(e.badData()).isFalse();
    assertThat(e.retryable()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        6, 25, 26, 27, 32, 33, 36, 38, 41, 53, 69, 70, 72, 117, 128, 131, 190, 321, 349, 395, 469,
        691
      })
  void classifiesRowProblemsAsBadData(int code) {
    ClickHouseException e =
        ClickHouseException.fromResponse("insert", 500, "Code: " + code + ". DB::Exception: x");

    assertThat(e.badData()).isTrue();
    assertThat(e.retryable()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        40, 49, 60, 62, 81, 115, 159, 164, 192, 193, 194, 202, 209, 210, 225, 241, 242, 252, 319,
        425, 516, 999, 1000, 1001, 123456
      })
  void classifiesOutagesSetupAndUnknownCodesAsRetryable(int code) {
    ClickHouseException e =
        ClickHouseException.fromResponse("insert", 500, "Code: " + code + ", e.displayText() = x");

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.badData()).isFalse();
    assertThat(e.retryable()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"503, Service Unavailable", "502, ''", "401, Unauthorized"})
  void treatsRepliesWithoutACodeAsRetryable(int status, String body) {
    ClickHouseException e = ClickHouseException.fromResponse("insert", status, body);

    assertThat(e.code()).isEqualTo(-1);
    assertThat(e.httpStatus()).isEqualTo(status);
    assertThat(e.retryable()).isTrue();
    assertThat(e.badData()).isFalse();
  }

  @Test
  void treatsIoErrorsAsRetryable() {
    ClickHouseException refused =
        ClickHouseException.io("insert", new ConnectException("Connection refused"));
    ClickHouseException timeout =
        ClickHouseException.io("insert", new HttpTimeoutException("request timed out"));

    assertThat(refused.httpStatus()).isEqualTo(-1);
    assertThat(refused.code()).isEqualTo(-1);
    assertThat(refused.retryable()).isTrue();
    assertThat(refused.badData()).isFalse();
    assertThat(refused)
        .hasCauseInstanceOf(ConnectException.class)
        .hasMessageContaining("Connection refused");
    assertThat(timeout.retryable()).isTrue();
  }

  @Test
  void keepsTheStartOfLongServerTexts() {
    String body = "Code: 36, e.displayText() = DB::Exception: " + "y".repeat(1000);

    ClickHouseException e = ClickHouseException.fromResponse("ClickHouse insert", 500, body);

    assertThat(e.getMessage())
        .startsWith("ClickHouse insert failed: HTTP 500: Code: 36, e.displayText()")
        .endsWith("y...")
        .hasSizeLessThan(400);
  }

  @Test
  void ignoresCodeLookalikesWithoutDigits() {
    assertThat(ClickHouseException.parseCode("Code: x. nothing")).isEqualTo(-1);
    assertThat(ClickHouseException.parseCode(null)).isEqualTo(-1);
    assertThat(ClickHouseException.parseCode("Code: 241. DB::Exception: Memory limit"))
        .isEqualTo(241);
  }
}
