package dev.tideline.validator.flink.hourly;

import static dev.tideline.validator.flink.hourly.Planting.click;
import static dev.tideline.validator.flink.hourly.Planting.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.flink.MiniClusters;
import dev.tideline.validator.source.SourceRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The producers' delivery across event-time hours: a gap at an hour boundary, which no hourly
 * result can see, shows in the delivery report, whose sections equal the CLI's of the same stream.
 */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(180)
class DeliveryAcrossHoursTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager(2);

  @Test
  void aGapAtAnHourBoundaryShowsInTheDeliveryReportAsTheCliSeesIt(
      @TestStream(shards = 4) LocalKinesisStream stream, KinesisClient kinesis, @TempDir Path out)
      throws Exception {
    Instant thisHour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    Instant earlier = thisHour.minus(Duration.ofMinutes(30));
    Instant later = thisHour.plus(Duration.ofSeconds(1));
    Planting planting = new Planting();
    // Producer 1: clicks 1-3 logged in the previous hour, 5-7 in this one; 4 is lost between.
    List<Envelope> first = new ArrayList<>();
    List<Envelope> second = new ArrayList<>();
    for (int seq = 1; seq <= 7; seq++) {
      if (seq != 4) {
        (seq < 4 ? first : second).add(event(click("buy"), 1, seq, seq < 4 ? earlier : later));
      }
    }
    // Producer 2: audited clicks across the hours, 8 sent, 6 arrived (2 lost), the audit twice.
    List<Envelope> audited = new ArrayList<>();
    for (int seq : new int[] {1, 2, 3, 6, 7, 8}) {
      audited.add(event(click("audited"), 2, seq, seq < 4 ? earlier : later));
    }
    Envelope audit = event(Planting.clickAudit(1, 8, 8), 2, 9, later);
    audited.add(audit);
    planting
        .aggregate("producer-1a", first)
        .aggregate("producer-1b", second)
        .aggregate("producer-2", audited)
        .aggregate("producer-2", List.of(audit))
        // Producer 3: in one hour, no gap.
        .aggregate(
            "producer-3",
            List.of(event(click("one"), 3, 1, later), event(click("two"), 3, 2, later)));
    planting.put(kinesis, stream.name());

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DataStream<SourceRecord> records =
        env.fromSource(
            HourlyResultsTest.source(stream).stopWhenCaughtUp(true).build(),
            WatermarkStrategy.<SourceRecord>forBoundedOutOfOrderness(Duration.ofSeconds(1)),
            "kinesis");
    HourlyValidation.Streams streams = HourlyValidation.builder().build().streams(records);
    String base = out.toUri().toString();
    streams.results().sinkTo(new HourlyReportSink(base, "test", false));
    streams.delivery().sinkTo(new DeliveryReportSink(base, "test"));
    env.execute("delivery of a bounded read");

    // Each hour's cold report sees producer 1 without a gap.
    for (Instant hour : List.of(earlier, later)) {
      JsonNode cold =
          JSON.readTree(
              out.resolve(HourlyResult.folderOf(hour.toEpochMilli()))
                  .resolve("report-cold.json")
                  .toFile());
      assertThat(producer(cold, 1).get("gap_count").asLong()).as("cold report of " + hour).isZero();
    }
    JsonNode delivery =
        CliComparison.assertSameDelivery(out, CliComparison.clisTally(kinesis, stream.name()));
    assertThat(producer(delivery, 1).get("gaps").toString()).isEqualTo("[[4,4]]");
    assertThat(delivery.at("/delivery/lost").asLong()).isEqualTo(2);
    assertThat(delivery.at("/delivery/producers").asLong()).isEqualTo(3);
  }

  private static JsonNode producer(JsonNode report, long producer) {
    String id = new java.util.UUID(producer, 0).toString();
    for (JsonNode node : report.get("producers")) {
      if (node.get("producer_id").asText().equals(id)) {
        return node;
      }
    }
    throw new AssertionError("no producer " + id + " in " + report);
  }
}
