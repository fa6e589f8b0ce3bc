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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
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
    long byEndPlus6h =
        report.completeness().stream().mapToLong(c -> c.arrivedBy().get("end+6h")).sum();
    long hourEvents = report.completeness().stream().mapToLong(c -> c.events()).sum();
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

  /** Valid clicks from one producer, sequences 1 to {@code count}, logged {@code ago}. */
  private static List<PlantedScenario.Planted> clicks(int count, Duration ago) {
    Instant when = Instant.now().minus(ago);
    List<PlantedScenario.Planted> records = new ArrayList<>();
    for (int seq = 1; seq <= count; seq++) {
      records.add(
          new PlantedScenario.Planted(
              TestEvents.event(TestEvents.click("ok"), 9, seq, when).build().toByteArray(),
              "p9",
              null));
    }
    return records;
  }

  @Test
  void theCliSaysAStreamDoesNotExistAndWhatToCheckWithoutAwsNoise(KinesisClient kinesis) {
    ValidateCli run =
        ValidateCli.run(options -> kinesis, "stream", "no-such-stream", "--region", "eu-west-1");

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(run.err)
        .startsWith(
            "tideline-validate: stream 'no-such-stream' does not exist in region eu-west-1: check"
                + " the stream name and --region")
        .doesNotContain("arn:aws")
        .doesNotContain("Request ID");
  }

  @Test
  void theCliReadsFromADurationAgoInCallsOfTheGivenSize(
      @TestStream LocalKinesisStream stream, KinesisClient kinesis, @TempDir Path dir)
      throws Exception {
    plant(kinesis, stream.name(), clicks(5, Duration.ofSeconds(5)));
    Path json = dir.resolve("report.json");
    CountingGetRecords counting = new CountingGetRecords(kinesis, Integer.MAX_VALUE);

    ValidateCli run =
        ValidateCli.run(
            options -> counting,
            "stream",
            stream.name(),
            "--from",
            "2h",
            "--records-per-call",
            "2",
            "--reads-per-second=5",
            "--report",
            json.toString());

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(new ObjectMapper().readTree(json.toFile()).at("/totals/valid").asLong())
        .isEqualTo(5);
    assertThat(counting.limits).startsWith(2, 2, 2).containsOnly(2);
    assertThat(run.out).contains("5 distinct events in 5 records (0 malformed)");
  }

  @Test
  void aReadFailureAfterRetriesStillWritesTheReportOfWhatWasReadAndNamesTheShardAndPosition(
      @TestStream LocalKinesisStream stream, KinesisClient kinesis, @TempDir Path dir)
      throws Exception {
    plant(kinesis, stream.name(), clicks(5, Duration.ofSeconds(5)));
    Path json = dir.resolve("report.json");
    // The second GetRecords fails as the AWS SDK fails after its retries on a stalled endpoint.
    CountingGetRecords failing = new CountingGetRecords(kinesis, 1);

    ValidateCli run =
        ValidateCli.run(
            options -> failing,
            "stream",
            stream.name(),
            "--records-per-call=2",
            "--reads-per-second=5",
            "--report",
            json.toString());

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(new ObjectMapper().readTree(json.toFile()).at("/totals/events").asLong())
        .isEqualTo(2);
    assertThat(run.out).contains("2 distinct events in 2 records");
    assertThat(run.err)
        .containsPattern(
            "tideline-validate: reading shard shardId-000000000000 failed after the record at"
                + " sequence number [0-9]+: Kinesis did not answer within --read-timeout PT30S,"
                + " even after retries: raise --read-timeout, or lower --records-per-call so each"
                + " answer is smaller; the reports hold the 2 records read before\n");
  }

  /**
   * The local Kinesis, counting each GetRecords call's limit, whose GetRecords calls after the
   * first {@code succeeding} fail as the AWS SDK fails when a read times out on every retry.
   */
  private static final class CountingGetRecords implements KinesisClient {
    private final KinesisClient kinesis;
    private final int succeeding;
    private final AtomicInteger calls = new AtomicInteger();
    final List<Integer> limits = new java.util.concurrent.CopyOnWriteArrayList<>();

    CountingGetRecords(KinesisClient kinesis, int succeeding) {
      this.kinesis = kinesis;
      this.succeeding = succeeding;
    }

    @Override
    public ListShardsResponse listShards(ListShardsRequest request) {
      return kinesis.listShards(request);
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
      return kinesis.getShardIterator(request);
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
      limits.add(request.limit());
      if (calls.incrementAndGet() > succeeding) {
        throw SdkClientException.create(
            "Unable to execute HTTP request: Read timed out",
            new java.net.SocketTimeoutException("Read timed out"));
      }
      return kinesis.getRecords(request);
    }

    @Override
    public String serviceName() {
      return kinesis.serviceName();
    }

    @Override
    public void close() {
      // The extension's client outlives the test.
    }
  }
}
