package dev.tideline.validator.flink.hourly;

import static dev.tideline.validator.flink.hourly.Planting.click;
import static dev.tideline.validator.flink.hourly.Planting.event;
import static dev.tideline.validator.flink.hourly.Planting.screenView;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.Tally;
import dev.tideline.validator.Validator;
import dev.tideline.validator.report.Reports;
import dev.tideline.validator.source.KinesisStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The final hourly results of a stream, merged, against the CLI's counting of the same stream (the
 * stream reader, validator and tally the CLI runs), field by field.
 */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(180)
class CliParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @Test
  void theFinalHourlyResultsMergedEqualTheClisReportOfTheSameStream(
      @TestStream(shards = 4) LocalKinesisStream stream, KinesisClient kinesis, @TempDir Path out)
      throws Exception {
    Instant now = Instant.now();
    Planting planting = new Planting();
    // Valid screen views in three hours, some sent twice (same key, so the same shard order).
    List<Envelope> views = new ArrayList<>();
    for (int seq = 1; seq <= 30; seq++) {
      views.add(event(screenView("home"), 1, seq, now.minus(Duration.ofMinutes(50L * (seq % 3)))));
    }
    planting
        .aggregate("producer-1", views.subList(0, 15))
        .aggregate("producer-1", views.subList(15, 30))
        .aggregate("producer-1", views.subList(5, 8));
    // Clicks hours late, with a gap (4 and 5), audited: 8 sent, 6 arrived, so 2 lost.
    List<Envelope> clicks = new ArrayList<>();
    for (int seq : new int[] {1, 2, 3, 6, 7, 8}) {
      clicks.add(event(click("buy"), 2, seq, now.minus(Duration.ofHours(3))));
    }
    clicks.add(event(Planting.clickAudit(1, 8, 8), 2, 9, now.minusSeconds(5)));
    planting.aggregate("producer-2", clicks);
    // Cold: logged 7 h ago (beyond the allowed lateness of its hour only for a running job).
    planting.aggregate(
        "producer-3", List.of(event(click("offline"), 3, 1, now.minus(Duration.ofHours(7)))));
    // Invalid: a rule violation, an event time in the future, no event time.
    planting.aggregate(
        "producer-4",
        List.of(
            event(Planting.badPayment("order-1"), 4, 1, now),
            event(click("future"), 4, 2, now.plus(Duration.ofHours(2))),
            event(click("untimed"), 4, 3, now).toBuilder().clearEventTimeUs().build()));
    // A record that cannot be split into events (a truncated aggregate), and one that is not an
    // envelope (an event whose envelope cannot be read, which has no event hour either).
    planting.raw("producer-5", new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2, 1});
    planting.raw("producer-5", new byte[] {1, 2, 3});
    planting.put(kinesis, stream.name());

    HourlyResultsTest.COLLECTED.clear();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    HourlyResultsTest.build(
        env,
        HourlyResultsTest.source(stream).stopWhenCaughtUp(true).build(),
        HourlyValidation.builder().build(),
        out);
    env.execute("hourly results of a bounded read");

    Tally merged = Tally.create();
    List<HourlyResult> finals = new ArrayList<>();
    for (HourlyResult result : HourlyResultsTest.COLLECTED) {
      if (result.kind() == HourlyResult.Kind.COLD || result.kind() == HourlyResult.Kind.TOO_LATE) {
        finals.add(result);
        merged.merge(result.tally());
      }
    }
    // At the end of a bounded read every hour is final: one cold result each, nothing too late.
    assertThat(finals).extracting(HourlyResult::kind).containsOnly(HourlyResult.Kind.COLD);
    assertThat(finals).extracting(HourlyResult::hour).doesNotHaveDuplicates().hasSizeGreaterThan(3);
    try (Stream<Path> folders = Files.list(out)) {
      assertThat(folders.filter(f -> Files.exists(f.resolve("report-cold.json"))))
          .hasSize(finals.size());
    }

    Validator validator = Validator.builder(Planting.REGISTRY).build();
    Tally cli = Tally.create();
    KinesisStreamReader.builder(kinesis, stream.name())
        .getRecordsPerSecond(5)
        .build()
        .read(
            record ->
                cli.add(
                    validator.validate(
                        record.data(),
                        record.partitionKey(),
                        record.arrivalTime(),
                        record.shardRange())));

    ObjectNode expected = json(cli);
    ObjectNode actual = json(merged);
    assertThat(actual.at("/totals/events").asLong()).isEqualTo(45);
    assertThat(actual.at("/totals/duplicates").asLong()).isEqualTo(3);
    assertThat(actual.at("/totals/records_malformed").asLong()).isEqualTo(1);
    assertThat(actual.at("/delivery/lost").asLong()).isEqualTo(2);
    // Violations of equal counts are listed in the order first seen: the same, in any order.
    assertThat(actual.get("violations"))
        .containsExactlyInAnyOrderElementsOf(expected.get("violations"));
    for (ObjectNode report : List.of(expected, actual)) {
      report.remove("violations");
      report.remove("generated_at");
    }
    for (String field :
        List.of(
            "totals",
            "malformed_records_by_reason",
            "lateness",
            "by_event_type",
            "by_event_hour",
            "by_arrival_hour",
            "completeness",
            "producers",
            "delivery",
            "fast_path")) {
      assertThat(actual.get(field)).as(field).isEqualTo(expected.get(field));
    }
    assertThat(actual).isEqualTo(expected);
  }

  private static ObjectNode json(Tally tally) throws Exception {
    JsonNode json = JSON.readTree(Reports.json(tally.report("stream", false)));
    return (ObjectNode) json;
  }
}
