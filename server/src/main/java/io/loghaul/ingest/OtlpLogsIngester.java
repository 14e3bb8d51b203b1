package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.loghaul.schema.Accepted;
import io.loghaul.schema.ErrorType;
import io.loghaul.schema.LogEntry;
import io.loghaul.schema.LogEntryProtoCodec;
import io.loghaul.schema.ParseResult;
import io.loghaul.schema.Rejected;
import io.loghaul.schema.SchemaLimits;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * The transport-independent part of one OTLP {@code Export}: maps and checks every log record,
 * encodes the valid ones as {@code loghaul.v1.LogEntry}, hands them to the {@link LogPublisher} and
 * builds the reply with {@code partial_success} for the rejected ones.
 *
 * <p>Thread-safe; {@link #export} does CPU work on the caller's thread and never waits for Kafka.
 * Each calling thread keeps one {@link OtlpLogDecoder} and one reused {@link LogEntry}. The
 * returned future fails with {@link PublishException} when the publisher fails or has not
 * acknowledged within {@link #DEFAULT_PUBLISH_TIMEOUT} (so a client hears UNAVAILABLE within about
 * 1.5 s even while Kafka is down; the records may still arrive later, which at-least-once allows).
 *
 * <p>Tracing: the receivers start the request's {@code otlp.export} span ({@link IngestTracing});
 * the ingester adds a {@code kafka.produce} child span per publish and puts that span's W3C context
 * into the Kafka record headers.
 */
public final class OtlpLogsIngester {
  /** How long a reply waits for Kafka before the request is answered as retryable. */
  public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofMillis(1500);

  /** The largest entry arena a thread keeps between requests. */
  static final int MAX_RETAINED_ARENA_BYTES = 4 << 20;

  static final int MAX_REASONS = 3;
  static final int MAX_ERROR_MESSAGE_CHARS = 1024;

  private final SchemaLimits limits;
  private final ThreadLocal<Worker> workers;
  private final LogPublisher publisher;
  private final IngestListener listener;
  private final IngestTracing tracing;
  private final Clock clock;
  private final ReplyDeadlines deadlines;
  private final RejectedRecords rejectedRecords;
  private final TenantRateLimiter tenantLimiter; // null: no limit

  /**
   * An ingester with the default publish timeout and tracing off.
   *
   * @param clock the receive time of records without one and the "now" of the timestamp window
   */
  public OtlpLogsIngester(
      SchemaLimits limits, LogPublisher publisher, IngestListener listener, Clock clock) {
    this(limits, publisher, listener, OpenTelemetry.noop(), clock, DEFAULT_PUBLISH_TIMEOUT);
  }

  /** An ingester with tracing off. */
  public OtlpLogsIngester(
      SchemaLimits limits,
      LogPublisher publisher,
      IngestListener listener,
      Clock clock,
      Duration publishTimeout) {
    this(limits, publisher, listener, OpenTelemetry.noop(), clock, publishTimeout);
  }

  /**
   * An ingester with the default publish timeout.
   *
   * @param openTelemetry where the receivers' and the ingester's spans go ({@link
   *     OpenTelemetry#noop()}: tracing off, client trace contexts still reach Kafka)
   * @param clock the receive time of records without one and the "now" of the timestamp window
   */
  public OtlpLogsIngester(
      SchemaLimits limits,
      LogPublisher publisher,
      IngestListener listener,
      OpenTelemetry openTelemetry,
      Clock clock) {
    this(limits, publisher, listener, openTelemetry, clock, DEFAULT_PUBLISH_TIMEOUT);
  }

  /**
   * An ingester.
   *
   * @param publishTimeout how long a reply waits for Kafka before the request fails as retryable
   */
  public OtlpLogsIngester(
      SchemaLimits limits,
      LogPublisher publisher,
      IngestListener listener,
      OpenTelemetry openTelemetry,
      Clock clock,
      Duration publishTimeout) {
    this(limits, publisher, listener, openTelemetry, clock, publishTimeout, RejectedRecords.NONE);
  }

  /**
   * An ingester that also hands every rejected record to {@code rejectedRecords} (the dead-letter
   * topic), each as a one-record request with its resource and scope.
   */
  public OtlpLogsIngester(
      SchemaLimits limits,
      LogPublisher publisher,
      IngestListener listener,
      OpenTelemetry openTelemetry,
      Clock clock,
      Duration publishTimeout,
      RejectedRecords rejectedRecords) {
    this(limits, publisher, listener, openTelemetry, clock, publishTimeout, rejectedRecords, null);
  }

  /**
   * An ingester that also limits each tenant's records per second.
   *
   * @param tenantLimiter {@code otlp.tenant.max-records-per-second}, or null for no limit
   */
  public OtlpLogsIngester(
      SchemaLimits limits,
      LogPublisher publisher,
      IngestListener listener,
      OpenTelemetry openTelemetry,
      Clock clock,
      Duration publishTimeout,
      RejectedRecords rejectedRecords,
      TenantRateLimiter tenantLimiter) {
    this.tenantLimiter = tenantLimiter;
    this.rejectedRecords = requireNonNull(rejectedRecords, "rejectedRecords");
    this.limits = requireNonNull(limits, "limits");
    this.workers =
        ThreadLocal.withInitial(() -> new Worker(new OtlpLogDecoder(limits), new LogEntry()));
    this.publisher = requireNonNull(publisher, "publisher");
    this.listener = requireNonNull(listener, "listener");
    this.tracing = new IngestTracing(requireNonNull(openTelemetry, "openTelemetry"));
    this.clock = requireNonNull(clock, "clock");
    requireNonNull(publishTimeout, "publishTimeout");
    if (publishTimeout.isNegative() || publishTimeout.isZero()) {
      throw new IllegalArgumentException("publishTimeout: " + publishTimeout + " (expected: > 0)");
    }
    this.deadlines = ReplyDeadlines.start(publishTimeout.toNanos());
  }

  IngestListener listener() {
    return listener;
  }

  IngestTracing tracing() {
    return tracing;
  }

  /**
   * Checks and publishes one request, given as its serialized {@code ExportLogsServiceRequest}
   * (OTLP/JSON callers serialize the message they parsed).
   *
   * @param exportSpan the request's {@code otlp.export} span (see {@link IngestTracing}); the
   *     ingester adds attributes and a child span, the caller ends it
   * @param transport {@link IngestListener#GRPC} or {@link IngestListener#HTTP}, for metrics
   * @return the reply, completed once Kafka acknowledged every accepted record; or failed with
   *     {@link PublishException}
   * @throws InvalidProtocolBufferException when the bytes are not an {@code
   *     ExportLogsServiceRequest} (nothing was counted or published then)
   */
  public CompletableFuture<ExportLogsServiceResponse> export(
      byte[] request, int offset, int length, Span exportSpan, String transport)
      throws InvalidProtocolBufferException {
    return export(request, offset, length, exportSpan, transport, null);
  }

  /**
   * Like {@link #export(byte[], int, int, Span, String)} for an authenticated {@code tenant} (null:
   * none): its records carry attribute and Kafka header {@value #TENANT_ATTRIBUTE}, and count
   * against its rate; over it the reply fails with {@link TenantThrottledException} and nothing is
   * published.
   */
  public CompletableFuture<ExportLogsServiceResponse> export(
      byte[] request, int offset, int length, Span exportSpan, String transport, String tenant)
      throws InvalidProtocolBufferException {
    requireNonNull(request, "request");
    requireNonNull(exportSpan, "exportSpan");
    requireNonNull(transport, "transport");
    Instant now = clock.instant();
    long nowMillis = now.toEpochMilli();
    long receiveNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    Batch batch = new Batch(transport, tenant);
    Worker worker = workers.get();
    try {
      worker.decoder.decode(request, offset, length, receiveNanos, nowMillis, worker.entry, batch);
    } finally {
      if (worker.entry.arena().length > MAX_RETAINED_ARENA_BYTES) {
        // a huge (rejected) record grew the arena: do not keep that much per event loop thread
        workers.remove();
      }
    }
    int received = batch.received;
    List<byte[]> values = batch.values;
    Rejections rejections = batch.rejections;
    if (rejections.count > 0 && rejectedRecords != RejectedRecords.NONE) {
      deadLetter(request, offset, length, rejections, transport, nowMillis);
    }
    listener.received(received, transport);
    exportSpan.setAttribute(IngestTracing.LOG_RECORDS, (long) received);
    if (rejections.count > 0) {
      exportSpan.setAttribute(IngestTracing.REJECTED_LOG_RECORDS, rejections.count);
    }
    ExportLogsServiceResponse response =
        rejections.count == 0
            ? ExportLogsServiceResponse.getDefaultInstance()
            : ExportLogsServiceResponse.newBuilder()
                .setPartialSuccess(
                    ExportLogsPartialSuccess.newBuilder()
                        .setRejectedLogRecords(rejections.count)
                        .setErrorMessage(rejections.message(received)))
                .build();
    if (values.isEmpty()) {
      return CompletableFuture.completedFuture(response);
    }
    int accepted = values.size();
    if (tenant != null && tenantLimiter != null) {
      long waitNanos = tenantLimiter.tryAcquire(tenant, accepted);
      if (waitNanos > 0) {
        listener.throttled(tenant, transport);
        return CompletableFuture.failedFuture(new TenantThrottledException(tenant, waitNanos));
      }
    }
    Span produceSpan = tracing.startProduce(exportSpan, accepted);
    CompletableFuture<Void> published;
    try {
      published = publisher.publish(values, IngestTracing.propagated(produceSpan), tenant);
    } catch (RuntimeException e) {
      published = CompletableFuture.failedFuture(e);
    }
    // ends with Kafka's real answer, also when the reply below gave up waiting
    published.whenComplete(
        (ok, error) -> {
          if (error != null) {
            produceSpan.recordException(error);
            produceSpan.setStatus(StatusCode.ERROR, "Kafka did not acknowledge every record");
          }
          produceSpan.end();
        });
    // a copy: the timeout must not complete the publisher's own future
    return deadlines
        .within(published, System.nanoTime())
        .handle(
            (ok, error) -> {
              if (error != null) {
                throw asPublishException(error);
              }
              listener.accepted(accepted, transport);
              return response;
            });
  }

  /**
   * Hands each rejected record, cut out with its resource and scope, to {@link #rejectedRecords}.
   */
  private void deadLetter(
      byte[] request,
      int offset,
      int length,
      Rejections rejections,
      String transport,
      long nowMillis) {
    List<byte[]> letters;
    try {
      letters =
          RejectedRecordSlicer.slice(
              request, offset, length, rejections.indices, (int) rejections.count);
    } catch (IOException e) {
      // the decoder accepted these bytes, so this is a bug; the client still hears the rejections
      throw new IllegalStateException("cannot cut rejected records out of a checked request", e);
    }
    for (int i = 0; i < letters.size(); i++) {
      rejectedRecords.deadLetter(letters.get(i), rejections.all.get(i), transport, nowMillis);
    }
  }

  private static PublishException asPublishException(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof PublishException p) {
      return p;
    }
    if (cause instanceof TimeoutException) {
      return new PublishException("Kafka did not acknowledge in time", cause);
    }
    return new PublishException("publishing to Kafka failed: " + cause, cause);
  }

  /**
   * A thread's decoder and the entry it reuses for every record (event loop threads are few and
   * fixed).
   */
  private record Worker(OtlpLogDecoder decoder, LogEntry entry) {}

  /** The records of one request: encoded accepted ones and the rejections. */
  private final class Batch implements OtlpLogDecoder.RecordSink {
    final String transport;
    final byte[] tenant; // UTF-8, or null
    final List<byte[]> values = new ArrayList<>();
    final Rejections rejections = new Rejections();
    int received;

    Batch(String transport, String tenant) {
      this.transport = transport;
      this.tenant = tenant == null ? null : tenant.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void accept(ParseResult result, LogEntry entry) {
      received++;
      if (result == Accepted.INSTANCE) {
        if (tenant != null) {
          setTenant(entry, tenant);
        }
        int size = LogEntryProtoCodec.encodedSize(entry);
        if (size <= limits.maxRecordBytes()) {
          // a copy: the entry is reused for the next record
          byte[] value = new byte[size];
          LogEntryProtoCodec.encode(entry, value, 0);
          values.add(value);
          return;
        }
        // the pipeline would dead-letter it; better the client hears it now
        result =
            new Rejected(
                ErrorType.RECORD_TOO_LARGE,
                "",
                "record has "
                    + size
                    + " bytes encoded (expected: <= "
                    + limits.maxRecordBytes()
                    + ")");
      }
      Rejected rejected = (Rejected) result;
      listener.rejected(rejected.type(), transport);
      rejections.add(rejected, received - 1, rejectedRecords != RejectedRecords.NONE);
    }
  }

  /** The attribute key of an authenticated tenant, on rows and as a Kafka header. */
  public static final String TENANT_ATTRIBUTE = "loghaul.tenant";

  private static final byte[] TENANT_KEY = TENANT_ATTRIBUTE.getBytes(StandardCharsets.UTF_8);

  /**
   * The tenant as {@value #TENANT_ATTRIBUTE}, replacing one the client sent (it cannot claim
   * another tenant).
   */
  private void setTenant(LogEntry entry, byte[] tenant) {
    int value = entry.appendBytes(tenant, 0, tenant.length);
    byte[] arena = entry.arena();
    for (int i = 0; i < entry.attributeCount(); i++) {
      int off = entry.attributeKeyOffset(i);
      if (entry.attributeKeyLength(i) == TENANT_KEY.length
          && Arrays.equals(arena, off, off + TENANT_KEY.length, TENANT_KEY, 0, TENANT_KEY.length)) {
        entry.setAttributeValue(i, value, tenant.length);
        return;
      }
    }
    int key = entry.appendBytes(TENANT_KEY, 0, TENANT_KEY.length);
    entry.addAttribute(key, TENANT_KEY.length, value, tenant.length);
  }

  /** The rejected count and the first few distinct reasons, for {@code error_message}. */
  private static final class Rejections {
    long count;
    final List<Rejected> reasons = new ArrayList<>(MAX_REASONS);

    /** With dead-lettering: every rejection and its record's index in the request. */
    final List<Rejected> all = new ArrayList<>();

    int[] indices = new int[0];

    void add(Rejected r, int index, boolean keep) {
      if (keep) {
        if (all.size() == indices.length) {
          indices = Arrays.copyOf(indices, Math.max(8, indices.length * 2));
        }
        indices[all.size()] = index;
        all.add(r);
      }
      count++;
      if (reasons.size() < MAX_REASONS) {
        for (Rejected seen : reasons) {
          if (seen.type() == r.type() && seen.field().equals(r.field())) {
            return;
          }
        }
        reasons.add(r);
      }
    }

    String message(int received) {
      StringBuilder sb =
          new StringBuilder()
              .append(count)
              .append(" of ")
              .append(received)
              .append(" log records rejected: ");
      for (int i = 0; i < reasons.size(); i++) {
        Rejected r = reasons.get(i);
        sb.append(i == 0 ? "" : "; ").append(r.type().label());
        if (!r.field().isEmpty()) {
          sb.append(" at ").append(r.field());
        }
        sb.append(" (").append(r.message()).append(')');
      }
      if (sb.length() > MAX_ERROR_MESSAGE_CHARS) {
        sb.setLength(MAX_ERROR_MESSAGE_CHARS - 3);
        sb.append("...");
      }
      return sb.toString();
    }
  }
}
