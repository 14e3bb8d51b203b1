package io.loghaul;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortsFileTest {
  @TempDir Path dir;

  @Test
  void writesOnePropertiesLinePerListenerAndRemovesTheFileOnClose() throws Exception {
    Path file = dir.resolve("run/loghaul.ports");
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("otlp.grpc.port", 40001);
    ports.put("admin.port", 40002);

    try (PortsFile written = PortsFile.write(file, ports)) {
      assertThat(Files.readString(file, UTF_8))
          .isEqualTo("otlp.grpc.port=40001\nadmin.port=40002\n");
      assertThat(dir.resolve("run")).isDirectoryNotContaining("glob:**.tmp");
    }
    assertThat(file).doesNotExist();
  }

  @Test
  void clearRemovesAFileLeftByAnEarlierRun() throws Exception {
    Path file = Files.writeString(dir.resolve("loghaul.ports"), "admin.port=1\n");

    PortsFile.clear(file);

    assertThat(file).doesNotExist();
  }
}
