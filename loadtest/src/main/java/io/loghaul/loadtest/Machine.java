package io.loghaul.loadtest;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark ran on: cores, memory, CPU model, JDK and OS, read from the JVM and from {@code
 * /proc} (fields that cannot be read are left out), and whether the kernel's DAMON monitors memory
 * (its sampling stalls every process on the machine at each interval: BENCHMARKS.md, "What stalls
 * the request path"). Every result file carries it.
 */
public final class Machine {
  static final Path DAMON_ADMIN = Path.of("/sys/kernel/mm/damon/admin");

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
    List<Map<String, Object>> damon = damon(DAMON_ADMIN);
    if (!damon.isEmpty()) {
      m.put("damon", damon);
    }
    return m;
  }

  /**
   * The running DAMON monitors under {@code admin} (sysfs {@code /sys/kernel/mm/damon/admin}): for
   * each kdamond that is on, its operations ({@code paddr}: all physical memory, {@code vaddr}:
   * chosen processes) and sampling interval. Empty when there is none or it cannot be read.
   */
  static List<Map<String, Object>> damon(Path admin) {
    List<Map<String, Object>> on = new ArrayList<>();
    Path kdamonds = admin.resolve("kdamonds");
    for (int i = 0; Files.isDirectory(kdamonds.resolve(Integer.toString(i))); i++) {
      Path kdamond = kdamonds.resolve(Integer.toString(i));
      if (!"on".equals(firstLine(kdamond.resolve("state")))) {
        continue;
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("kdamond", i);
      Path context = kdamond.resolve("contexts/0");
      String operations = firstLine(context.resolve("operations"));
      if (operations != null) {
        d.put("operations", operations);
      }
      String sampleUs = firstLine(context.resolve("monitoring_attrs/intervals/sample_us"));
      if (sampleUs != null && sampleUs.matches("\\d+")) {
        d.put("sample_interval_us", Long.parseLong(sampleUs));
      }
      on.add(d);
    }
    return on;
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
    sb.append(", ").append(m.get("jdk")).append(", ").append(m.get("os"));
    if (m.get("damon") instanceof List<?> damon) {
      for (Object o : damon) {
        Map<?, ?> d = (Map<?, ?>) o;
        sb.append(", DAMON on (").append(d.get("operations"));
        if (d.get("sample_interval_us") instanceof Number us) {
          sb.append(", sampling every ")
              .append(BigDecimal.valueOf(us.longValue(), 3).stripTrailingZeros().toPlainString())
              .append(" ms");
        }
        sb.append(')');
      }
    }
    return sb.toString();
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

  private static String firstLine(Path p) {
    List<String> lines = lines(p);
    return lines.isEmpty() ? null : lines.get(0).trim();
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
