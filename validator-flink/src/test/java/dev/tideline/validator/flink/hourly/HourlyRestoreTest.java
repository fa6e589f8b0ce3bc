package dev.tideline.validator.flink.hourly;

import static dev.tideline.validator.flink.hourly.Planting.event;
import static dev.tideline.validator.flink.hourly.Planting.screenView;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.Tally;
import dev.tideline.validator.flink.FailOnceAfterACheckpoint;
import dev.tideline.validator.flink.MiniClusters;
import dev.tideline.validator.flink.source.KinesisSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The hourly job (source, validation, counting, report files) of parallelism 2 failing in the
 * middle of a stream and restoring its last checkpoint: its final results still equal the CLI's
 * counting of the stream, with no event counted twice or missed.
 */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(180)
class HourlyRestoreTest {
  private static final int PARALLELISM = 2;
  private static final int PRODUCERS = 16;

  @RegisterExtension
  static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager(PARALLELISM);

  @Test
  void theFinalResultsAfterAFailureMidStreamEqualTheClisReportOfTheSameStream(
      @TestStream(shards = 4) LocalKinesisStream stream, KinesisClient kinesis, @TempDir Path out)
      throws Exception {
    Instant now = Instant.now();
    // Records of every kind between many small ones, which make the read take seconds, so that
    // checkpoints and the failure fall in its middle.
    Planting planting = new Planting();
    views(planting, now, 0, 5);
    planting.everyKind(now);
    views(planting, now, 5, 10);
    int records = planting.size();
    planting.put(kinesis, stream.name());

    HourlyResultsTest.COLLECTED.clear();
    FailOnceAfterACheckpoint.reset();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    FailOnceAfterACheckpoint.restartingFromCheckpoints(env, Duration.ofMillis(200));
    // 2 records a call: slow enough that checkpoints (every 200 ms) fall mid-stream.
    KinesisSource source =
        HourlyResultsTest.source(stream).recordsPerCall(2).stopWhenCaughtUp(true).build();
    // Every hour goes cold at the end of the read, after the restore, whatever the arrival-time
    // watermark was when the 7 h old click came (with the default 6 h it may be too late).
    HourlyValidation validation =
        HourlyValidation.builder().allowedLateness(Duration.ofHours(12)).build();
    HourlyResultsTest.count(
        HourlyResultsTest.read(env, source).map(new FailOnceAfterACheckpoint(records / 2)),
        validation,
        out);
    env.execute("hourly results through a failure");

    assertThat(FailOnceAfterACheckpoint.failed()).as("the injected failure was thrown").isTrue();
    assertThat(FailOnceAfterACheckpoint.restarted()).as("the job restarted").isTrue();
    assertThat(FailOnceAfterACheckpoint.checkpointedBeforeFailure())
        .as("records in a checkpoint completed before the failure")
        .isPositive();
    assertThat(FailOnceAfterACheckpoint.seenAtFailure())
        .as("records read when the failure was thrown, of " + records)
        .isLessThan(records);

    Tally merged = CliComparison.mergedFinalResults(HourlyResultsTest.COLLECTED, out);
    ObjectNode actual = CliComparison.json(merged);
    // Of every kind 45 events, 3 of them sent twice; 2 x 192 views, 2 x 32 of them sent twice.
    assertThat(actual.at("/totals/events").asLong()).isEqualTo(45 + 2 * 192);
    assertThat(actual.at("/totals/duplicates").asLong()).isEqualTo(3 + 2 * 32);
    Tally cli = CliComparison.clisTally(kinesis, stream.name());
    CliComparison.assertSameReport(merged, cli);
    // The producers' delivery, kept across hours in its own state, came through the restore too.
    CliComparison.assertSameDelivery(out, cli);
  }

  /**
   * Adds records {@code from} to {@code to} (exclusive) of each of {@link #PRODUCERS} producers:
   * each 2 screen views in the last two hours, every fourth sent twice.
   */
  private static void views(Planting planting, Instant now, int from, int to) {
    for (int record = from; record < to; record++) {
      for (long producer = 10; producer < 10 + PRODUCERS; producer++) {
        Instant eventTime = now.minus(Duration.ofMinutes(15L * (record % 8)));
        List<Envelope> views =
            List.of(
                event(screenView("list"), producer, 2L * record + 1, eventTime),
                event(screenView("list"), producer, 2L * record + 2, eventTime));
        planting.aggregate("producer-" + producer, views);
        if (record % 4 == 3) {
          planting.aggregate("producer-" + producer, views);
        }
      }
    }
  }
}
