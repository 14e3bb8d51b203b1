package io.loghaul.loadtest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time and resident memory of a local process, read from {@code /proc/<pid>/stat} and {@code
 * /proc/<pid>/status} (Linux only). Values are cumulative since the process started; take
 * differences. Returns -1 when the process is gone or {@code /proc} is unreadable.
 */
public final class ProcStat {
  /** Clock ticks per second of {@code /proc/<pid>/stat} times; 100 on every Linux we run on. */
  static final double TICKS_PER_SECOND = 100.0;

  private ProcStat() {}

  /** User + system CPU seconds the process has used, or -1. */
  public static double cpuSeconds(long pid) {
    try {
      return parseCpuSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU seconds of each thread of a process over its whole life, summed by thread name with digits
   * folded ({@code C2 CompilerThread0} and {@code 1} become {@code C2 CompilerThread#}), largest
   * first; empty when unreadable. Names come from {@code /proc/<pid>/task/<tid>/stat} (at most 15
   * characters, as the kernel keeps them).
   */
  public static Map<String, Double> cpuSecondsByThread(long pid) {
    Map<String, Double> byName = new HashMap<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name =
              stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                  .replaceAll("[0-9]+", "#");
          byName.merge(name, parseCpuSeconds(stat), Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    Map<String, Double> sorted = new LinkedHashMap<>();
    byName.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Resident set size in bytes, or -1. */
  public static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * CPU seconds the whole machine has been busy (every core, every process: user, nice, system,
   * irq, softirq, steal) since boot, from {@code /proc/stat}; or -1. The difference to the
   * processes a benchmark measures is what else ran on the machine meanwhile.
   */
  public static double machineBusySeconds() {
    try {
      return parseMachineBusySeconds(Files.readAllLines(Path.of("/proc/stat")).get(0));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The busy ticks of the aggregate {@code cpu} line of /proc/stat, in seconds. */
  static double parseMachineBusySeconds(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (!f[0].equals("cpu")) {
      throw new IllegalArgumentException("not the aggregate cpu line: " + cpuLine);
    }
    // user nice system idle iowait irq softirq steal ...
    long busy = 0;
    for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
      busy += Long.parseLong(f[i]);
    }
    return busy / TICKS_PER_SECOND;
  }

  /** utime + stime of one {@code /proc/<pid>/stat} line, in seconds. */
  static double parseCpuSeconds(String stat) {
    // the command name (field 2) is in parentheses and may hold spaces: count fields after it
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state); utime is field 14, stime field 15
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }
}
