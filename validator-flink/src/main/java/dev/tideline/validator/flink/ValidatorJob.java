package dev.tideline.validator.flink;

import dev.tideline.validator.Validator;
import dev.tideline.validator.flink.hourly.DeliveryReportSink;
import dev.tideline.validator.flink.hourly.HourlyReportSink;
import dev.tideline.validator.flink.hourly.HourlyReportStreamSink;
import dev.tideline.validator.flink.hourly.HourlyResult;
import dev.tideline.validator.flink.hourly.HourlyValidation;
import dev.tideline.validator.flink.hourly.QuarantineSink;
import dev.tideline.validator.flink.source.KinesisClientFactory;
import dev.tideline.validator.flink.source.KinesisSource;
import dev.tideline.validator.source.SourceRecord;
import dev.tideline.validator.source.StartingPosition;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The validator as a Flink job: reads a Kinesis stream, validates every event with the validator
 * library and writes hourly hot, updated, cold and too-late reports (the CLI's JSON format with a
 * {@code window} object) under {@code --out}, and with {@code --results-stream} into a Kinesis
 * stream. Takes the CLI's options where they apply; see docs/validator-flink.md.
 */
@Command(
    name = "tideline-validate-flink",
    mixinStandardHelpOptions = true,
    description = "Validate a Kinesis stream on Flink, with hourly hot, updated and cold reports.")
public final class ValidatorJob implements Callable<Integer> {
  @SuppressWarnings("NullAway.Init") // set by picocli: a required parameter
  @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name or ARN.")
  String stream;

  @SuppressWarnings("NullAway.Init") // set by picocli: a required option
  @Option(
      names = "--out",
      required = true,
      paramLabel = "URI",
      description =
          "Folder of the reports (file:///…, s3://…): hour=YYYY-MM-DDTHH/report-<kind>.json,"
              + " and delivery/report-as-of-YYYY-MM-DDTHH.json.")
  String out;

  @Option(
      names = "--quarantine",
      paramLabel = "URI",
      description =
          "Folder of the bad events' lines, as the CLI's quarantine file, by arrival hour:"
              + " hour=YYYY-MM-DDTHH/quarantine-*.jsonl (committed with checkpoints).")
  @Nullable String quarantine;

  @Option(
      names = "--results-stream",
      paramLabel = "NAME",
      description =
          "Also put each report into this Kinesis stream (name or ARN), one record per result,"
              + " partition key the hour; same endpoint, region and profile as the source.")
  @Nullable String resultsStream;

  @Option(names = "--region", description = "AWS region (default: the AWS SDK's chain).")
  @Nullable String region;

  @Option(names = "--endpoint", description = "Kinesis endpoint, for example a local Kinesis.")
  @Nullable URI endpoint;

  @Option(names = "--profile", description = "AWS profile for credentials.")
  @Nullable String profile;

  @Option(
      names = "--from",
      paramLabel = "POSITION",
      description = "trim_horizon (default), latest, or an ISO-8601 instant.")
  String from = "trim_horizon";

  @Option(
      names = "--follow",
      description = "Keep reading as records arrive; without it the job ends once caught up.")
  boolean follow;

  @Option(
      names = "--reads-per-second",
      description = "GetRecords calls per second per shard, at most 5 (default 1).")
  double readsPerSecond = 1;

  @Option(names = "--records-per-call", description = "Records per GetRecords call.")
  int recordsPerCall = 10_000;

  @Option(names = "--read-timeout", description = "Kinesis call timeout (default PT30S).")
  Duration readTimeout = Duration.ofSeconds(30);

  @Option(
      names = "--schemas",
      paramLabel = "PATH",
      split = ",",
      description = "Jars or folders with users' catalogs, present on every task manager.")
  List<String> schemas = new ArrayList<>();

  @Option(names = "--show-pii", description = "Show personal values in reports.")
  boolean showPii;

  @Option(names = "--clock-skew-tolerance", description = "Default PT10M.")
  Duration clockSkewTolerance = Validator.DEFAULT_CLOCK_SKEW_TOLERANCE;

  @Option(names = "--result-delay", description = "Hot result after the hour's end (PT1M).")
  Duration resultDelay = HourlyValidation.DEFAULT_RESULT_DELAY;

  @Option(names = "--allowed-lateness", description = "Cold result after the hour's end (PT6H).")
  Duration allowedLateness = HourlyValidation.DEFAULT_ALLOWED_LATENESS;

  @Option(names = "--update-interval", description = "At most one update per (PT1M).")
  Duration updateInterval = HourlyValidation.DEFAULT_UPDATE_INTERVAL;

  @Option(
      names = "--producer-idle-timeout",
      description = "Forget a producer's delivery after this long without events (P7D).")
  Duration producerIdleTimeout = HourlyValidation.DEFAULT_PRODUCER_IDLE_TIMEOUT;

  @Option(names = "--buckets", description = "Event-id groups per hour (default: parallelism).")
  int buckets;

  @Option(
      names = "--out-of-orderness",
      description = "How far arrival times may go back across a reader's shards (PT5S).")
  Duration outOfOrderness = Duration.ofSeconds(5);

  @Option(names = "--idleness", description = "A shard without records is idle after (PT1M).")
  Duration idleness = Duration.ofMinutes(1);

  @Option(
      names = "--checkpoint-interval",
      description = "Checkpoint this often (PT1M); PT0S leaves it to the cluster's settings.")
  Duration checkpointInterval = Duration.ofMinutes(1);

  /**
   * Runs the job.
   *
   * @param args the options, as {@code --help} lists them
   */
  public static void main(String[] args) {
    int exit = new CommandLine(new ValidatorJob()).execute(args);
    if (exit != 0) {
      throw new IllegalArgumentException("tideline-validate-flink failed with exit code " + exit);
    }
  }

  @Override
  public Integer call() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (!checkpointInterval.isZero()) {
      env.enableCheckpointing(checkpointInterval.toMillis());
    }
    build(env);
    env.execute("tideline-validate " + stream);
    return 0;
  }

  /**
   * Adds the job to the environment: source, validation and counting, report files and the results
   * stream.
   */
  DataStream<HourlyResult> build(StreamExecutionEnvironment env) {
    KinesisClientFactory.Builder clients = KinesisClientFactory.builder().readTimeout(readTimeout);
    if (region != null) {
      clients.region(region);
    }
    if (endpoint != null) {
      clients.endpoint(endpoint);
    }
    if (profile != null) {
      clients.profile(profile);
    }
    KinesisClientFactory factory = clients.build();
    KinesisSource source =
        KinesisSource.builder(stream, factory)
            .startingAt(startingPosition(from))
            .getRecordsPerSecond(readsPerSecond)
            .recordsPerCall(recordsPerCall)
            .stopWhenCaughtUp(!follow)
            .build();
    DataStream<SourceRecord> records =
        env.fromSource(
                source,
                WatermarkStrategy.<SourceRecord>forBoundedOutOfOrderness(outOfOrderness)
                    .withIdleness(idleness),
                "kinesis: " + stream)
            .uid("tideline-kinesis-source");
    HourlyValidation.Streams streams =
        HourlyValidation.builder()
            .schemas(schemas)
            .clockSkewTolerance(clockSkewTolerance)
            .resultDelay(resultDelay)
            .allowedLateness(allowedLateness)
            .updateInterval(updateInterval)
            .buckets(buckets)
            .showPii(showPii)
            .producerIdleTimeout(producerIdleTimeout)
            .build()
            .streams(records);
    DataStream<HourlyResult> results = streams.results();
    results
        .sinkTo(new HourlyReportSink(out, "stream " + stream, showPii))
        .name("hourly report files")
        .uid("tideline-report-files");
    streams
        .delivery()
        .sinkTo(new DeliveryReportSink(out, "stream " + stream))
        .name("delivery report files")
        .uid("tideline-delivery-files");
    if (quarantine != null) {
      streams
          .quarantine()
          .sinkTo(QuarantineSink.to(quarantine))
          .name("quarantine files")
          .uid("tideline-quarantine-files");
    }
    if (resultsStream != null) {
      results
          .sinkTo(
              HourlyReportStreamSink.builder(resultsStream, factory, "stream " + stream)
                  .showPii(showPii)
                  .build())
          .name("results stream " + resultsStream)
          .uid("tideline-results-stream");
    }
    return results;
  }

  private static StartingPosition startingPosition(String from) {
    switch (from.toLowerCase(Locale.ROOT)) {
      case "trim_horizon":
        return StartingPosition.trimHorizon();
      case "latest":
        return StartingPosition.latest();
      default:
        try {
          return StartingPosition.atTimestamp(Instant.parse(from));
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(
              "--from takes trim_horizon, latest or an ISO-8601 instant, was " + from, e);
        }
    }
  }
}
