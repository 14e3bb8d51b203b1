package io.loghaul;

import static java.util.Objects.requireNonNull;

import io.loghaul.clickhouse.BatchInserter;
import io.loghaul.clickhouse.BatchPool;
import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.clickhouse.ClickHouseStoredRows;
import io.loghaul.clickhouse.ClickHouseTable;
import io.loghaul.clickhouse.RowBinaryEncoder;
import io.loghaul.config.LoghaulConfig;
import io.loghaul.dlq.DeadLetterPublisher;
import io.loghaul.embedded.EmbeddedBroker;
import io.loghaul.embedded.ManagedClickHouse;
import io.loghaul.ingest.KafkaLogPublisher;
import io.loghaul.ingest.OtlpGrpcService;
import io.loghaul.ingest.OtlpHttpServer;
import io.loghaul.ingest.OtlpLogsIngester;
import io.loghaul.metrics.AdminServer;
import io.loghaul.metrics.HealthProbe;
import io.loghaul.metrics.JvmProcessMetrics;
import io.loghaul.metrics.OtlpMetrics;
import io.loghaul.metrics.PipelineMetrics;
import io.loghaul.metrics.Telemetry;
import io.loghaul.pipeline.Pipeline;
import io.loghaul.pipeline.RecordDecoder;
import io.loghaul.pipeline.TopicProvisioner;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running loghaul: wires the embedded or external Kafka, the managed or external ClickHouse,
 * the pipeline, the OTLP receivers and the admin endpoint, and stops them in reverse order. Start with {@link
 * #start(LoghaulConfig)}; {@link #close()} stops polling, flushes and commits, then stops the
 * servers it started.
 */
public final class LoghaulServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoghaulServer.class);

  private final LoghaulConfig config;
  private final OpenTelemetry injectedOpenTelemetry;
  private Telemetry telemetry;
  private HealthProbe probe;
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private String bootstrap;
  private String clickhouseUrl;
  private Pipeline pipeline;
  private AdminServer admin;
  private ClickHouseHttpClient clickhouse;
  private PrometheusMeterRegistry registry;
  private OtlpGrpcService otlpGrpc;
  private OtlpHttpServer otlpHttp;

  private LoghaulServer(LoghaulConfig config, OpenTelemetry openTelemetry) {
    this.config = requireNonNull(config, "config");
    this.injectedOpenTelemetry = openTelemetry;
  }

  /** Starts everything; on failure stops what was started and rethrows. */
  public static LoghaulServer start(LoghaulConfig config) throws Exception {
    return start(config, null);
  }

  /**
   * Starts everything, sending the server's own spans to {@code openTelemetry} (owned by the
   * caller) instead of what {@code tracing.*} configures; null means as configured.
   */
  public static LoghaulServer start(LoghaulConfig config, OpenTelemetry openTelemetry) throws Exception {
    LoghaulServer server = new LoghaulServer(config, openTelemetry);
    try {
      server.startAll();
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    telemetry = injectedOpenTelemetry != null
        ? Telemetry.of(injectedOpenTelemetry) : Telemetry.create(config.tracing());
    closeables.push(telemetry);
    if (config.tracing().otlpEndpoint() != null && injectedOpenTelemetry == null) {
      log.info("Tracing exports to {} (sample ratio {})", config.tracing().otlpEndpoint(), config.tracing().sampleRatio());
    }
    OpenTelemetry otel = telemetry.openTelemetry();
    LoghaulConfig.Kafka kafka = config.kafka();
    if (kafka.embedded()) {
      EmbeddedBroker broker = EmbeddedBroker.start(config.dataDir().resolve("kafka"), kafka.embeddedPort());
      closeables.push(broker);
      bootstrap = broker.bootstrapServers();
      log.info("Kafka (embedded) listening on {}", bootstrap);
    } else {
      bootstrap = kafka.bootstrap();
    }

    LoghaulConfig.ClickHouse ch = config.clickhouse();
    if (ch.managed()) {
      ManagedClickHouse server = ManagedClickHouse.start(config.dataDir().resolve("clickhouse"), ch.managedHttpPort());
      closeables.push(server);
      clickhouseUrl = server.url();
      log.info("ClickHouse (managed) listening on {}", clickhouseUrl);
    } else {
      clickhouseUrl = ch.url();
    }
    clickhouse = new ClickHouseHttpClient(clickhouseUrl, ch.user(), ch.password(), Duration.ofSeconds(60));
    closeables.push(clickhouse);
    ClickHouseTable table = ClickHouseTable.ensure(clickhouse, ch.database(), ch.table(), ch.createTable());
    log.info("ClickHouse table {} ready ({} profile)", table.qualifiedName(), table.profile());

    int dlqMaxBytes;
    try (Admin adminClient = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicProvisioner provisioner = new TopicProvisioner(adminClient);
      if (kafka.createTopics()) {
        dlqMaxBytes = provisioner.ensure(kafka.topics(), kafka.ingestTopic(), kafka.dlqTopic(), kafka.topicPartitions());
      } else {
        dlqMaxBytes = config.schema().maxRecordBytes() * 2 + 65_536;
      }
    }

    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    closeables.push(new JvmProcessMetrics(registry));
    Clock clock = Clock.systemUTC();
    PipelineMetrics metrics = new PipelineMetrics(registry, ch.table(), clock);

    KafkaProducer<byte[], byte[]> dlqProducer = new KafkaProducer<>(dlqProducerConfig(dlqMaxBytes));
    DeadLetterPublisher deadLetters = new DeadLetterPublisher(dlqProducer, kafka.dlqTopic(), clock,
        letter -> metrics.deadLettered(letter.type()), letter -> metrics.deadLetterFailed(), otel);
    closeables.push(deadLetters);

    int expectedRows = Math.min(config.batch().maxRows(), 1 << 16);
    BatchPool pool = new BatchPool(expectedRows,
        (int) Math.min(config.batch().maxBytes() + (1 << 20), 64L << 20), telemetry.enabled());
    BatchInserter inserter = new BatchInserter(clickhouse, table.insertSql(), deadLetters, metrics, pool, otel);
    closeables.push(inserter);

    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig());
    pipeline = new Pipeline(
        consumer,
        kafka.topics(),
        new RecordDecoder(config.schema()),
        new RowBinaryEncoder(table.profile()),
        pool,
        inserter,
        deadLetters,
        metrics,
        config.batch(),
        clock,
        new ClickHouseStoredRows(clickhouse, table));
    closeables.push(pipeline);
    pipeline.start();

    startOtlp(metrics, clock, otel);

    // its own short-timeout client: a readiness ping must not wait out the 60 s insert timeout
    ClickHouseHttpClient pingClient = new ClickHouseHttpClient(
        clickhouseUrl, ch.user(), ch.password(), Duration.ofMillis(HealthProbe.DEFAULT_TIMEOUT_MILLIS));
    closeables.push(pingClient);
    probe = new HealthProbe(Admin.create(probeAdminConfig()), kafka.group(), pingClient::ping, metrics);
    closeables.push(probe);

    Gauge.builder("loghaul.ready", this, s -> s.notReadyReason() == null ? 1 : 0)
        .description("1 while /readyz answers 200 (Kafka and ClickHouse reachable, pipeline consuming), else 0")
        .register(registry);
    admin = new AdminServer("0.0.0.0", config.adminPort(), registry, this::notReadyReason);
    closeables.push(admin);
    log.info("Admin HTTP listening on :{} (/metrics, /healthz, /readyz)", admin.port());
    log.info("Pipeline consuming {} as group {} into {}", kafka.topics(), kafka.group(), table.qualifiedName());
    log.info("ready");
  }

  /**
   * The OTLP receivers (SPEC §6), pushed after the pipeline so they close before it: receivers
   * first (stop accepting, answer in-flight requests), then the publisher (flush to Kafka).
   */
  private void startOtlp(PipelineMetrics metrics, Clock clock, OpenTelemetry openTelemetry) throws Exception {
    LoghaulConfig.Otlp otlp = config.otlp();
    if (otlp.grpcPort() == 0 && otlp.httpPort() == 0) {
      return;
    }
    KafkaLogPublisher publisher = KafkaLogPublisher.create(
        bootstrap, config.kafka().ingestTopic(), otlp.maxInflightBytes(), config.schema().maxRecordBytes());
    closeables.push(publisher);
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(config.schema(), publisher, new OtlpMetrics(metrics), openTelemetry, clock);
    otlpGrpc = new OtlpGrpcService(otlp.grpcPort(), otlp.maxRequestBytes(), ingester);
    closeables.push(otlpGrpc);
    otlpGrpc.start(); // logs "OTLP/gRPC listening on ..."
    otlpHttp = new OtlpHttpServer(otlp.httpPort(), otlp.maxRequestBytes(), ingester);
    closeables.push(otlpHttp);
    otlpHttp.start(); // logs "OTLP/HTTP listening on ..."
  }

  private Map<String, Object> consumerConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.kafka().group());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "loghaul-pipeline");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
    // Rows wait up to batch.max-delay-ms for their INSERT anyway, so let the broker gather a
    // worthwhile fetch instead of answering every poll with a handful of records: at a trickle
    // of records, fetch.min.bytes=1 costs a fetch round trip (broker and consumer CPU) per poll.
    c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 1024);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) Math.max(10, Math.min(250, config.batch().maxDelayMs() / 4)));
    c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    return c;
  }

  private Map<String, Object> probeAdminConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "loghaul-probe");
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) HealthProbe.DEFAULT_TIMEOUT_MILLIS);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) HealthProbe.DEFAULT_TIMEOUT_MILLIS);
    // reconnect quickly once the broker is back, so readiness returns soon after
    c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    return c;
  }

  private Map<String, Object> dlqProducerConfig(int maxRequestBytes) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "loghaul-dlq");
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // uncompressed so the DLQ topic's max.message.bytes is judged on the record as it came
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return c;
  }

  /**
   * Null when ready (ClickHouse and Kafka reachable, pipeline consuming), else why not. Reads the
   * background {@link HealthProbe}'s last results, so it never blocks the admin thread.
   */
  String notReadyReason() {
    if (pipeline == null || !pipeline.consuming()) {
      return "pipeline not consuming";
    }
    if (probe == null || !probe.clickhouseReachable()) {
      return "ClickHouse unreachable at " + clickhouseUrl;
    }
    if (!probe.kafkaReachable()) {
      return "Kafka unreachable at " + bootstrap;
    }
    return null;
  }

  /**
   * The OpenTelemetry instance the server's own spans go to (no-op when tracing is off), for
   * components wired after start, such as the OTLP receivers.
   */
  public OpenTelemetry openTelemetry() {
    return telemetry == null ? OpenTelemetry.noop() : telemetry.openTelemetry();
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public String kafkaBootstrap() {
    return bootstrap;
  }

  public String clickhouseUrl() {
    return clickhouseUrl;
  }

  public int adminPort() {
    return admin.port();
  }

  /** The bound OTLP/gRPC port, or -1 when disabled. */
  public int otlpGrpcPort() {
    return otlpGrpc == null ? -1 : otlpGrpc.port();
  }

  /** The bound OTLP/HTTP port, or -1 when disabled. */
  public int otlpHttpPort() {
    return otlpHttp == null ? -1 : otlpHttp.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Stops in reverse start order: admin, OTLP receivers (answer in-flight requests), the OTLP
   * publisher (flush), the pipeline (flush + commit), servers last. Idempotent.
   */
  @Override
  public void close() {
    AutoCloseable c;
    while ((c = closeables.poll()) != null) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("Error while stopping {}", c.getClass().getSimpleName(), e);
      }
    }
  }
}
