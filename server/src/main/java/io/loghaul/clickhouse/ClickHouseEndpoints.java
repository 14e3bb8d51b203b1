package io.loghaul.clickhouse;

import static java.util.Objects.requireNonNull;

import io.loghaul.record.NanoClock;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ClickHouse HTTP endpoints loghaul may talk to ({@code clickhouse.url}, comma-separated) and
 * what it last learned about each: up, or down until a retry time. Requests go to the endpoint that
 * answered last ({@link #order()} starts with it), then to the other endpoints that are up, then to
 * those whose retry time has passed; an endpoint that did not answer ({@link #markDown}) is skipped
 * for {@link #DEFAULT_RETRY_AFTER_MILLIS} and then probed again by the next request or ping. When
 * every endpoint is down, all are tried anyway (the caller's backoff paces that).
 *
 * <p>All endpoints must reach the same data — replicas of one server, or nodes of one cluster
 * serving the table through a Distributed table — for the crash duplicate check to see what an
 * earlier INSERT stored (docs/clusters.md). Thread-safe: the state of each endpoint is volatile.
 */
public final class ClickHouseEndpoints {
  private static final Logger log = LoggerFactory.getLogger(ClickHouseEndpoints.class);

  /** How long an endpoint that did not answer is skipped before it is tried again. */
  public static final long DEFAULT_RETRY_AFTER_MILLIS = 5_000;

  private final List<Endpoint> endpoints;
  private final NanoClock clock;
  private final long retryAfterNanos;
  private volatile int preferred;

  private static final class Endpoint {
    final String url;
    volatile boolean up = true;
    volatile long retryAtNanos;

    Endpoint(String url) {
      this.url = url;
    }
  }

  /** {@code urls}: one URL or several, comma-separated; trailing slashes are dropped. */
  public static ClickHouseEndpoints parse(String urls) {
    return new ClickHouseEndpoints(split(urls), NanoClock.SYSTEM, DEFAULT_RETRY_AFTER_MILLIS);
  }

  ClickHouseEndpoints(List<String> urls, NanoClock clock, long retryAfterMillis) {
    requireNonNull(urls, "urls");
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("clickhouse.url: empty (expected: at least one URL)");
    }
    List<Endpoint> list = new ArrayList<>();
    for (String url : urls) {
      list.add(new Endpoint(url));
    }
    this.endpoints = List.copyOf(list);
    this.clock = requireNonNull(clock, "clock");
    this.retryAfterNanos = TimeUnit.MILLISECONDS.toNanos(retryAfterMillis);
  }

  static List<String> split(String urls) {
    requireNonNull(urls, "urls");
    List<String> list = new ArrayList<>();
    for (String part : urls.split(",")) {
      String url = part.trim();
      while (url.endsWith("/")) {
        url = url.substring(0, url.length() - 1);
      }
      if (url.isEmpty()) {
        continue;
      }
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException(
            "clickhouse.url: " + url + " (expected: http://host:port or https://host:port)");
      }
      URI.create(url); // fail here, with the URL in the message, rather than on the first request
      list.add(url);
    }
    return list;
  }

  /** How many endpoints there are. */
  public int size() {
    return endpoints.size();
  }

  /** The URL of endpoint {@code index}, as configured (it never holds credentials). */
  public String url(int index) {
    return endpoints.get(index).url;
  }

  /** Every endpoint's URL, in configured order. */
  public List<String> urls() {
    List<String> urls = new ArrayList<>();
    for (Endpoint e : endpoints) {
      urls.add(e.url);
    }
    return urls;
  }

  /** The endpoint requests go to first. */
  public String preferredUrl() {
    return endpoints.get(preferred).url;
  }

  /** Whether endpoint {@code index} answered its last request or ping. */
  public boolean up(int index) {
    return endpoints.get(index).up;
  }

  /** Whether at least one endpoint answered its last request or ping. */
  public boolean anyUp() {
    for (Endpoint e : endpoints) {
      if (e.up) {
        return true;
      }
    }
    return false;
  }

  /**
   * The endpoint indexes to try, in order: the preferred one if up, the others that are up, then
   * those down whose retry time has passed; all of them when none of these is left.
   */
  public List<Integer> order() {
    int n = endpoints.size();
    int first = preferred;
    long now = clock.nanoTime();
    List<Integer> up = new ArrayList<>(n);
    List<Integer> due = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      int i = (first + k) % n;
      Endpoint e = endpoints.get(i);
      if (e.up) {
        up.add(i);
      } else if (now - e.retryAtNanos >= 0) {
        due.add(i);
      }
    }
    up.addAll(due);
    if (up.isEmpty()) {
      for (int k = 0; k < n; k++) {
        up.add((first + k) % n);
      }
    }
    return up;
  }

  /**
   * Endpoint {@code index} answered: it is up, and requests go to it first when the endpoint they
   * went to first is down. Requests stay with one endpoint while it answers.
   */
  public void markUp(int index) {
    Endpoint e = endpoints.get(index);
    if (!e.up) {
      log.info("ClickHouse endpoint {} answers again", e.url);
    }
    e.up = true;
    if (!endpoints.get(preferred).up) {
      preferred = index;
    }
  }

  /** Endpoint {@code index} did not answer: skip it until the retry time. */
  public void markDown(int index) {
    Endpoint e = endpoints.get(index);
    e.retryAtNanos = clock.nanoTime() + retryAfterNanos;
    if (e.up) {
      e.up = false;
      if (endpoints.size() > 1) {
        log.warn(
            "ClickHouse endpoint {} does not answer; trying the others, and it again in {} ms",
            e.url,
            TimeUnit.NANOSECONDS.toMillis(retryAfterNanos));
      }
    }
  }
}
