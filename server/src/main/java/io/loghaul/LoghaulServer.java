package io.loghaul;

import static java.util.Objects.requireNonNull;

import io.loghaul.clickhouse.BatchInserter;
import io.loghaul.clickhouse.BatchMemory;
import io.loghaul.clickhouse.BatchPool;
import io.loghaul.clickhouse.ClickHouseEndpoints;
import io.loghaul.clickhouse.ClickHouseException;
import io.loghaul.clickhouse.ClickHouseHttpClient;
import io.loghaul.clickhouse.ClickHouseStoredRows;
import io.loghaul.clickhouse.ClickHouseTable;
import io.loghaul.clickhouse.RowBinaryEncoder;
import io.loghaul.config.ConfigException;
import io.loghaul.config.ConfigLoader;
import io.loghaul.config.LoghaulConfig;
import io.loghaul.dlq.DeadLetterPublisher;
import io.loghaul.embedded.DataDirLock;
import io.loghaul.embedded.EmbeddedBroker;
import io.loghaul.embedded.ManagedClickHouse;
import io.loghaul.ingest.KafkaLogPublisher;
import io.loghaul.ingest.ListenAddress;
import io.loghaul.ingest.ListenerOptions;
import io.loghaul.ingest.OtlpGrpcService;
import io.loghaul.ingest.OtlpHttpServer;
import io.loghaul.ingest.OtlpLogsIngester;
import io.loghaul.ingest.OtlpSslContexts;
import io.loghaul.ingest.RejectedRecords;
import io.loghaul.ingest.RejectedRecordsQueue;
import io.loghaul.ingest.RequestWorkers;
import io.loghaul.ingest.TenantRateLimiter;
import io.loghaul.ingest.TenantTokens;
import io.loghaul.ingest.TlsCredentials;
import io.loghaul.kafka.KafkaClients;
import io.loghaul.metrics.AdminServer;
import io.loghaul.metrics.ClickHouseEndpointGauges;
import io.loghaul.metrics.HealthProbe;
import io.loghaul.metrics.JvmProcessMetrics;
import io.loghaul.metrics.OtlpMetrics;
import io.loghaul.metrics.PipelineMetrics;
import io.loghaul.metrics.Readiness;
import io.loghaul.metrics.RedactionMeters;
import io.loghaul.metrics.Telemetry;
import io.loghaul.pipeline.Pipeline;
import io.loghaul.pipeline.RecordDecoder;
import io.loghaul.pipeline.TopicProvisioner;
import io.loghaul.record.NanoClock;
import io.loghaul.redaction.RedactionObserver;
import io.loghaul.redaction.RedactionRules;
import io.loghaul.redaction.Redactor;
import io.loghaul.redaction.RulesFileException;
import io.loghaul.tls.PemFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running loghaul: wires the embedded or external Kafka, the managed or external ClickHouse,
 * the pipeline, the OTLP receivers and the admin endpoint, and stops them in reverse order. Start
 * with {@link #start(LoghaulConfig)}; {@link #close()} stops the listeners, flushes and commits,
 * then stops the servers it started. Only wiring lives here: each part's settings and sizing are
 * its own class's business ({@link KafkaClients}, {@link BatchMemory}, {@link Readiness}, ...).
 */
public final class LoghaulServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoghaulServer.class);

  /**
   * How long external brokers get to answer the first contact
   * (docs/configuration.md#securing-kafka: under 60 s).
   */
  private static final Duration KAFKA_CHECK_TIMEOUT = Duration.ofSeconds(30);

  /** ClickHouse setting that makes an INSERT into a Distributed table wait for its shards. */
  static final String DISTRIBUTED_SYNC = "insert_distributed_sync";

  /** ClickHouse setting: the rows an INSERT's input is cut into blocks (and parts) at. */
  static final String MAX_INSERT_BLOCK_SIZE = "max_insert_block_size";

  /** {@link #MAX_INSERT_BLOCK_SIZE}'s default, from 18.16 to current releases. */
  static final int DEFAULT_MAX_INSERT_BLOCK_SIZE = 1_048_576;

  /** ClickHouse setting (22.2 and later) naming an INSERT for deduplication. */
  static final String DEDUPLICATION_TOKEN = "insert_deduplication_token";

  private final Pipeline pipeline;
  private final PrometheusMeterRegistry registry;
  private final AdminServer admin;
  private final Otlp otlp;
  private final Closer closer;

  /** The OTLP listeners; either is null when its port is 0 (disabled). */
  private record Otlp(OtlpGrpcService grpc, OtlpHttpServer http) {
    static final Otlp DISABLED = new Otlp(null, null);
  }

  private LoghaulServer(
      Pipeline pipeline,
      PrometheusMeterRegistry registry,
      AdminServer admin,
      Otlp otlp,
      Closer closer) {
    this.pipeline = pipeline;
    this.registry = registry;
    this.admin = admin;
    this.otlp = otlp;
    this.closer = closer;
  }

  /** Starts everything; on failure stops what was started and rethrows. */
  public static LoghaulServer start(LoghaulConfig config) throws Exception {
    return start(config, null);
  }

  /**
   * Starts everything, sending the server's own spans to {@code openTelemetry} (owned by the
   * caller) instead of what {@code tracing.*} configures; null means as configured. On failure
   * stops what was started and rethrows.
   */
  public static LoghaulServer start(LoghaulConfig config, OpenTelemetry openTelemetry)
      throws Exception {
    requireNonNull(config, "config");
    Closer closer = new Closer();
    try {
      return assemble(config, openTelemetry, closer);
    } catch (Exception | Error e) {
      closer.close();
      throw e;
    }
  }

  /** Starts the parts in dependency order, each registered with {@code closer} once started. */
  private static LoghaulServer assemble(LoghaulConfig config, OpenTelemetry injected, Closer closer)
      throws Exception {
    log.info("Configuration: {}", ConfigLoader.render(config));
    if (config.portsFile() != null) {
      PortsFile.clear(config.portsFile());
    }
    Telemetry telemetry =
        closer.add(injected != null ? Telemetry.of(injected) : Telemetry.create(config.tracing()));
    if (config.tracing().otlpEndpoint() != null && injected == null) {
      log.info(
          "Tracing exports to {} (sample ratio {})",
          config.tracing().otlpEndpoint(),
          config.tracing().sampleRatio());
    }
    OpenTelemetry otel = telemetry.openTelemetry();
    Clock clock = Clock.systemUTC();
    // read before anything starts: a bad rules file is a startup error naming file, line and
    // problem
    RedactionRules redaction = loadRedaction(config.redaction(), closer);

    lockDataDir(config, closer);
    KafkaClients kafkaClients =
        new KafkaClients(startKafka(config, closer), config.kafka().security());
    if (!config.kafka().embedded()) {
      // a wrong password or certificate stops startup here, naming the key, within the timeout
      kafkaClients.checkConnection(KAFKA_CHECK_TIMEOUT);
    }
    String clickhouseUrl = startClickHouse(config, closer);
    LoghaulConfig.ClickHouse ch = config.clickhouse();
    ClickHouseEndpoints endpoints = ClickHouseEndpoints.parse(clickhouseUrl);
    if (endpoints.size() > 1) {
      log.info("ClickHouse endpoints: {}", endpoints.urls());
    }
    // clickhouse.insert-timeout-ms bounds every request of this client (INSERTs, DDL, the replay
    // check)
    Duration insertTimeout = ch.insertTimeout(config.batch().maxBytes());
    SSLContext clickhouseTls = clickhouseTls(ch);
    ClickHouseHttpClient clickhouse =
        closer.add(
            new ClickHouseHttpClient(
                endpoints,
                ch.user(),
                ch.password(),
                insertTimeout,
                clickhouseTls,
                insertSettings(ch, config.batch().maxRows())));
    checkClickHouseSettings(clickhouse, ch);
    log.info(
        "ClickHouse INSERT timeout {} ms ({})",
        insertTimeout.toMillis(),
        ch.insertTimeoutSetting() != null
            ? "clickhouse.insert-timeout-ms"
            : "5 s + 1 s per MiB of batch.max-bytes; set clickhouse.insert-timeout-ms to change it");
    ClickHouseTable table;
    try {
      table =
          ClickHouseTable.ensure(
              clickhouse, ch.database(), ch.table(), ch.createTable(), ch.cluster());
      // a re-sent batch carries the same token (docs/clusters.md#deduplication); 18.16 lacks it
      clickhouse.sendDeduplicationTokens(clickhouse.hasSetting(DEDUPLICATION_TOKEN));
    } catch (ClickHouseException e) {
      ConfigException tls = tlsFailure(e, ch);
      throw tls != null ? tls : e;
    }
    log.info(
        "ClickHouse table {} ready{}, column types for {}; {}",
        table.qualifiedName(),
        table.cluster() == null
            ? ""
            : " (Distributed over " + table.localName() + " on cluster " + table.cluster() + ")",
        table.profile().describe(),
        clickhouse.sendsDeduplicationTokens()
            ? "INSERTs carry insert_deduplication_token"
            : "the server has no insert_deduplication_token: re-sent batches are byte-identical");
    int dlqMaxBytes = provisionTopics(config, kafkaClients);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    closer.add(new JvmProcessMetrics(registry));
    ClickHouseEndpointGauges.register(registry, endpoints);
    PipelineMetrics metrics = new PipelineMetrics(registry, ch.table(), clock);

    LoghaulConfig.Kafka kafka = config.kafka();
    if (redaction != null) {
      redaction.attach(new RedactionMeters(registry));
    }
    DeadLetterPublisher deadLetters =
        closer.add(
            redaction != null && config.redaction().deadLetters()
                ? new DeadLetterPublisher(
                    new KafkaProducer<>(kafkaClients.dlqProducer(dlqMaxBytes)),
                    kafka.dlqTopic(),
                    clock,
                    letter -> metrics.deadLettered(letter.type()),
                    letter -> metrics.deadLetterFailed(),
                    otel,
                    redaction::redactDeadLetter)
                : new DeadLetterPublisher(
                    new KafkaProducer<>(kafkaClients.dlqProducer(dlqMaxBytes)),
                    kafka.dlqTopic(),
                    clock,
                    letter -> metrics.deadLettered(letter.type()),
                    letter -> metrics.deadLetterFailed(),
                    otel));
    BatchPool pool =
        BatchMemory.pool(
            new RowBinaryEncoder(table.profile()),
            config.batch().maxRows(),
            config.batch().maxBytes(),
            telemetry.enabled());
    BatchInserter inserter =
        closer.add(
            new BatchInserter(
                clickhouse,
                table.insertSql(),
                new ClickHouseStoredRows(clickhouse, table),
                metrics,
                pool,
                otel));
    Pipeline pipeline =
        closer.add(
            new Pipeline(
                new KafkaConsumer<>(
                    kafkaClients.pipelineConsumer(kafka.group(), config.batch().maxDelayMs())),
                () -> new KafkaConsumer<>(kafkaClients.sourceReaderConsumer()),
                kafka.topics(),
                new RecordDecoder(config.schema()),
                redaction == null ? null : new Redactor(redaction, config.schema()),
                inserter,
                deadLetters,
                metrics,
                config.batch(),
                clock,
                NanoClock.SYSTEM));
    pipeline.start();

    // registered after the pipeline, so closed before it
    Otlp otlp = startOtlp(config, kafkaClients, metrics, clock, otel, deadLetters, closer);

    // its own short-timeout client: a readiness ping must not wait out the insert timeout; it
    // shares
    // the endpoints' state, so pings also bring an endpoint marked down back into use
    ClickHouseHttpClient pingClient =
        closer.add(
            new ClickHouseHttpClient(
                endpoints,
                ch.user(),
                ch.password(),
                Duration.ofMillis(HealthProbe.DEFAULT_TIMEOUT_MILLIS),
                clickhouseTls,
                Map.of()));
    HealthProbe probe =
        closer.add(
            new HealthProbe(
                Admin.create(kafkaClients.probeAdmin(HealthProbe.DEFAULT_TIMEOUT_MILLIS)),
                kafka.group(),
                pingClient::ping,
                metrics));
    Readiness readiness =
        Readiness.of(
            pipeline::consuming,
            pipeline::assignedPartitions,
            probe,
            clickhouseUrl,
            kafkaClients.bootstrapServers());
    readiness.register(registry);
    AdminServer admin =
        closer.add(
            new AdminServer(
                config.adminHost(),
                LoghaulConfig.bindPort(config.adminPort()),
                registry,
                readiness::notReadyReason,
                readiness::readyNote));
    log.info(
        "Admin HTTP listening on {} (/metrics, /healthz, /readyz)",
        ListenAddress.describe(config.adminHost(), admin.port()));
    log.info(
        "Pipeline consuming {} as group {} into {}",
        kafka.topics(),
        kafka.group(),
        table.qualifiedName());
    LoghaulServer server = new LoghaulServer(pipeline, registry, admin, otlp, closer);
    if (config.portsFile() != null) {
      closer.add(PortsFile.write(config.portsFile(), server.ports()));
    }
    log.info("ready");
    return server;
  }

  /** The rules of {@code redaction.rules-file}, watched for changes; null when it is unset. */
  private static RedactionRules loadRedaction(LoghaulConfig.Redaction config, Closer closer)
      throws ConfigException {
    RedactionRules rules = readRedaction(config);
    if (rules == null) {
      return null;
    }
    closer.add(rules);
    rules.startWatching(RedactionRules.DEFAULT_POLL_MILLIS);
    log.info(
        "Redaction: {} rule(s) from {}{}",
        rules.ruleNames().size(),
        config.rulesFile(),
        config.deadLetters() ? ", dead letters too" : "");
    return rules;
  }

  /**
   * Reads {@code redaction.rules-file} once (not watched yet); null when it is unset. A bad file is
   * a {@link ConfigException} naming the key, the file, the line and the problem.
   */
  static RedactionRules readRedaction(LoghaulConfig.Redaction config) throws ConfigException {
    if (config.rulesFile() == null) {
      return null;
    }
    try {
      return RedactionRules.load(config.rulesFile(), config.hashKeyFile(), RedactionObserver.NONE);
    } catch (RulesFileException e) {
      String key =
          e.getMessage().contains("redaction.hash-key-file")
              ? "redaction.hash-key-file"
              : "redaction.rules-file";
      throw new ConfigException(key, key + ": " + e.getMessage());
    }
  }

  /**
   * Locks {@code data.dir} when an embedded broker or a managed ClickHouse will keep data there,
   * before either starts: a second instance on the same directory fails here, naming the key and
   * the holder's pid, before its broker could append to the first one's metadata log. Registered
   * first of the servers, so released after they stopped.
   */
  private static void lockDataDir(LoghaulConfig config, Closer closer) throws IOException {
    if (config.kafka().embedded() || config.clickhouse().managed()) {
      closer.add(DataDirLock.acquire(config.dataDir().toAbsolutePath().normalize()));
    }
  }

  /** The bootstrap servers: the external cluster's, or those of an embedded broker started now. */
  private static String startKafka(LoghaulConfig config, Closer closer) throws Exception {
    LoghaulConfig.Kafka kafka = config.kafka();
    if (!kafka.embedded()) {
      return kafka.bootstrap();
    }
    EmbeddedBroker broker =
        closer.add(
            EmbeddedBroker.start(
                config.dataDir().resolve("kafka"),
                kafka.embeddedPort(),
                kafka.embeddedControllerPort()));
    log.info(
        "Kafka (embedded) listening on {} (KRaft controller on 127.0.0.1:{})",
        broker.bootstrapServers(),
        broker.controllerPort());
    return broker.bootstrapServers();
  }

  /** The ClickHouse URL: the external server's, or that of a managed server started now. */
  private static String startClickHouse(LoghaulConfig config, Closer closer) throws Exception {
    LoghaulConfig.ClickHouse ch = config.clickhouse();
    if (!ch.managed()) {
      return ch.url();
    }
    ManagedClickHouse server =
        closer.add(
            ManagedClickHouse.start(config.dataDir().resolve("clickhouse"), ch.managedHttpPort()));
    log.info("ClickHouse (managed) listening on {}", server.url());
    return server.url();
  }

  /** TLS alerts a server sends when it refuses the client's certificate (or its absence). */
  private static final List<String> CLIENT_CERTIFICATE_ALERTS =
      List.of(
          "certificate_required",
          "bad_certificate",
          "unknown_ca",
          "certificate_unknown",
          "access_denied");

  /** The TLS context of {@code clickhouse.tls.*}, or null for the JVM's defaults. */
  private static SSLContext clickhouseTls(LoghaulConfig.ClickHouse ch) throws ConfigException {
    if (ch.caFile() == null && ch.certFile() == null) {
      return null;
    }
    try {
      return PemFiles.clientContext(ch.caFile(), ch.certFile(), ch.keyFile());
    } catch (IOException | GeneralSecurityException e) {
      String key =
          ch.certFile() != null
                  && !String.valueOf(e.getMessage()).contains(String.valueOf(ch.caFile()))
              ? "clickhouse.tls.cert-file"
              : "clickhouse.tls.ca-file";
      throw new ConfigException(key, key + ": unusable (" + e.getMessage() + ")");
    }
  }

  /**
   * The {@code clickhouse.tls.*} key to blame for a failed TLS handshake in {@code e}, as a config
   * error, or null when {@code e} is not a TLS failure.
   */
  private static ConfigException tlsFailure(ClickHouseException e, LoghaulConfig.ClickHouse ch) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        // an alert from the server is about our certificate; a local failure is about theirs
        String message = String.valueOf(c.getMessage());
        // (the JDK writes an alert it raised itself as "(certificate_unknown) PKIX ...")
        String key =
            message.contains("Received fatal alert")
                    && CLIENT_CERTIFICATE_ALERTS.stream().anyMatch(message::contains)
                ? "clickhouse.tls.cert-file"
                : "clickhouse.tls.ca-file";
        return new ConfigException(
            key,
            key
                + ": the TLS handshake with "
                + ch.url()
                + " failed (expected: "
                + (key.equals("clickhouse.tls.ca-file")
                    ? "the CA that signed the server's certificate"
                    : "a client certificate the server accepts")
                + "; TLS said: "
                + c.getMessage()
                + ")");
      }
    }
    return null;
  }

  /**
   * The settings sent with every INSERT: {@code clickhouse.settings.*}; on a cluster {@code
   * insert_distributed_sync=1}, so an acknowledged INSERT into the Distributed table is written on
   * every shard it touches (docs/clusters.md); and when {@code batch.max-rows} exceeds ClickHouse's
   * default {@code max_insert_block_size}, that setting raised to it, so a batch is still one block
   * and one part, and a bad row fails the INSERT before any of its rows is written (the bad-row
   * split relies on that). A setting given in {@code clickhouse.settings.*} wins.
   */
  static Map<String, String> insertSettings(LoghaulConfig.ClickHouse ch, int batchMaxRows) {
    Map<String, String> settings = new TreeMap<>(ch.settings());
    if (ch.cluster() != null) {
      settings.putIfAbsent(DISTRIBUTED_SYNC, "1");
    }
    if (batchMaxRows > DEFAULT_MAX_INSERT_BLOCK_SIZE) {
      settings.putIfAbsent(MAX_INSERT_BLOCK_SIZE, Integer.toString(batchMaxRows));
    }
    return settings.equals(ch.settings()) ? ch.settings() : settings;
  }

  /**
   * A TLS handshake with ClickHouse that fails names {@code clickhouse.tls.*}; every {@code
   * clickhouse.settings.*} member is one the server knows and accepts.
   */
  private static void checkClickHouseSettings(
      ClickHouseHttpClient clickhouse, LoghaulConfig.ClickHouse ch) throws ConfigException {
    // With TLS 1.3 a server checks the client certificate after the client finished its side of
    // the handshake, so the refusal may reach the first request as a reset connection instead of
    // the alert; one more request reads the alert itself.
    for (int attempt = 1; attempt <= 2; attempt++) {
      try {
        clickhouse.query("SELECT 1");
        break;
      } catch (ClickHouseException e) {
        ConfigException tls = tlsFailure(e, ch);
        if (tls != null) {
          throw tls;
        }
        if (!e.serverMessage().isEmpty() || ch.certFile() == null) {
          break; // other failures (server down, auth) surface from the table check
        }
      }
    }
    for (Map.Entry<String, String> s : ch.settings().entrySet()) {
      try {
        clickhouse.checkSetting(s.getKey(), s.getValue());
      } catch (ClickHouseException e) {
        if (e.serverMessage().isEmpty()) {
          continue; // not an answer about the setting: connection problems surface below
        }
        String key = "clickhouse.settings." + s.getKey();
        throw new ConfigException(
            key,
            key
                + ": "
                + s.getValue()
                + " (ClickHouse refused it: "
                + e.serverMessage().strip()
                + ")");
      }
    }
  }

  /** Creates missing topics when asked to; returns the largest dead letter the DLQ accepts. */
  private static int provisionTopics(LoghaulConfig config, KafkaClients kafkaClients)
      throws InterruptedException {
    LoghaulConfig.Kafka kafka = config.kafka();
    if (!kafka.createTopics()) {
      return TopicProvisioner.unprovisionedDlqMaxBytes(config.schema().maxRecordBytes());
    }
    try (Admin admin = Admin.create(kafkaClients.admin())) {
      return new TopicProvisioner(admin)
          .ensure(kafka.topics(), kafka.ingestTopic(), kafka.dlqTopic(), kafka.topicPartitions());
    }
  }

  /**
   * The OTLP receivers (docs/otlp.md) of the enabled ports. Closed in reverse: the listeners first
   * (stop accepting, answer in-flight requests), then their workers, then the publisher (flush to
   * Kafka).
   */
  private static Otlp startOtlp(
      LoghaulConfig config,
      KafkaClients kafkaClients,
      PipelineMetrics metrics,
      Clock clock,
      OpenTelemetry openTelemetry,
      DeadLetterPublisher deadLetters,
      Closer closer)
      throws Exception {
    LoghaulConfig.Otlp otlp = config.otlp();
    if (otlp.grpcPort() == 0 && otlp.httpPort() == 0) {
      return Otlp.DISABLED;
    }
    KafkaLogPublisher publisher =
        closer.add(
            KafkaLogPublisher.create(
                kafkaClients.otlpProducer(
                    otlp.maxInflightBytes(), config.schema().maxRecordBytes()),
                config.kafka().ingestTopic(),
                otlp.maxInflightBytes()));
    // rejected records: counted, reported to the client and (by default) dead-lettered
    // on a thread of their own: a request worker never waits for the DLQ producer
    RejectedRecords rejected =
        !otlp.deadLetterRejected()
            ? RejectedRecords.NONE
            : closer.add(
                new RejectedRecordsQueue(
                    (request, why, transport, receivedAt) ->
                        deadLetters.publishRejected(
                            request, why.type(), why.field(), why.message(), transport, receivedAt),
                    RejectedRecordsQueue.DEFAULT_CAPACITY,
                    metrics::deadLetterFailed));
    TenantTokens tokens = null;
    if (otlp.tokensFile() != null) {
      try {
        tokens = TenantTokens.load(otlp.tokensFile());
      } catch (TenantTokens.TokensFileException e) {
        throw new ConfigException("otlp.auth.tokens-file", e.getMessage());
      }
      log.info(
          "OTLP authentication on: bearer tokens of {} tenants from {} (re-read on change){}",
          tokens.tenants().size(),
          otlp.tokensFile(),
          otlp.tenantMaxRecordsPerSecond() == 0
              ? ""
              : ", at most " + otlp.tenantMaxRecordsPerSecond() + " records/s per tenant");
    }
    OtlpLogsIngester ingester =
        new OtlpLogsIngester(
            config.schema(),
            publisher,
            new OtlpMetrics(metrics),
            openTelemetry,
            clock,
            OtlpLogsIngester.DEFAULT_PUBLISH_TIMEOUT,
            rejected,
            otlp.tenantMaxRecordsPerSecond() == 0
                ? null
                : new TenantRateLimiter(otlp.tenantMaxRecordsPerSecond(), System::nanoTime));
    RequestWorkers workers = closer.add(new RequestWorkers(0));
    SslContext grpcTls = null;
    SslContext httpTls = null;
    if (otlp.tls() != null) {
      TlsCredentials credentials;
      try {
        credentials = new TlsCredentials(otlp.tls());
      } catch (TlsCredentials.TlsFileException e) {
        throw new ConfigException(e.key(), e.getMessage());
      }
      grpcTls = OtlpSslContexts.grpc(credentials);
      httpTls = OtlpSslContexts.http(credentials);
      log.info(
          "OTLP TLS on (certificate {}, re-read on change; client certificates {}; {} and newer)",
          otlp.tls().certFile(),
          otlp.tls().clientCaFile() == null ? "not asked for" : "required",
          otlp.tls().minVersion());
    }
    OtlpGrpcService grpc = null;
    if (otlp.grpcPort() != 0) {
      grpc =
          closer.add(
              new OtlpGrpcService(
                  ListenerOptions.plain(
                          otlp.grpcHost(),
                          LoghaulConfig.bindPort(otlp.grpcPort()),
                          otlp.maxRequestBytes(),
                          otlp.limits())
                      .withTls(grpcTls)
                      .withTokens(tokens),
                  ingester,
                  workers));
      grpc.start(); // logs "OTLP/gRPC listening on ..."
    }
    OtlpHttpServer http = null;
    if (otlp.httpPort() != 0) {
      http =
          closer.add(
              new OtlpHttpServer(
                  ListenerOptions.plain(
                          otlp.httpHost(),
                          LoghaulConfig.bindPort(otlp.httpPort()),
                          otlp.maxRequestBytes(),
                          otlp.limits())
                      .withTls(httpTls)
                      .withTokens(tokens),
                  ingester,
                  workers));
      http.start(); // logs "OTLP/HTTP listening on ..."
    }
    return new Otlp(grpc, http);
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The bound admin port. */
  public int adminPort() {
    return admin.port();
  }

  /** The bound OTLP/gRPC port, or -1 when disabled. */
  public int otlpGrpcPort() {
    return otlp.grpc() == null ? -1 : otlp.grpc().port();
  }

  /** The bound OTLP/HTTP port, or -1 when disabled. */
  public int otlpHttpPort() {
    return otlp.http() == null ? -1 : otlp.http().port();
  }

  /** The bound port of every running listener, by its key: {@code otlp.grpc.port=4317}, .... */
  public Map<String, Integer> ports() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    if (otlp.grpc() != null) ports.put("otlp.grpc.port", otlp.grpc().port());
    if (otlp.http() != null) ports.put("otlp.http.port", otlp.http().port());
    ports.put("admin.port", admin.port());
    return ports;
  }

  /**
   * Stops in reverse start order: the ports file, admin, probe, OTLP listeners (answer in-flight
   * requests), the OTLP publisher (flush), the pipeline (flush + commit), servers last. Idempotent.
   */
  @Override
  public void close() {
    closer.close();
  }
}
