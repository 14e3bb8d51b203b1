package io.loghaul;

import static java.util.Objects.requireNonNull;

import io.loghaul.clickhouse.BatchInserter;
import io.loghaul.clickhouse.BatchMemory;
import io.loghaul.clickhouse.BatchPool;
import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.clickhouse.ClickHouseStoredRows;
import io.loghaul.clickhouse.ClickHouseTable;
import io.loghaul.clickhouse.RowBinaryEncoder;
import io.loghaul.config.LoghaulConfig;
import io.loghaul.dlq.DeadLetterPublisher;
import io.loghaul.embedded.EmbeddedKafka;
import io.loghaul.embedded.ManagedClickHouse;
import io.loghaul.ingest.KafkaLogPublisher;
import io.loghaul.ingest.OtlpGrpcService;
import io.loghaul.ingest.OtlpHttpServer;
import io.loghaul.ingest.OtlpLogsIngester;
import io.loghaul.ingest.RequestWorkers;
import io.loghaul.kafka.KafkaClients;
import io.loghaul.metrics.AdminServer;
import io.loghaul.metrics.HealthProbe;
import io.loghaul.metrics.JvmProcessMetrics;
import io.loghaul.metrics.OtlpMetrics;
import io.loghaul.metrics.PipelineMetrics;
import io.loghaul.metrics.Readiness;
import io.loghaul.metrics.Telemetry;
import io.loghaul.pipeline.Pipeline;
import io.loghaul.pipeline.RecordDecoder;
import io.loghaul.pipeline.TopicProvisioner;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
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
      EmbeddedKafka broker = EmbeddedKafka.start(config.dataDir().resolve("kafka"), kafka.embeddedPort());
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

    KafkaClients kafkaClients = new KafkaClients(bootstrap);
    int dlqMaxBytes;
    try (Admin adminClient = Admin.create(kafkaClients.admin())) {
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

    KafkaProducer<byte[], byte[]> dlqProducer = new KafkaProducer<>(kafkaClients.dlqProducer(dlqMaxBytes));
    DeadLetterPublisher deadLetters = new DeadLetterPublisher(dlqProducer, kafka.dlqTopic(), clock,
        letter -> metrics.deadLettered(letter.type()), letter -> metrics.deadLetterFailed(), otel);
    closeables.push(deadLetters);

    BatchPool pool = BatchMemory.pool(config.batch().maxRows(), config.batch().maxBytes(), telemetry.enabled());
    BatchInserter inserter = new BatchInserter(clickhouse, table.insertSql(), deadLetters, metrics, pool, otel);
    closeables.push(inserter);

    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafkaClients.pipelineConsumer(kafka.group(), config.batch().maxDelayMs()));
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

    startOtlp(kafkaClients, metrics, clock, otel);

    // its own short-timeout client: a readiness ping must not wait out the 60 s insert timeout
    ClickHouseHttpClient pingClient = new ClickHouseHttpClient(
        clickhouseUrl, ch.user(), ch.password(), Duration.ofMillis(HealthProbe.DEFAULT_TIMEOUT_MILLIS));
    closeables.push(pingClient);
    probe = new HealthProbe(Admin.create(kafkaClients.probeAdmin(HealthProbe.DEFAULT_TIMEOUT_MILLIS)), kafka.group(), pingClient::ping, metrics);
    closeables.push(probe);

    Readiness readiness = Readiness.of(pipeline::consuming, probe, clickhouseUrl, bootstrap);
    readiness.register(registry);
    admin = new AdminServer(config.adminHost(), config.adminPort(), registry, readiness::notReadyReason);
    closeables.push(admin);
    log.info("Admin HTTP listening on :{} (/metrics, /healthz, /readyz)", admin.port());
    log.info("Pipeline consuming {} as group {} into {}", kafka.topics(), kafka.group(), table.qualifiedName());
    log.info("ready");
  }

  /**
   * The OTLP receivers (SPEC §6), pushed after the pipeline so they close before it: receivers
   * first (stop accepting, answer in-flight requests), then the publisher (flush to Kafka).
   */
  private void startOtlp(KafkaClients kafkaClients, PipelineMetrics metrics, Clock clock, OpenTelemetry openTelemetry)
      throws Exception {
    LoghaulConfig.Otlp otlp = config.otlp();
    if (otlp.grpcPort() == 0 && otlp.httpPort() == 0) {
      return;
    }
    KafkaLogPublisher publisher = KafkaLogPublisher.create(
        kafkaClients.otlpProducer(otlp.maxInflightBytes(), config.schema().maxRecordBytes()),
        config.kafka().ingestTopic(), otlp.maxInflightBytes());
    closeables.push(publisher);
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(config.schema(), publisher, new OtlpMetrics(metrics), openTelemetry, clock);
    // pushed before the listeners, so closed after them: queued requests still get their reply
    RequestWorkers workers = new RequestWorkers(0);
    closeables.push(workers);
    otlpGrpc = new OtlpGrpcService(otlp.grpcHost(), otlp.grpcPort(), otlp.maxRequestBytes(), otlp.limits(), ingester,
        workers);
    closeables.push(otlpGrpc);
    otlpGrpc.start(); // logs "OTLP/gRPC listening on ..."
    otlpHttp = new OtlpHttpServer(otlp.httpHost(), otlp.httpPort(), otlp.maxRequestBytes(), otlp.limits(), ingester,
        workers);
    closeables.push(otlpHttp);
    otlpHttp.start(); // logs "OTLP/HTTP listening on ..."
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
