package io.loghaul.ingest;

import java.time.Duration;

/**
 * What one OTLP listener allows a client before it is refused or disconnected: the defences against
 * slow, idle, greedy and hostile clients. Values come from the {@code otlp.*} keys of the
 * configuration (docs/configuration.md, "Listener limits"); {@link #DEFAULTS} are those keys'
 * defaults.
 *
 * @param maxConnections open connections per listener; a connection over it is closed as soon as it
 *     is accepted, before anything is read from it
 * @param maxHeaderBytes HTTP request headers (initial line included) / gRPC header list size
 * @param headerTimeout HTTP: from a request's first byte until its headers are complete
 * @param bodyTimeout HTTP: from the end of a request's headers until its body is complete
 * @param idleTimeout HTTP: a keep-alive connection with no request in progress is closed after it
 * @param maxConcurrentStreams gRPC: concurrent calls on one HTTP/2 connection
 * @param minPingInterval gRPC: clients that ping more often (or at all while no call is open) are
 *     sent GOAWAY
 * @param maxConnectionIdle gRPC: a connection without calls is closed gracefully after it
 * @param maxConnectionAge gRPC: a connection is closed gracefully after it ({@link Duration#ZERO}:
 *     never), so that clients re-balance over the replicas behind a load balancer
 * @param maxConnectionAgeGrace gRPC: calls still running at that point get this long to finish
 */
public record ListenerLimits(
    int maxConnections,
    int maxHeaderBytes,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    int maxConcurrentStreams,
    Duration minPingInterval,
    Duration maxConnectionIdle,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace) {

  public static final int DEFAULT_MAX_CONNECTIONS = 4096;
  public static final int DEFAULT_MAX_HEADER_BYTES = 8192;
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 256;
  public static final Duration DEFAULT_MIN_PING_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_CONNECTION_IDLE = Duration.ofMinutes(5);
  public static final Duration DEFAULT_MAX_CONNECTION_AGE = Duration.ofMinutes(30);
  public static final Duration DEFAULT_MAX_CONNECTION_AGE_GRACE = Duration.ofSeconds(30);

  /** The defaults of every {@code otlp.*} limit key. */
  public static final ListenerLimits DEFAULTS =
      new ListenerLimits(
          DEFAULT_MAX_CONNECTIONS,
          DEFAULT_MAX_HEADER_BYTES,
          DEFAULT_HEADER_TIMEOUT,
          DEFAULT_BODY_TIMEOUT,
          DEFAULT_IDLE_TIMEOUT,
          DEFAULT_MAX_CONCURRENT_STREAMS,
          DEFAULT_MIN_PING_INTERVAL,
          DEFAULT_MAX_CONNECTION_IDLE,
          DEFAULT_MAX_CONNECTION_AGE,
          DEFAULT_MAX_CONNECTION_AGE_GRACE);

  public ListenerLimits {
    positive("maxConnections", maxConnections);
    positive("maxHeaderBytes", maxHeaderBytes);
    positive("headerTimeout", headerTimeout);
    positive("bodyTimeout", bodyTimeout);
    positive("idleTimeout", idleTimeout);
    positive("maxConcurrentStreams", maxConcurrentStreams);
    positive("minPingInterval", minPingInterval);
    positive("maxConnectionIdle", maxConnectionIdle);
    if (maxConnectionAge.isNegative()) {
      throw new IllegalArgumentException(
          "maxConnectionAge: " + maxConnectionAge + " (expected: >= 0, 0 = never)");
    }
    positive("maxConnectionAgeGrace", maxConnectionAgeGrace);
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  private static void positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
