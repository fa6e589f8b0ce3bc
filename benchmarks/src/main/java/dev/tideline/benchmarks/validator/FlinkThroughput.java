package dev.tideline.benchmarks.validator;

import dev.tideline.events.v1.ScreenView;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.validator.HashKeyRange;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.flink.hourly.HourlyResult;
import dev.tideline.validator.flink.hourly.HourlyValidation;
import dev.tideline.validator.source.SourceRecord;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The validator's Flink job on a local Flink cluster in this JVM: {@link HourlyValidation} over a
 * bounded, generated stream of the records {@link ValidatorBenchmark} validates, into a sink that
 * only checks the counts. Prints events per second, overall and per slot, for each parallelism.
 *
 * <p>The stream: {@code --events} ScreenView events of about 193 bytes in KPL aggregates of 100, in
 * batches of {@link ScreenViewRecords#EVENTS} events, each batch with event ids of its own (so
 * every event is counted once, none as a duplicate) and an arrival time of its own, the batches
 * spread evenly over {@code --hours} hours; each event happened 20 s before its record arrived. The
 * records are made before the job starts and held in this JVM; the job's source is Flink's number
 * sequence, whose reader {@code k} of {@code p} emits records {@code k}, {@code k + p}, {@code k +
 * 2p}, … of that list, a shard of the stream each, in arrival order. Timestamps and watermarks
 * follow the arrival times as in {@code ValidatorJob} (bounded out-of-orderness 5 s, idle after 1
 * min). Every hour gets a hot and a cold result; the run fails unless the cold results count every
 * event as valid exactly once.
 *
 * <p>Each run is a job on a new local cluster of {@code p} slots. Its time runs from the first
 * record any reader emitted to the last result the sink received, so the cluster's and the job's
 * start-up are left out, and the end of the input (which closes the last hours) is in. Runs
 * alternate between the parallelisms; a warm-up run of each comes first and is not counted.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tideline.benchmarks.validator.FlinkThroughput [--events 3000000] [--runs 3] [--parallelism
 * 1,2]}.
 */
@Command(
    name = "flink-throughput",
    mixinStandardHelpOptions = true,
    description = "The validator's Flink hourly validation on a local cluster: events per second.")
public final class FlinkThroughput implements Callable<Integer> {
  private static final Instant START = Instant.parse("2026-11-25T12:00:00Z");

  // The records of the current runs and what the current run measured. The job's functions are
  // serialized and rebuilt in the local cluster's tasks, which run in this JVM and find them here.
  private static volatile List<SourceRecord> stream = List.of();
  private static final AtomicLong firstRecordNanos = new AtomicLong();
  private static final AtomicLong firstRecordCpuNanos = new AtomicLong();
  private static final AtomicLong lastResultNanos = new AtomicLong();
  private static final AtomicLong lastResultCpuNanos = new AtomicLong();
  private static final Queue<HourlyResult> results = new ConcurrentLinkedQueue<>();

  @Option(
      names = "--events",
      defaultValue = "3000000",
      description = "events per run, a multiple of 10,000 (default ${DEFAULT-VALUE})")
  long events;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "measured runs of each parallelism (default ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--parallelism",
      split = ",",
      defaultValue = "1,2",
      description = "parallelisms (slots), alternating (default ${DEFAULT-VALUE})")
  List<Integer> parallelisms = new ArrayList<>();

  @Option(
      names = "--hours",
      defaultValue = "4",
      description = "hours the arrival times spread over (default ${DEFAULT-VALUE})")
  int hours;

  /**
   * Runs the harness.
   *
   * @param args the options, as {@code --help} lists them
   */
  public static void main(String[] args) {
    // Flink logs through SLF4J, here slf4j-simple: its INFO lines would bury the figures.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(new CommandLine(new FlinkThroughput()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (events <= 0 || events % ScreenViewRecords.EVENTS != 0) {
      throw new IllegalArgumentException(
          "--events must be a positive multiple of "
              + ScreenViewRecords.EVENTS
              + ", was "
              + events);
    }
    if (runs <= 0 || hours <= 0 || parallelisms.isEmpty()) {
      throw new IllegalArgumentException("--runs, --hours and --parallelism must be positive");
    }
    for (int parallelism : parallelisms) {
      if (parallelism <= 0) {
        throw new IllegalArgumentException("a parallelism must be positive, was " + parallelism);
      }
    }
    long made = System.nanoTime();
    stream = records(events, Duration.ofHours(hours));
    System.out.printf(
        Locale.ROOT,
        "%,d events in %,d records (%,d MB), arrival %s to %s; made in %.1f s%n",
        events,
        stream.size(),
        stream.stream().mapToLong(r -> r.data().length).sum() / 1_000_000,
        START,
        START.plus(Duration.ofHours(hours)),
        (System.nanoTime() - made) / 1e9);

    List<List<Run>> measured = new ArrayList<>();
    for (int i = 0; i < parallelisms.size(); i++) {
      measured.add(new ArrayList<>());
    }
    for (int round = 0; round <= runs; round++) {
      for (int i = 0; i < parallelisms.size(); i++) {
        Run run = run(parallelisms.get(i));
        String label = round == 0 ? "warm-up" : "run " + round;
        System.out.println("p=" + parallelisms.get(i) + " " + label + ": " + run);
        if (round > 0) {
          measured.get(i).add(run);
        }
      }
    }
    System.out.println();
    for (int i = 0; i < parallelisms.size(); i++) {
      int parallelism = parallelisms.get(i);
      double[] rates = measured.get(i).stream().mapToDouble(Run::eventsPerSecond).toArray();
      double[] cpu = measured.get(i).stream().mapToDouble(Run::eventsPerCpuSecond).toArray();
      System.out.printf(
          Locale.ROOT,
          "p=%d: median %,.0f events/s (%,.0f per slot), runs %s; %,.0f events per process"
              + " CPU-second%n",
          parallelism,
          median(rates),
          median(rates) / parallelism,
          range(rates),
          median(cpu));
    }
    return 0;
  }

  /**
   * The stream's records in arrival order: batches of {@link ScreenViewRecords}, each with ids of
   * its own and arriving at its own moment, spread evenly over the span.
   */
  static List<SourceRecord> records(long events, Duration span) {
    CatalogEntry entry =
        Objects.requireNonNull(SchemaRegistry.fromClasspath().forClass(ScreenView.class));
    long batches = events / ScreenViewRecords.EVENTS;
    List<SourceRecord> records = new ArrayList<>((int) (batches * ScreenViewRecords.RECORDS));
    HashKeyRange shard = HashKeyRange.all();
    for (long batch = 0; batch < batches; batch++) {
      Instant arrival = START.plus(span.multipliedBy(batch).dividedBy(batches));
      // Ids spread as real ones (the SDK's mix a random producer id with the sequence): ids made of
      // consecutive batch numbers would share a few thousand hash codes between them all, and the
      // dedup window's hash table would measure its collisions. The multiplier is odd, so batches
      // keep distinct ids; none is ValidatorBenchmark's batch.
      long ids = (1000 + batch) * 0x9E3779B97F4A7C15L;
      for (byte[] data : ScreenViewRecords.make(entry, arrival, ids).records()) {
        records.add(
            new SourceRecord(
                data,
                ScreenViewRecords.PARTITION_KEY,
                null,
                arrival,
                "shardId-000000000000",
                Integer.toString(records.size()),
                shard));
      }
    }
    return List.copyOf(records);
  }

  private Run run(int parallelism) throws Exception {
    for (AtomicLong value :
        List.of(firstRecordNanos, firstRecordCpuNanos, lastResultNanos, lastResultCpuNanos)) {
      value.set(0);
    }
    results.clear();
    String loadBefore = load();
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
    DataStream<SourceRecord> records =
        env.fromSequence(0, stream.size() - 1)
            .name("ticks")
            .map(new ShardOfStream(parallelism))
            .returns(TypeInformation.of(SourceRecord.class))
            .name("records")
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<SourceRecord>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                    .withIdleness(Duration.ofMinutes(1))
                    .withTimestampAssigner(
                        (record, previous) -> record.arrivalTime().toEpochMilli()));
    HourlyValidation.builder().build().apply(records).sinkTo(new CheckingSink()).name("check");
    long started = System.nanoTime();
    env.execute("flink-throughput p=" + parallelism);
    long jobNanos = System.nanoTime() - started;
    String loadAfter = load();

    long valid = 0;
    long invalid = 0;
    long duplicates = 0;
    int cold = 0;
    for (HourlyResult result : results) {
      if (result.kind() == HourlyResult.Kind.COLD) {
        ValidationReport.Totals totals = result.report("flink-throughput", false).totals();
        valid += totals.valid();
        invalid += totals.invalid();
        duplicates += totals.duplicates();
        cold++;
      }
    }
    if (valid != events || invalid != 0 || duplicates != 0) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "the cold results counted %,d valid, %,d invalid and %,d duplicate events of %,d",
              valid,
              invalid,
              duplicates,
              events));
    }
    return new Run(
        parallelism,
        events,
        lastResultNanos.get() - firstRecordNanos.get(),
        lastResultCpuNanos.get() - firstRecordCpuNanos.get(),
        jobNanos,
        cold,
        results.size() - cold,
        loadBefore + " .. " + loadAfter);
  }

  /** The first three fields of /proc/loadavg, as uptime prints them; "?" where there is none. */
  private static String load() {
    try {
      String[] fields =
          new String(Files.readAllBytes(Paths.get("/proc/loadavg")), StandardCharsets.US_ASCII)
              .trim()
              .split(" ");
      return String.join(" ", Arrays.copyOf(fields, 3));
    } catch (IOException e) {
      return "?";
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String range(double[] values) {
    StringBuilder text = new StringBuilder();
    for (double value : values) {
      text.append(text.length() == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "%,.0f", value));
    }
    return text.toString();
  }

  /** One run's figures. */
  private record Run(
      int parallelism,
      long events,
      long nanos,
      long cpuNanos,
      long jobNanos,
      long coldResults,
      long otherResults,
      String load) {
    double eventsPerSecond() {
      return events / (nanos / 1e9);
    }

    double eventsPerCpuSecond() {
      return events / (cpuNanos / 1e9);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,.0f events/s (%,.0f per slot): %,d events in %.2f s from the first record to the"
              + " last result (job %.2f s with start-up); %.2f process CPU-s per s, %,.0f events"
              + " per CPU-s; %d cold and %d other results; load %s",
          eventsPerSecond(),
          eventsPerSecond() / parallelism,
          events,
          nanos / 1e9,
          jobNanos / 1e9,
          cpuNanos / (double) nanos,
          eventsPerCpuSecond(),
          coldResults,
          otherResults,
          load);
    }
  }

  /**
   * Reader {@code k} of {@code p}'s shard of the stream: for its {@code n}th tick, record {@code k
   * + n p}. The ticks' values are not used; each reader gets one range of as many ticks.
   */
  private static final class ShardOfStream extends RichMapFunction<Long, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final int parallelism;
    private int next;

    ShardOfStream(int parallelism) {
      this.parallelism = parallelism;
    }

    @Override
    public void open(OpenContext context) {
      next = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    }

    @Override
    public SourceRecord map(Long tick) {
      if (next < parallelism) {
        // This reader's first record: the first of all readers' starts the clock.
        long cpu = processCpuNanos();
        if (firstRecordNanos.compareAndSet(0, System.nanoTime())) {
          firstRecordCpuNanos.set(cpu);
        }
      }
      List<SourceRecord> records = stream;
      if (next >= records.size()) {
        throw new IllegalStateException(
            "a reader got more than its share of ticks (" + records.size() + " records)");
      }
      SourceRecord record = records.get(next);
      next += parallelism;
      return record;
    }
  }

  /**
   * Notes when each result arrived and keeps it; the counts are checked after the job, so that the
   * sink costs the job next to nothing.
   */
  private static final class CheckingSink implements Sink<HourlyResult> {
    private static final long serialVersionUID = 1L;

    @Override
    public SinkWriter<HourlyResult> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(HourlyResult result, Context context) {
          lastResultNanos.accumulateAndGet(System.nanoTime(), Math::max);
          lastResultCpuNanos.accumulateAndGet(processCpuNanos(), Math::max);
          results.add(result);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
