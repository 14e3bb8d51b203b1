package io.loghaul.testing;

import java.util.concurrent.ThreadLocalRandom;

/** Builds JSON LogEntry records for tests. */
public final class LogRecords {
  private LogRecords() {}

  /** A valid record whose message is {@code "m-<id>"}, timestamped {@code epochMillis}. */
  public static String valid(long epochMillis, String service, long id) {
    return "{\"timestamp\":"
        + epochMillis
        + ",\"service_name\":\""
        + service
        + "\",\"level\":\"INFO\",\"message\":\"m-"
        + id
        + "\",\"attributes\":{\"id\":"
        + id
        + ",\"user\":{\"tier\":\"gold\"}}}";
  }

  /** A realistic ~220-byte valid record. */
  public static String realistic(long epochMillis, long id) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "{\"timestamp\":"
        + epochMillis
        + ",\"service_name\":\"checkout-"
        + (id % 7)
        + "\",\"level\":\""
        + (r.nextInt(10) == 0 ? "WARN" : "INFO")
        + "\",\"message\":\"payment accepted for order "
        + id
        + "\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\""
        + ",\"span_id\":\"00f067aa0ba902b7\",\"attributes\":{\"http.status\":200,\"id\":"
        + id
        + "}}";
  }
}
