package dev.tideline.benchmarks.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.benchmarks.sdk.CountingKinesisEndpoint;
import dev.tideline.benchmarks.sdk.TrackerLogBenchmark;
import dev.tideline.events.v1.Click;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The producer comparison: the same 200-byte events through (a) Tideline with the Kinesis sink, (b)
 * the AWS KPL with aggregation, (c) AWS SDK v2 PutRecords with one record per call and (d)
 * PutRecords with 500 records per call, each producer in a JVM of its own.
 *
 * <ul>
 *   <li>{@code volume}: runs the producers alternating (a, b, c, d, a, b, ...) against a {@link
 *       CountingKinesisEndpoint} in a process of its own, and prints a Markdown table of medians
 *       with min–max: the producer's process-tree CPU time, peak RSS and wall time, and the
 *       endpoint's records, PutRecords calls, bytes, PUT payload units and events.
 *   <li>{@code delivery}: sends a small run of each producer to the local Kinesis, reads it back
 *       with the KCL's deaggregation and checks every event, then sends the same run to the
 *       counting endpoint and prints both sets of figures side by side.
 * </ul>
 *
 * <p>The KPL reaches its loopback endpoints over TLS through {@code socat} ({@link LoopbackTls})
 * and calls the {@link StsStub}. Every child process runs with {@code
 * AWS_EC2_METADATA_DISABLED=true}, fake static credentials and region us-east-1: no traffic leaves
 * loopback. See benchmarks/README.md, "Producer comparison". Linux only (it reads /proc).
 */
@Command(
    name = "producer-comparison",
    mixinStandardHelpOptions = true,
    description = "Compares Tideline, the AWS KPL and plain PutRecords on the same events.")
public final class ProducerComparison implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--mode",
      defaultValue = "volume",
      description =
          "volume, delivery, or table (the volume table again from --work-dir's runs.jsonl)")
  String mode;

  @Option(names = "--events", defaultValue = "1000000", description = "events per run")
  int events;

  @Option(names = "--runs", defaultValue = "3", description = "runs of each producer (volume)")
  int runs;

  @Option(
      names = "--producers",
      split = ",",
      defaultValue = "tideline,kpl,sdk-single,sdk-batch500",
      description = "producers, in the order they alternate")
  List<String> producers;

  @Option(names = "--shards", defaultValue = "4", description = "shards of the stream")
  int shards;

  @Option(
      names = "--jvm-options",
      split = " ",
      defaultValue = "-Xmx2g",
      description = "options of every producer's JVM (space-separated)")
  List<String> jvmOptions;

  @Option(names = "--work-dir", description = "logs and certificates (default: a new temp dir)")
  Path workDir;

  /** One producer run: what the producer process reported and what the endpoint counted. */
  record Run(Producer producer, JsonNode process, JsonNode endpoint) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new ProducerComparison()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path work =
        workDir != null
            ? Files.createDirectories(workDir)
            : Files.createTempDirectory("tideline-comparison");
    List<Producer> order = new ArrayList<>();
    producers.forEach(id -> order.add(Producer.of(id)));
    if (mode.equals("table")) {
      return table(work.resolve("runs.jsonl"), order);
    }
    System.err.println("logs in " + work);
    try (EndpointProcess endpoint = EndpointProcess.start(work, shards);
        StsStub sts = StsStub.start();
        LoopbackTls tls = LoopbackTls.create(work)) {
      int kinesisTls = tls.terminate(endpoint.port);
      int stsTls = tls.terminate(sts.port());
      if (mode.equals("delivery")) {
        return delivery(work, order, endpoint, kinesisTls, stsTls);
      }
      List<Run> all = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        for (Producer producer : order) {
          URI target =
              URI.create(
                  producer == Producer.KPL
                      ? "https://127.0.0.1:" + kinesisTls
                      : "http://127.0.0.1:" + endpoint.port);
          JsonNode process =
              runProducer(
                  work,
                  producer,
                  target,
                  "comparison",
                  stsTls,
                  run,
                  () -> endpoint.readyCounts(producer));
          JsonNode counts = endpoint.counts(false);
          Run result = new Run(producer, process, counts);
          all.add(result);
          System.err.printf("run %d %s: %s %s%n", run, producer.id(), process, counts);
          Files.writeString(
              work.resolve("runs.jsonl"),
              JSON.writeValueAsString(
                      Map.of(
                          "producer",
                          producer.id(),
                          "run",
                          run,
                          "process",
                          process,
                          "endpoint",
                          counts))
                  + "\n",
              StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.APPEND);
        }
      }
      System.out.println(volumeTable(order, all));
      return 0;
    }
  }

  /**
   * Prints the volume table from the runs recorded in a runs.jsonl file, such as those of a set
   * that was stopped before its end; the number of runs is given per producer.
   */
  private int table(Path file, List<Producer> order) throws IOException {
    List<Run> all = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      JsonNode run = JSON.readTree(line);
      Producer producer = Producer.of(run.path("producer").asText());
      if (order.contains(producer)) {
        all.add(new Run(producer, run.path("process"), run.path("endpoint")));
        events = run.path("process").path("events").asInt();
      }
    }
    order.removeIf(p -> all.stream().noneMatch(r -> r.producer() == p));
    runs = (int) all.stream().filter(r -> r.producer() == order.get(0)).count();
    System.out.println(volumeTable(order, all));
    return 0;
  }

  private int delivery(
      Path work, List<Producer> order, EndpointProcess endpoint, int kinesisTls, int stsTls)
      throws Exception {
    Click[] sent = TrackerLogBenchmark.clicks(events, ComparisonProducer.EVENT_BYTES);
    StringBuilder table = new StringBuilder();
    table.append(
        "| producer | events sent | read back: delivered | duplicates | not as sent | records"
            + " | bytes | PUT units | events (KCL) | endpoint: records | bytes | PUT units |"
            + " events | PutRecords calls |\n");
    table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    boolean ok = true;
    try (LocalKinesisServer server = LocalKinesisServer.start()) {
      for (Producer producer : order) {
        String stream = "compare-" + producer.id();
        server.createStream(stream, shards);
        URI local = producer == Producer.KPL ? server.httpsEndpoint() : server.httpEndpoint();
        runProducer(work, producer, local, stream, stsTls, 0, () -> {});
        StreamReadBack stored = StreamReadBack.read(server.client(), stream, sent, producer);
        server.deleteStream(stream);

        URI counting =
            URI.create(
                producer == Producer.KPL
                    ? "https://127.0.0.1:" + kinesisTls
                    : "http://127.0.0.1:" + endpoint.port);
        runProducer(
            work,
            producer,
            counting,
            "comparison",
            stsTls,
            0,
            () -> endpoint.readyCounts(producer));
        JsonNode counts = endpoint.counts(false);
        ok &= stored.delivered() == events && stored.duplicates() == 0 && stored.mismatched() == 0;
        table.append(
            String.format(
                Locale.ROOT,
                "| %s | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d |%n",
                producer.title(),
                events,
                stored.delivered(),
                stored.duplicates(),
                stored.mismatched(),
                stored.records(),
                stored.bytes(),
                stored.putPayloadUnits(),
                stored.events(),
                counts.path("records").asLong(),
                counts.path("bytes").asLong(),
                counts.path("putPayloadUnits").asLong(),
                counts.path("events").asLong(),
                counts.path("requests").asLong()));
        System.err.println(producer.id() + ": " + stored + " endpoint " + counts);
      }
    }
    System.out.print(table);
    System.out.println(
        ok ? "OK: every event of every producer read back once, as sent" : "FAILED: see the table");
    return ok ? 0 : 1;
  }

  /**
   * Runs one producer process to the end. At its READY line (warm-up done) {@code onReady} runs
   * (the endpoint's counts are reset), then the process is told to go.
   *
   * @return the producer's RESULT object
   */
  private JsonNode runProducer(
      Path work,
      Producer producer,
      URI endpoint,
      String stream,
      int stsPort,
      int run,
      Runnable onReady)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            ComparisonProducer.class.getName(),
            "--producer=" + producer.id(),
            "--events=" + events,
            "--endpoint=" + endpoint,
            "--stream=" + stream,
            "--sts-port=" + stsPort,
            "--handshake"));
    if (!stream.equals("comparison")) {
      command.add("--slow-endpoint"); // the local Kinesis
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    loopbackOnly(builder.environment());
    Path log =
        work.resolve(
            producer.id()
                + "-"
                + mode
                + "-"
                + (stream.equals("comparison") ? "counting" : "local")
                + "-"
                + run
                + ".log");
    builder.redirectError(log.toFile());
    Process process = builder.start();
    JsonNode result = null;
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = process.getOutputStream()) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.equals("READY")) {
          try {
            onReady.run();
          } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
          }
          in.write('\n');
          in.flush();
        } else if (line.startsWith("RESULT ")) {
          result = JSON.readTree(line.substring("RESULT ".length()));
        }
      }
    }
    if (!process.waitFor(1, TimeUnit.HOURS) || process.exitValue() != 0 || result == null) {
      process.destroyForcibly();
      throw new IllegalStateException(
          producer.id()
              + " failed (exit "
              + (process.isAlive() ? "none" : process.exitValue())
              + ", result "
              + result
              + "); its log: "
              + log
              + "\n"
              + tail(log));
    }
    return result;
  }

  /** No traffic leaves loopback: no instance metadata probes, fake credentials, a fixed region. */
  static void loopbackOnly(Map<String, String> environment) {
    environment.put("AWS_EC2_METADATA_DISABLED", "true");
    environment.put("AWS_REGION", "us-east-1");
    environment.put("AWS_ACCESS_KEY_ID", "bench");
    environment.put("AWS_SECRET_ACCESS_KEY", "bench-secret");
    environment.put("AWS_JAVA_V1_DISABLE_DEPRECATION_ANNOUNCEMENT", "true");
    environment.remove("AWS_PROFILE");
    environment.remove("AWS_SESSION_TOKEN");
  }

  private String volumeTable(List<Producer> order, List<Run> all) {
    Map<Producer, List<Run>> byProducer = new EnumMap<>(Producer.class);
    all.forEach(r -> byProducer.computeIfAbsent(r.producer(), p -> new ArrayList<>()).add(r));
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%,d events of %d bytes per run, %d runs of each producer, alternating; median (min–max)%n%n",
            events,
            ComparisonProducer.EVENT_BYTES,
            runs));
    out.append(
        "| producer | runs | CPU s (process tree) | CPU µs/event | peak RSS MiB | wall s | Kinesis records"
            + " | PutRecords calls | bytes sent | bytes/event | PUT payload units | events delivered"
            + " |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Producer producer : order) {
      List<Run> runsOf = Objects.requireNonNull(byProducer.get(producer), "every producer ran");
      out.append("| ").append(producer.title()).append(" | ").append(runsOf.size());
      out.append(cell(runsOf, r -> r.process().path("cpuSeconds").asDouble(), "%.2f"));
      out.append(
          cell(runsOf, r -> r.process().path("cpuSeconds").asDouble() * 1e6 / events, "%.2f"));
      out.append(
          cell(runsOf, r -> r.process().path("peakRssBytes").asDouble() / (1 << 20), "%.0f"));
      out.append(cell(runsOf, r -> r.process().path("wallSeconds").asDouble(), "%.2f"));
      out.append(cell(runsOf, r -> r.endpoint().path("records").asDouble(), "%,.0f"));
      out.append(cell(runsOf, r -> r.endpoint().path("requests").asDouble(), "%,.0f"));
      out.append(cell(runsOf, r -> r.endpoint().path("bytes").asDouble(), "%,.0f"));
      out.append(cell(runsOf, r -> r.endpoint().path("bytes").asDouble() / events, "%.1f"));
      out.append(cell(runsOf, r -> r.endpoint().path("putPayloadUnits").asDouble(), "%,.0f"));
      out.append(cell(runsOf, r -> r.endpoint().path("events").asDouble(), "%,.0f"));
      out.append(" |\n");
    }
    long floor = floorUnits((long) events * ComparisonProducer.EVENT_BYTES);
    out.append(
        String.format(
            Locale.ROOT,
            "%nFloor: the events' own bytes (%,d) in full 1 MiB records: %,d PUT payload units.%n",
            (long) events * ComparisonProducer.EVENT_BYTES,
            floor));
    if (byProducer.containsKey(Producer.TIDELINE) && byProducer.containsKey(Producer.KPL)) {
      List<Run> t = byProducer.get(Producer.TIDELINE);
      List<Run> k = byProducer.get(Producer.KPL);
      ToDoubleFunction<Run> cpu = r -> r.process().path("cpuSeconds").asDouble();
      ToDoubleFunction<Run> bytes = r -> r.endpoint().path("bytes").asDouble();
      ToDoubleFunction<Run> units = r -> r.endpoint().path("putPayloadUnits").asDouble();
      out.append(
          String.format(
              Locale.ROOT,
              "Tideline/KPL (medians): CPU per event %.2f, bytes per event %.2f, PUT payload units"
                  + " %.2f; Tideline's units / floor %.2f.%n",
              median(t, cpu) / median(k, cpu),
              median(t, bytes) / median(k, bytes),
              median(t, units) / median(k, units),
              median(t, units) / floor));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "Date %s, load average at the end %s, %d cores.%n",
            LocalDate.now(ZoneId.systemDefault()),
            loadAverage(),
            Runtime.getRuntime().availableProcessors()));
    return out.toString();
  }

  /**
   * PUT payload units of {@code bytes} packed into full records of 1 MiB: 41 units for each full
   * record (1 MiB in 25 KiB units, rounded up), and the rest in one more record.
   */
  public static long floorUnits(long bytes) {
    long record = 1 << 20;
    long unit = CountingKinesisEndpoint.PUT_PAYLOAD_UNIT_BYTES;
    long full = bytes / record;
    long rest = bytes % record;
    return full * ((record + unit - 1) / unit) + (rest + unit - 1) / unit;
  }

  private static String cell(List<Run> runs, ToDoubleFunction<Run> figure, String format) {
    double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
    String median = String.format(Locale.ROOT, format, median(values));
    if (values[0] == values[values.length - 1]) {
      return " | " + median;
    }
    return " | "
        + median
        + " ("
        + String.format(Locale.ROOT, format, values[0])
        + "–"
        + String.format(Locale.ROOT, format, values[values.length - 1])
        + ")";
  }

  private static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
    return median(runs.stream().mapToDouble(figure).sorted().toArray());
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return String.join(" ", Arrays.copyOf(fields, 3));
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** The counting endpoint in a JVM of its own, read and reset over its control path. */
  static final class EndpointProcess implements AutoCloseable {
    final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    private EndpointProcess(int port, Process process) {
      this.port = port;
      this.process = process;
    }

    static EndpointProcess start(Path work, int shards) throws IOException, InterruptedException {
      int port = LoopbackTls.freePort();
      ProcessBuilder builder =
          new ProcessBuilder(
              ProcessHandle.current().info().command().orElse("java"),
              "-cp",
              System.getProperty("java.class.path"),
              CountingKinesisEndpoint.class.getName(),
              Integer.toString(port),
              Integer.toString(shards));
      loopbackOnly(builder.environment());
      builder.redirectErrorStream(true).redirectOutput(work.resolve("endpoint.log").toFile());
      EndpointProcess endpoint = new EndpointProcess(port, builder.start());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try {
          endpoint.counts(false);
          return endpoint;
        } catch (UncheckedIOException notYet) {
          if (!endpoint.process.isAlive() || System.nanoTime() > deadline) {
            endpoint.close();
            throw new IllegalStateException(
                "the counting endpoint did not start; see endpoint.log", notYet);
          }
          Thread.sleep(100);
        }
      }
    }

    /** The counts; with {@code reset}, set to zero after reading. */
    JsonNode counts(boolean reset) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port
                                + CountingKinesisEndpoint.COUNTS_PATH
                                + (reset ? "?reset" : "")))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /**
     * At a producer's READY: resets the counts, so that the warm-up is not counted, and checks that
     * an aggregating producer has asked for its shard map (ListShards).
     *
     * @throws IllegalStateException if an aggregating producer never called ListShards
     */
    void readyCounts(Producer producer) {
      JsonNode before = counts(true);
      if (producer.aggregates() && before.path("listShardsCalls").asLong() == 0) {
        throw new IllegalStateException(
            producer.id() + " reported READY before it called ListShards: " + before);
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
  }
}
