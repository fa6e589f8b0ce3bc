package dev.tideline.benchmarks.validator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The same three paths as {@link ValidatorBenchmark}, measured in thread CPU time rather than wall
 * time, so the per-core figure holds on a machine shared with other work.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tideline.benchmarks.validator.ValidatorCpuTime [seconds per path, default 10]}.
 */
public final class ValidatorCpuTime {
  private ValidatorCpuTime() {}

  /** Prints events per CPU-second of each path. */
  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    ValidatorBenchmark bench = new ValidatorBenchmark();
    bench.setUp();
    Blackhole sink =
        new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is"
                + " dangerous.");
    System.out.printf(Locale.ROOT, "average envelope: %d bytes%n", bench.averageEnvelopeBytes());
    String[] paths = {"bareDecode", "validate", "fullPath"};
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 2; round++) {
      for (String path : paths) {
        long cpuBudget = (long) (seconds * 1e9 / (round == 0 ? 4 : 1));
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
            default:
              bench.fullPath(sink);
          }
          invocations++;
        }
        long cpu = threads.getCurrentThreadCpuTime() - start;
        if (round == 1) {
          System.out.printf(
              Locale.ROOT,
              "%-10s %,12.0f events per CPU-second%n",
              path,
              invocations * (double) ValidatorBenchmark.EVENTS / (cpu / 1e9));
        }
      }
    }
  }
}
