package dev.tideline.validator.flink.hourly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.Tally;
import dev.tideline.validator.flink.MiniClusters;
import java.nio.file.Path;
import java.time.Instant;
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
  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager(2);

  @Test
  void theFinalHourlyResultsMergedEqualTheClisReportOfTheSameStream(
      @TestStream(shards = 4) LocalKinesisStream stream, KinesisClient kinesis, @TempDir Path out)
      throws Exception {
    new Planting().everyKind(Instant.now()).put(kinesis, stream.name());

    HourlyResultsTest.COLLECTED.clear();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    HourlyResultsTest.build(
        env,
        HourlyResultsTest.source(stream).stopWhenCaughtUp(true).build(),
        HourlyValidation.builder().build(),
        out);
    env.execute("hourly results of a bounded read");

    Tally merged = CliComparison.mergedFinalResults(HourlyResultsTest.COLLECTED, out);
    ObjectNode actual = CliComparison.json(merged);
    assertThat(actual.at("/totals/events").asLong()).isEqualTo(45);
    assertThat(actual.at("/totals/duplicates").asLong()).isEqualTo(3);
    assertThat(actual.at("/totals/records_malformed").asLong()).isEqualTo(1);
    assertThat(actual.at("/delivery/lost").asLong()).isEqualTo(2);
    Tally cli = CliComparison.clisTally(kinesis, stream.name());
    CliComparison.assertSameReport(merged, cli);
    CliComparison.assertSameDelivery(out, cli);
  }
}
