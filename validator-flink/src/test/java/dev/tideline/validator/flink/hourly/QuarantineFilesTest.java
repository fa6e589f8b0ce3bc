package dev.tideline.validator.flink.hourly;

import static dev.tideline.validator.flink.hourly.Planting.click;
import static dev.tideline.validator.flink.hourly.Planting.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.QuarantineLines;
import dev.tideline.validator.Validator;
import dev.tideline.validator.flink.MiniClusters;
import dev.tideline.validator.source.KinesisStreamReader;
import dev.tideline.validator.source.SourceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
 * Quarantine files written by Flink's file sink, against the CLI's quarantine lines of the same
 * stream.
 */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(180)
class QuarantineFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager(2);

  @Test
  void theBadEventsOfAStreamAreWrittenOnceEachByArrivalHourAsTheCliWritesThem(
      @TestStream(shards = 2) LocalKinesisStream stream,
      KinesisClient kinesis,
      @TempDir Path reports,
      @TempDir Path quarantine)
      throws Exception {
    Instant now = Instant.now();
    Planting planting = new Planting();
    List<dev.tideline.proto.v1.Envelope> good = new ArrayList<>();
    for (int seq = 1; seq <= 20; seq++) {
      good.add(event(click("ok"), 1, seq, now.minus(Duration.ofMinutes(seq))));
    }
    planting
        .aggregate("producer-1", good)
        .aggregate(
            "producer-2",
            List.of(
                event(click("ok"), 2, 1, now),
                event(Planting.badPayment("order-1"), 2, 2, now),
                event(click("future"), 2, 3, now.plus(Duration.ofHours(2)))))
        .aggregate("producer-3", List.of(event(Planting.badPayment("order-2"), 3, 1, now)))
        .raw("producer-4", new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2, 1});
    planting.put(kinesis, stream.name());

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    DataStream<SourceRecord> records =
        env.fromSource(
            HourlyResultsTest.source(stream).stopWhenCaughtUp(true).build(),
            WatermarkStrategy.<SourceRecord>forBoundedOutOfOrderness(Duration.ofSeconds(1)),
            "kinesis");
    HourlyValidation.Streams streams = HourlyValidation.builder().build().streams(records);
    streams.results().sinkTo(new HourlyReportSink(reports.toUri().toString(), "test", false));
    streams.quarantine().sinkTo(QuarantineSink.to(quarantine.toUri().toString()));
    env.execute("quarantine files of a bounded read");

    Validator validator = Validator.builder(Planting.REGISTRY).build();
    QuarantineLines lines = new QuarantineLines(validator, false);
    List<String> expected = new ArrayList<>();
    List<String> expectedFolders = new ArrayList<>();
    KinesisStreamReader.builder(kinesis, stream.name())
        .getRecordsPerSecond(5)
        .build()
        .read(
            record -> {
              List<String> of =
                  lines.of(
                      validator.validate(
                          record.data(),
                          record.partitionKey(),
                          record.arrivalTime(),
                          record.shardRange()),
                      record.shardId(),
                      record.sequenceNumber());
              expected.addAll(of);
              for (int i = 0; i < of.size(); i++) {
                expectedFolders.add(HourlyResult.folderOf(record.arrivalTime().toEpochMilli()));
              }
            });

    List<String> actual = new ArrayList<>();
    List<String> actualFolders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(quarantine)) {
      for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
        assertThat(file.getFileName().toString())
            .as("only finished part files, none in progress or pending")
            .startsWith("quarantine-")
            .endsWith(".jsonl");
        for (String line : Files.readAllLines(file)) {
          actual.add(line);
          actualFolders.add(file.getParent().getFileName().toString());
        }
      }
    }
    // Two bad payments, a future event and a truncated aggregate: each once.
    assertThat(expected).hasSize(4);
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(actualFolders).containsExactlyInAnyOrderElementsOf(expectedFolders);
    int payments = 0;
    for (String line : actual) {
      JsonNode json = JSON.readTree(line);
      assertThat(json.get("shard_id").asText()).startsWith("shardId-");
      if (json.at("/event_type").asText().endsWith("Payment")) {
        payments++;
        assertThat(json.get("masked").asBoolean()).as("personal fields masked").isTrue();
      }
    }
    assertThat(payments).isEqualTo(2);
  }
}
