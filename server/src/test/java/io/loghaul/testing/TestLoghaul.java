package io.loghaul.testing;

import io.loghaul.LoghaulServer;
import io.loghaul.config.ConfigLoader;
import io.loghaul.config.LoghaulConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts an in-process loghaul against {@link RealServers}, with per-test overrides. */
public final class TestLoghaul {
  private TestLoghaul() {}

  /**
   * The command-line flags that point loghaul at {@code servers} (no OTLP, any free admin port).
   */
  public static List<String> flags(RealServers servers, String... overrides) {
    List<String> args = new ArrayList<>();
    args.add("--kafka.bootstrap=" + servers.bootstrap());
    args.add("--clickhouse.url=" + servers.clickhouse().url());
    args.add("--otlp.grpc.port=0");
    args.add("--otlp.http.port=0");
    args.add("--admin.port=auto");
    args.add("--data.dir=" + servers.dir().resolve("data"));
    args.add("--kafka.topic-partitions=4");
    args.add("--batch.max-delay-ms=200");
    args.addAll(List.of(overrides));
    return args;
  }

  public static LoghaulConfig config(RealServers servers, String... overrides) throws Exception {
    return ConfigLoader.load(flags(servers, overrides), Map.of());
  }

  public static LoghaulServer start(RealServers servers, String... overrides) throws Exception {
    return LoghaulServer.start(config(servers, overrides));
  }
}
