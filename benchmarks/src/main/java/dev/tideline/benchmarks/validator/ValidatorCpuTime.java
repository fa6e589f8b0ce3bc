package dev.tideline.benchmarks.validator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Paths;
import java.util.Locale;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The same paths as {@link ValidatorBenchmark}, measured in the benchmark thread's CPU time rather
 * than wall time, so the per-core figure holds on a machine shared with other work. Each path runs
 * in a JVM of its own (as JMH forks do), so one path's JIT profile does not slow another.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tideline.benchmarks.validator.ValidatorCpuTime [seconds per round, default 5]}. It prints,
 * per path, the events per CPU-second of each of 4 measured rounds after 2 warm-up rounds.
 */
public final class ValidatorCpuTime {
  private static final String[] PATHS = {
    "bareDecode", "validate", "fullPath", "fullPathWithPayloads"
  };
  private static final int WARMUP_ROUNDS = 2;
  private static final int ROUNDS = 4;

  private ValidatorCpuTime() {}

  /** Runs each path in a child JVM; with a path as second argument, runs that path here. */
  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    if (args.length > 1) {
      measure(args[1], seconds);
      return;
    }
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    for (String path : PATHS) {
      Process child =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  ValidatorCpuTime.class.getName(),
                  Double.toString(seconds),
                  path)
              .inheritIO()
              .start();
      if (child.waitFor() != 0) {
        throw new IllegalStateException(path + " failed with exit code " + child.exitValue());
      }
    }
  }

  private static void measure(String path, double seconds) throws Exception {
    ValidatorBenchmark bench = new ValidatorBenchmark();
    bench.setUp();
    Blackhole sink =
        new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is"
                + " dangerous.");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuBudget = (long) (seconds * 1e9);
    StringBuilder rounds = new StringBuilder();
    for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      long start = threads.getCurrentThreadCpuTime();
      long invocations = 0;
      while (threads.getCurrentThreadCpuTime() - start < cpuBudget) {
        switch (path) {
          case "bareDecode":
            bench.bareDecode(sink);
            break;
          case "validate":
            bench.validate(sink);
            break;
          case "fullPath":
            bench.fullPath(sink);
            break;
          case "fullPathWithPayloads":
            bench.fullPathWithPayloads(sink);
            break;
          default:
            throw new IllegalArgumentException("no path " + path);
        }
        invocations++;
      }
      long cpu = threads.getCurrentThreadCpuTime() - start;
      if (round >= WARMUP_ROUNDS) {
        rounds.append(
            String.format(
                Locale.ROOT,
                " %,12.0f",
                invocations * (double) ValidatorBenchmark.EVENTS / (cpu / 1e9)));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%-20s events per CPU-second (%d-byte envelopes):%s%n",
        path,
        bench.averageEnvelopeBytes(),
        rounds);
  }
}
