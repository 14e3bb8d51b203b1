package io.loghaul.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class JvmProcessMetricsTest {
  @Test
  void readsVmRssInBytes() {
    String status = "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n";
    assertThat(JvmProcessMetrics.parseVmRss(status)).isEqualTo(123456.0 * 1024);
  }

  @Test
  void reportsNaNWithoutAVmRssLine() {
    assertThat(JvmProcessMetrics.parseVmRss("Name:\tjava\n")).isNaN();
  }

  @Test
  void registersJvmAndProcessMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (JvmProcessMetrics ignored = new JvmProcessMetrics(registry)) {
      assertThat(registry.get("process.resident.memory").gauge().value()).isPositive();
      assertThat(registry.get("memory.mapped.files").gauge().value()).isNotNegative();
      assertThat(registry.find("jvm.memory.used").gauges()).isNotEmpty();
      assertThat(registry.find("jvm.threads.live").gauge()).isNotNull();
      assertThat(registry.find("process.cpu.usage").gauge()).isNotNull();
      assertThat(registry.find("process.files.open").gauge()).isNotNull();
    }
  }
}
