package dev.tideline.benchmarks.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and peak resident memory of this process and every process it started (the KPL's native
 * daemon), read from Linux's {@code /proc}.
 *
 * <p>CPU is user plus system time of every thread ({@code /proc/<pid>/stat}, fields 14 and 15, in
 * clock ticks), plus that of children already waited for (fields 16 and 17). Peak RSS is each
 * process's {@code VmHWM} ({@code /proc/<pid>/status}), added up: the processes run side by side,
 * so the sum bounds the tree's peak from above. Immutable.
 */
record ProcessTree(long cpuTicks, long peakRssBytes, int processes) {
  private static final long TICKS_PER_SECOND = clockTicks();

  /** A sample of this process and its living descendants, now. */
  static ProcessTree sample() {
    List<Long> pids = new ArrayList<>();
    pids.add(ProcessHandle.current().pid());
    ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
    long ticks = 0;
    long rss = 0;
    int seen = 0;
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name may hold spaces: fields are counted after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        for (int field = 14; field <= 17; field++) {
          ticks += Long.parseLong(fields[field - 3]);
        }
        rss += peakRss(pid);
        seen++;
      } catch (NoSuchFileException e) {
        // The process ended between the listing and the read: it is no longer part of the tree.
      } catch (IOException e) {
        throw new IllegalStateException("cannot read /proc/" + pid + ": " + e.getMessage(), e);
      }
    }
    return new ProcessTree(ticks, rss, seen);
  }

  /** CPU seconds between an earlier sample and this one. */
  double cpuSecondsSince(ProcessTree earlier) {
    return (double) (cpuTicks - earlier.cpuTicks) / TICKS_PER_SECOND;
  }

  /** CPU seconds of the tree since its processes started. */
  double cpuSeconds() {
    return (double) cpuTicks / TICKS_PER_SECOND;
  }

  private static long peakRss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
      try (InputStream out = getconf.getInputStream()) {
        return Long.parseLong(new String(out.readAllBytes(), StandardCharsets.US_ASCII).trim());
      }
    } catch (IOException | NumberFormatException e) {
      return 100; // USER_HZ on every Linux architecture the KPL ships for
    }
  }
}
