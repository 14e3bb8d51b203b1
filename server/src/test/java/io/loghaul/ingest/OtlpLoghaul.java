package io.loghaul.ingest;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import io.loghaul.LoghaulServer;
import io.loghaul.testing.KafkaTestClient;
import io.loghaul.testing.RealServers;
import io.loghaul.testing.TestLoghaul;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process loghaul with both OTLP receivers on ports of their own choosing ({@code auto}),
 * ingesting into a fresh topic and table of {@link RealServers}, shared by one IT class; after the
 * class it stops loghaul and fails if Netty reported a leaked buffer. Register it after the servers
 * it uses: {@code @RegisterExtension @Order(1) static final RealServers servers =
 * ...; @RegisterExtension @Order(2) static final OtlpLoghaul otlp = new OtlpLoghaul(servers);}
 */
final class OtlpLoghaul implements BeforeAllCallback, AfterAllCallback {
  private final RealServers servers;
  private NettyLeakWatch leaks;
  private LoghaulServer loghaul;
  private String table;

  OtlpLoghaul(RealServers servers) {
    this.servers = requireNonNull(servers, "servers");
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    leaks = new NettyLeakWatch();
    String topic = KafkaTestClient.uniqueName("otlp");
    table = KafkaTestClient.uniqueName("t");
    loghaul =
        TestLoghaul.start(
            servers,
            "--kafka.topics=" + topic,
            "--kafka.ingest-topic=" + topic,
            "--clickhouse.table=" + table,
            "--otlp.grpc.port=auto",
            "--otlp.http.port=auto");
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (loghaul != null) {
        loghaul.close();
      }
      assertThat(leaks.reports()).as("Netty leak reports").isEmpty();
    } finally {
      leaks.close();
    }
  }

  LoghaulServer loghaul() {
    return loghaul;
  }

  /** The ClickHouse table the OTLP records end up in. */
  String table() {
    return table;
  }
}
