package io.loghaul.metrics;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JVM and process meters: heap and buffer pools, GC pauses, threads, class loading, CPU, open
 * files, uptime (Micrometer's binders), plus {@code memory_mapped_files_bytes}
 * (docs/metrics.md#metric-reference, the JVM's "mapped" buffer pool) and {@code
 * process_resident_memory_bytes} (VmRSS from {@code /proc/self/status}; NaN where that file does
 * not exist). Gauges are read at scrape time on the admin thread. {@link #close()} unregisters the
 * GC notification listener.
 */
public final class JvmProcessMetrics implements AutoCloseable {
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private final JvmGcMetrics gc = new JvmGcMetrics();

  public JvmProcessMetrics(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    BufferPoolMXBean mapped = mappedPool();
    Gauge.builder("memory.mapped.files", mapped, JvmProcessMetrics::used)
        .description("Bytes of memory-mapped files held by the JVM (the \"mapped\" buffer pool)")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
    Gauge.builder("process.resident.memory", JvmProcessMetrics::residentBytes)
        .description("Resident set size of the process (VmRSS)")
        .baseUnit("bytes")
        .register(registry);
  }

  private static BufferPoolMXBean mappedPool() {
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if ("mapped".equals(pool.getName())) {
        return pool;
      }
    }
    return null;
  }

  private static double used(BufferPoolMXBean pool) {
    return pool == null ? 0 : pool.getMemoryUsed();
  }

  /** VmRSS in bytes, or NaN when unavailable (not Linux). */
  static double residentBytes() {
    try {
      return parseVmRss(new String(Files.readAllBytes(PROC_STATUS), US_ASCII));
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * The {@code VmRSS: 1234 kB} line of a {@code /proc/<pid>/status} text, in bytes; NaN when
   * absent.
   */
  static double parseVmRss(String status) {
    int i = status.indexOf("VmRSS:");
    if (i < 0) {
      return Double.NaN;
    }
    int end = status.indexOf('\n', i);
    String line = status.substring(i + "VmRSS:".length(), end < 0 ? status.length() : end).trim();
    String[] parts = line.split("\\s+");
    long value = Long.parseLong(parts[0]);
    if (parts.length > 1 && parts[1].equalsIgnoreCase("kB")) {
      value *= 1024;
    }
    return value;
  }

  @Override
  public void close() {
    gc.close();
  }
}
