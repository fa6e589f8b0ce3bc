package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.cli.TidelineValidate;
import dev.tideline.validator.source.KinesisStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

@ExtendWith(LocalKinesisExtension.class)
@Timeout(120)
class StreamValidationTest {
  static void plant(KinesisClient kinesis, String stream, List<PlantedScenario.Planted> records) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (PlantedScenario.Planted record : records) {
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey(record.partitionKey)
              .explicitHashKey(record.explicitHashKey)
              .data(SdkBytes.fromByteArray(record.data))
              .build());
    }
    PutRecordsResponse put = kinesis.putRecords(b -> b.streamName(stream).records(entries));
    assertThat(put.failedRecordCount()).isZero();
  }

  static ValidationReport read(KinesisClient kinesis, String stream) throws Exception {
    Validator validator = Validator.builder(TestEvents.REGISTRY).build();
    Tally tally = Tally.create();
    KinesisStreamReader.builder(kinesis, stream)
        .getRecordsPerSecond(5)
        .build()
        .read(
            record ->
                tally.add(
                    validator.validate(
                        record.data(),
                        record.partitionKey(),
                        record.arrivalTime(),
                        record.shardRange())));
    return tally.report("stream " + stream, false);
  }

  @Test
  void reportsThePlantedNumbersOfATwoShardStream(
      @TestStream(shards = 2) LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    Instant planted = Instant.now();
    plant(kinesis, stream.name(), PlantedScenario.records(planted));

    ValidationReport report = read(kinesis, stream.name());

    PlantedScenario.assertReportShowsPlantedNumbers(report);
    // Where T falls in its hour moves the 1 min and 1 h checkpoints, not the 6 h one: the cold
    // events (7 h) miss it, every other valid event makes it.
    long byEndPlus6h = report.completeness.stream().mapToLong(c -> c.arrivedBy.get("end+6h")).sum();
    long hourEvents = report.completeness.stream().mapToLong(c -> c.events).sum();
    assertThat(hourEvents).isEqualTo(30);
    assertThat(byEndPlus6h).isEqualTo(28);
  }

  @Test
  void theCliFailsOnPlantedViolationsAndWritesReportsAndQuarantine(
      @TestStream(shards = 2) LocalKinesisStream stream, KinesisClient kinesis, @TempDir Path dir)
      throws Exception {
    plant(kinesis, stream.name(), PlantedScenario.records(Instant.now()));
    Path json = dir.resolve("report.json");
    Path html = dir.resolve("report.html");
    Path quarantine = dir.resolve("quarantine.jsonl");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TidelineValidate.commandLine(new TidelineValidate(options -> kinesis));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    int exit =
        cli.execute(
            "stream",
            stream.name(),
            "--reads-per-second=5",
            "--report=" + json,
            "--report=" + html,
            "--quarantine=" + quarantine,
            "--fail-on=invalid>0.1%,lost>0,cold>50%");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("FAILED: invalid>0.1% (measured 21.951% = 9)")
        .contains("FAILED: lost>0 (measured 1)")
        .doesNotContain("cold>50%");
    assertThat(out.toString()).contains("39 events: 32 valid, 7 invalid");
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.at("/totals/events").asLong()).isEqualTo(39);
    assertThat(report.at("/delivery/reported_dropped").asLong()).isEqualTo(3);
    assertThat(Files.readString(html)).contains("<svg class=\"chart\" id=\"chart-volume\"");

    List<String> lines = Files.readAllLines(quarantine, StandardCharsets.UTF_8);
    // 7 invalid events and 2 unreadable records.
    assertThat(lines).hasSize(9);
    List<JsonNode> parsed = new ArrayList<>();
    for (String line : lines) {
      parsed.add(new ObjectMapper().readTree(line));
    }
    assertThat(parsed)
        .extracting(l -> l.get("reason").asText())
        .containsOnly(
            "rule_violation",
            "unknown_schema",
            "undecodable_payload",
            "invalid_envelope",
            "outside_shard_range",
            "bad_checksum",
            "malformed_aggregate");
    JsonNode cardNumber =
        parsed.stream()
            .filter(l -> l.get("code").asText().equals("no_card_numbers"))
            .findFirst()
            .get();
    assertThat(cardNumber.get("data_scope").asText()).isEqualTo("sub_record");
    assertThat(cardNumber.get("masked").asBoolean()).isTrue();
    assertThat(cardNumber.get("event_type").asText()).isEqualTo("tideline.events.v1.Payment");
    byte[] subRecord = Base64.getDecoder().decode(cardNumber.get("data").asText());
    assertThat(new String(subRecord, StandardCharsets.ISO_8859_1))
        .doesNotContain("4111")
        .contains("order-124");
  }

  @Test
  void theCliPassesAStreamOfValidEvents(
      @TestStream LocalKinesisStream stream, KinesisClient kinesis) {
    Instant now = Instant.now();
    List<PlantedScenario.Planted> records = new ArrayList<>();
    for (int seq = 1; seq <= 3; seq++) {
      records.add(
          new PlantedScenario.Planted(
              TestEvents.event(TestEvents.click("ok"), 9, seq, now.minus(Duration.ofSeconds(5)))
                  .build()
                  .toByteArray(),
              "p9",
              null));
    }
    plant(kinesis, stream.name(), records);
    CommandLine cli = TidelineValidate.commandLine(new TidelineValidate(options -> kinesis));
    cli.setOut(new PrintWriter(new StringWriter()));

    int exit =
        cli.execute(
            "stream", stream.name(), "--reads-per-second=5", "--fail-on=invalid>0,lost>0,gaps>0");

    assertThat(exit).isZero();
  }

  @Test
  void theCliFollowsAStreamUntilItsEndTime(
      @TestStream LocalKinesisStream stream, KinesisClient kinesis, @TempDir Path dir)
      throws Exception {
    Instant now = Instant.now();
    plant(
        kinesis,
        stream.name(),
        List.of(
            new PlantedScenario.Planted(
                TestEvents.event(TestEvents.click("ok"), 9, 1, now.minusSeconds(1))
                    .build()
                    .toByteArray(),
                "p9",
                null)));
    Path json = dir.resolve("report.json");
    CommandLine cli = TidelineValidate.commandLine(new TidelineValidate(options -> kinesis));
    cli.setOut(new PrintWriter(new StringWriter()));

    int exit =
        cli.execute(
            "stream",
            stream.name(),
            "--follow",
            "--to=" + now.plusSeconds(3),
            "--report-every=PT1S",
            "--reads-per-second=5",
            "--report=" + json);

    assertThat(exit).isZero();
    assertThat(Instant.now()).isAfter(now.plusSeconds(3));
    assertThat(new ObjectMapper().readTree(json.toFile()).at("/totals/valid").asLong())
        .isEqualTo(1);
  }
}
