package io.loghaul.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark ran on: cores, memory, CPU model, JDK and OS, read from the JVM and from {@code
 * /proc} (fields that cannot be read are left out). Every result file carries it.
 */
public final class Machine {
  private Machine() {}

  /** The machine as an ordered map, ready for JSON. */
  public static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    Long memory = memInfoBytes("MemTotal:");
    if (memory != null) {
      m.put("memory_bytes", memory);
    }
    String cpu = cpuModel();
    if (cpu != null) {
      m.put("cpu_model", cpu);
    }
    m.put(
        "jdk",
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.vm.name")
            + " "
            + Runtime.version());
    m.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    return m;
  }

  /** One line for report headers, e.g. {@code 2 cores, 23.4 GiB, Intel Xeon ..., JDK 25+36}. */
  public static String oneLine(Map<String, Object> m) {
    StringBuilder sb = new StringBuilder().append(m.get("cores")).append(" cores");
    if (m.get("memory_bytes") instanceof Number n) {
      sb.append(String.format(", %.1f GiB RAM", n.doubleValue() / (1L << 30)));
    }
    if (m.get("cpu_model") != null) {
      sb.append(", ").append(m.get("cpu_model"));
    }
    return sb.append(", ").append(m.get("jdk")).append(", ").append(m.get("os")).toString();
  }

  private static Long memInfoBytes(String key) {
    for (String line : lines(Path.of("/proc/meminfo"))) {
      if (line.startsWith(key)) {
        String[] parts = line.substring(key.length()).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    return null;
  }

  private static String cpuModel() {
    for (String line : lines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return null;
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
