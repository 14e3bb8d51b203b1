package io.loghaul.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * An {@link IngestListener} for receiver tests: counts outcomes and connection events per
 * transport.
 */
final class CountingListener implements IngestListener {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  final AtomicInteger open = new AtomicInteger();

  long count(String transport, String event) {
    LongAdder n = counts.get(transport + "/" + event);
    return n == null ? 0 : n.sum();
  }

  private void add(String transport, String event) {
    counts.computeIfAbsent(transport + "/" + event, k -> new LongAdder()).increment();
  }

  @Override
  public void requestCompleted(String transport, String outcome, long durationNanos) {
    add(transport, outcome);
  }

  @Override
  public void requestTimedOut(String transport) {
    add(transport, TIMEOUT);
  }

  @Override
  public void accepted(int records, String transport) {
    counts.computeIfAbsent(transport + "/accepted", k -> new LongAdder()).add(records);
  }

  @Override
  public void connectionOpened(String transport) {
    open.incrementAndGet();
    add(transport, "opened");
  }

  @Override
  public void connectionClosed(String transport) {
    open.decrementAndGet();
    add(transport, "closed");
  }

  @Override
  public void connectionRefused(String transport) {
    add(transport, "refused");
  }
}
