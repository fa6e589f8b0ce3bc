package dev.tideline.validator.flink.hourly;

import static dev.tideline.validator.flink.hourly.Planting.click;
import static dev.tideline.validator.flink.hourly.Planting.event;
import static dev.tideline.validator.flink.hourly.Planting.screenView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.flink.MiniClusters;
import dev.tideline.validator.flink.source.KinesisClientFactory;
import dev.tideline.validator.flink.source.KinesisSource;
import dev.tideline.validator.source.SourceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** Hourly results of a job of parallelism 2 reading a 4-shard local Kinesis stream. */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(240)
class HourlyResultsTest {
  private static final int PARALLELISM = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager(PARALLELISM);

  /** What the jobs of the tests emitted, by test. */
  static final Queue<HourlyResult> COLLECTED = new ConcurrentLinkedQueue<>();

  /** Keeps each result in {@link #COLLECTED}. */
  static final class Collect implements Sink<HourlyResult> {
    private static final long serialVersionUID = 1L;

    @Override
    public SinkWriter<HourlyResult> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(HourlyResult result, Context context) {
          COLLECTED.add(result);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }

  static KinesisSource.Builder source(LocalKinesisStream stream) {
    LocalKinesisServer server = stream.server();
    AwsCredentials credentials = server.credentials().resolveCredentials();
    KinesisClientFactory clients =
        KinesisClientFactory.builder()
            .endpoint(server.httpEndpoint())
            .region(LocalKinesisServer.REGION.id())
            .staticCredentials(credentials.accessKeyId(), credentials.secretAccessKey())
            .build();
    return KinesisSource.builder(stream.name(), clients)
        .getRecordsPerSecond(5)
        .shardDiscoveryInterval(Duration.ofSeconds(1));
  }

  /** The job: arrival-time watermarks (1 s out of order, idle after 2 s), results to files. */
  static void build(
      StreamExecutionEnvironment env,
      KinesisSource source,
      HourlyValidation validation,
      Path reports) {
    count(read(env, source), validation, reports);
  }

  /** The source's records, watermarked by arrival time: 1 s out of order, idle after 2 s. */
  static DataStream<SourceRecord> read(StreamExecutionEnvironment env, KinesisSource source) {
    return env.fromSource(
        source,
        WatermarkStrategy.<SourceRecord>forBoundedOutOfOrderness(Duration.ofSeconds(1))
            .withIdleness(Duration.ofSeconds(2)),
        "kinesis");
  }

  /**
   * The hourly results of the records, to report files under {@code reports} and {@link
   * #COLLECTED}; the delivery results to report files under {@code reports/delivery}.
   */
  static void count(DataStream<SourceRecord> records, HourlyValidation validation, Path reports) {
    HourlyValidation.Streams streams = validation.streams(records);
    String base = reports.toUri().toString();
    streams.results().sinkTo(new HourlyReportSink(base, "test stream", false));
    streams.results().sinkTo(new Collect());
    streams.delivery().sinkTo(new DeliveryReportSink(base, "test stream"));
  }

  static JsonNode report(Path file) throws Exception {
    return JSON.readTree(file.toFile());
  }

  @Test
  void writesHotThenUpdatedThenColdResultsOfAnHourAndCountsEventsAfterItsColdResultAsTooLate(
      @TestStream(shards = 4) LocalKinesisStream stream, KinesisClient kinesis, @TempDir Path out)
      throws Exception {
    Instant start = Instant.now();
    Instant hour = start.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
    // The hour goes cold 50 s from now: its allowed lateness ends then. Real hours, real event
    // time; only the lateness is chosen so that the test sees the hour's last result.
    Instant coldAt = start.plusSeconds(50).truncatedTo(ChronoUnit.SECONDS);
    Duration lateness = Duration.between(hour.plus(Duration.ofHours(1)), coldAt);
    HourlyValidation validation =
        HourlyValidation.builder()
            .allowedLateness(lateness)
            .updateInterval(Duration.ofSeconds(1))
            .build();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    build(env, source(stream).build(), validation, out);
    Path folder = out.resolve("hour=" + hour.toString().substring(0, 13));
    Path tooOldFolder =
        out.resolve("hour=" + hour.minus(Duration.ofHours(3)).toString().substring(0, 13));

    JobClient job = env.executeAsync("hourly results");
    try {
      // On time: 20 screen views (2 of them sent twice), clicks with a gap, a bad payment.
      List<Envelope> views = new ArrayList<>();
      for (int seq = 1; seq <= 20; seq++) {
        views.add(event(screenView("home"), 1, seq, hour.plus(Duration.ofMinutes(10))));
      }
      List<Envelope> clicks = new ArrayList<>();
      for (int seq : new int[] {1, 2, 3, 6, 7, 8}) {
        clicks.add(event(click("buy"), 2, seq, hour.plus(Duration.ofMinutes(20))));
      }
      new Planting()
          .aggregate("producer-1", views.subList(0, 10))
          .aggregate("producer-1", views.subList(10, 20))
          .aggregate("producer-1", views.subList(2, 4))
          .aggregate("producer-2", clicks)
          .aggregate(
              "producer-6",
              List.of(
                  event(Planting.badPayment("order-1"), 6, 1, hour.plus(Duration.ofMinutes(30)))))
          .put(kinesis, stream.name());

      await()
          .atMost(Duration.ofSeconds(40))
          .until(() -> Files.exists(folder.resolve("report-hot.json")));
      JsonNode hot = report(folder.resolve("report-hot.json"));
      assertThat(hot.at("/window/hour").asText()).isEqualTo(hour.toString());
      assertThat(hot.at("/window/result").asText()).isEqualTo("hot");
      assertThat(hot.at("/window/revision").asInt()).isZero();
      assertThat(hot.at("/format").asText()).isEqualTo("tideline-validation-report");
      assertThat(hot.at("/totals/events").asLong()).isBetween(1L, 29L);
      assertThat(Instant.now()).isBefore(coldAt.minusSeconds(10));

      // Late, within the allowed lateness: 5 clicks of another producer, 1 more copy of a view;
      // and an event too old for any window now that the watermark is known (its hour went cold
      // hours ago).
      List<Envelope> late = new ArrayList<>();
      for (int seq = 1; seq <= 5; seq++) {
        late.add(event(click("later"), 3, seq, hour.plus(Duration.ofMinutes(40))));
      }
      new Planting()
          .aggregate("producer-3", late)
          .aggregate("producer-1", List.of(views.get(4)))
          .aggregate(
              "producer-9", List.of(event(click("old"), 9, 1, hour.minus(Duration.ofHours(3)))))
          .put(kinesis, stream.name());
      // A tick: an event of the current hour, so that arrival time (the watermark) moves on.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                tick(kinesis, stream.name());
                return COLLECTED.stream()
                    .anyMatch(
                        r ->
                            r.hour().equals(hour)
                                && r.kind() == HourlyResult.Kind.UPDATED
                                && r.tally().events() == 35);
              });
      assertThat(Instant.now()).isBefore(coldAt);
      // The too old event, counted as too late for its hour, which has no cold result; the same
      // after another tick.
      for (int round = 0; round < 2; round++) {
        JsonNode tooOld =
            awaitReport(
                kinesis,
                stream,
                tooOldFolder.resolve("report-too-late-0.json"),
                Duration.ofSeconds(20));
        assertThat(tooOld.at("/totals/events").asLong()).isEqualTo(1);
        assertThat(tooOldFolder.resolve("report-cold.json")).doesNotExist();
      }

      JsonNode cold =
          awaitReport(kinesis, stream, folder.resolve("report-cold.json"), Duration.ofSeconds(90));
      assertThat(cold.at("/window/result").asText()).isEqualTo("cold");
      assertThat(cold.at("/totals/events").asLong()).isEqualTo(35);
      assertThat(cold.at("/totals/duplicates").asLong()).isEqualTo(3);
      assertThat(cold.at("/totals/invalid").asLong()).isEqualTo(1);
      assertThat(cold.at("/delivery/missing").asLong()).isEqualTo(2);
      assertThat(cold.at("/by_event_hour/0/hour").asText()).isEqualTo(hour.toString());
      assertThat(cold.at("/by_event_hour").size()).isEqualTo(3);
      try (var files = Files.list(folder)) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .contains("report-hot.json", "report-updated-1.json", "report-cold.json")
            .noneMatch(name -> name.endsWith(".tmp"));
      }

      // After the cold result: counted as too late for the hour, not dropped.
      new Planting()
          .aggregate("producer-3", List.of(event(click("too late"), 3, 6, hour.plusSeconds(60))))
          .put(kinesis, stream.name());
      JsonNode tooLate =
          awaitReport(
              kinesis, stream, folder.resolve("report-too-late-0.json"), Duration.ofSeconds(30));
      assertThat(tooLate.at("/window/result").asText()).isEqualTo("too_late");
      assertThat(tooLate.at("/totals/events").asLong()).isEqualTo(1);
    } finally {
      job.cancel().get();
    }
  }

  private static long ticks;

  /**
   * Puts a {@link #tick} every 2 s, so that the watermark moves on, until the report file is there
   * (at most {@code timeout}); then reads it.
   */
  private static JsonNode awaitReport(
      KinesisClient kinesis, LocalKinesisStream stream, Path file, Duration timeout)
      throws Exception {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              tick(kinesis, stream.name());
              return Files.exists(file);
            });
    return report(file);
  }

  /** Puts an event of the current hour: the watermark follows arrival times. */
  static void tick(KinesisClient kinesis, String stream) {
    ticks++;
    new Planting()
        .aggregate("tick", List.of(event(click("tick"), 99, ticks, Instant.now())))
        .put(kinesis, stream);
  }
}
