package io.loghaul.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClickHouseConfigTest {
  @Test
  void generatesAConfigWithOnlyTheHttpPortOnLoopback() {
    String xml = ClickHouseConfig.builder(Path.of("/var/x&y"), 18123).build().configXml();

    assertThat(xml)
        .contains("<yandex>")
        .contains("<http_port>18123</http_port>")
        .contains("<listen_host>127.0.0.1</listen_host>")
        .contains("<path>/var/x&amp;y/data/</path>")
        .contains("<users_config>/var/x&amp;y/users.xml</users_config>")
        .contains("<console>0</console>")
        .doesNotContain(
            "tcp_port",
            "interserver",
            "mysql_port",
            "postgresql_port",
            "remote_servers",
            "zookeeper",
            "macros");
  }

  @Test
  void holdsOnlyAbsolutePathsForARelativeDirectory() {
    ClickHouseConfig config = ClickHouseConfig.builder(Path.of("work/ch"), 8123).build();
    Path abs = Path.of("work/ch").toAbsolutePath().normalize();

    assertThat(config.dir()).isEqualTo(abs);
    assertThat(config.configXml())
        .contains("<path>" + abs.resolve("data") + "/</path>")
        .contains("<log>" + abs.resolve("log/clickhouse-server.log") + "</log>")
        .doesNotContain(">work/");
  }

  @Test
  void writesTheClusterSectionsOfAReplica() {
    String xml =
        ClickHouseConfig.builder(Path.of("/d"), 18123)
            .tcpPort(19000)
            .interserverHttpPort(19009)
            .cluster(
                "two_by_two",
                List.of(
                    List.of("127.0.0.1:19000", "127.0.0.1:19001"),
                    List.of("127.0.0.1:19002", "127.0.0.1:19003")))
            .macro("shard", "01")
            .macro("replica", "r1")
            .zookeeper(List.of("127.0.0.1:2181"))
            .build()
            .configXml();

    assertThat(xml)
        .contains("<tcp_port>19000</tcp_port>")
        .contains("<interserver_http_port>19009</interserver_http_port>")
        .contains("<interserver_http_host>127.0.0.1</interserver_http_host>")
        .contains("<remote_servers>\n    <two_by_two>\n      <shard>\n")
        .contains("<internal_replication>true</internal_replication>")
        .contains("<replica><host>127.0.0.1</host><port>19003</port></replica>")
        .contains("<macros>\n    <shard>01</shard>\n    <replica>r1</replica>\n  </macros>")
        .contains("<node><host>127.0.0.1</host><port>2181</port></node>")
        .contains("<distributed_ddl>");
    assertThat(xml.split("<shard>\n", -1)).hasSize(3);
  }

  @Test
  void putsProfileSettingsIntoTheDefaultProfile() {
    String users =
        ClickHouseConfig.builder(Path.of("/d"), 18123)
            .profileSetting("stream_flush_interval_ms", "500")
            .build()
            .usersXml();

    assertThat(users)
        .contains("      <stream_flush_interval_ms>500</stream_flush_interval_ms>\n    </default>")
        .contains("<ip>127.0.0.1</ip>");
  }

  @Test
  void rejectsABadPortAndABadAddress() {
    assertThatThrownBy(() -> ClickHouseConfig.builder(Path.of("/d"), 70000))
        .hasMessage("clickhouse.managed.http-port: 70000 (expected: 1..65535)");
    assertThatThrownBy(
            () ->
                ClickHouseConfig.builder(Path.of("/d"), 1)
                    .cluster("c", List.of(List.of("no-port"))))
        .hasMessageContaining("expected: host:port");
    assertThatThrownBy(() -> ClickHouseConfig.builder(Path.of("/d"), 1).macro("a b", "x"))
        .hasMessageContaining("XML element name");
  }
}
