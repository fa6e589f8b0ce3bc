package dev.tideline.validator.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.tideline.events.v1.Click;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.Context;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.proto.v1.Platform;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.flink.hourly.HourlyReport;
import dev.tideline.validator.flink.hourly.HourlyResultCallbackSink;
import dev.tideline.validator.flink.hourly.ResultRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The job's main class, run with the CLI's options against a local Kinesis. */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(120)
class ValidatorJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager(2);

  private static ByteString id(long high, long n) {
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(high).putLong(n).array());
  }

  @Test
  void writesAColdReportPerEventHourOfABoundedRead(
      @TestStream(shards = 2) LocalKinesisStream stream,
      KinesisClient kinesis,
      @TempDir Path out,
      @TempDir Path quarantine)
      throws Exception {
    Instant hour = plantThreeClicksOfTheLastHour(stream, kinesis);
    // Not an envelope: an unreadable event, without an event hour, quarantined.
    kinesis.putRecord(
        r ->
            r.streamName(stream.name())
                .partitionKey("q")
                .data(SdkBytes.fromByteArray(new byte[] {1, 2, 3})));
    LocalKinesisServer server = stream.server();
    useTheServersCredentials(server);

    int exit =
        new CommandLine(new ValidatorJob())
            .execute(
                stream.name(),
                "--out",
                out.toUri().toString(),
                "--endpoint",
                server.httpEndpoint().toString(),
                "--region",
                LocalKinesisServer.REGION.id(),
                "--reads-per-second",
                "5",
                "--quarantine",
                quarantine.toUri().toString(),
                "--checkpoint-interval",
                "PT1S");

    assertThat(exit).isZero();
    Path cold = out.resolve("hour=" + hour.toString().substring(0, 13)).resolve("report-cold.json");
    JsonNode report = new ObjectMapper().readTree(cold.toFile());
    assertThat(report.at("/window/result").asText()).isEqualTo("cold");
    assertThat(report.at("/totals/events").asLong()).isEqualTo(3);
    assertThat(report.at("/totals/valid").asLong()).isEqualTo(3);
    assertThat(Files.exists(cold.resolveSibling("report-hot.json"))).isTrue();

    Path delivery;
    try (Stream<Path> files = Files.list(out.resolve("delivery"))) {
      delivery = files.max(Comparator.naturalOrder()).orElseThrow();
    }
    JsonNode deliveryReport = new ObjectMapper().readTree(delivery.toFile());
    assertThat(deliveryReport.at("/delivery/producers").asLong()).isEqualTo(1);
    assertThat(deliveryReport.at("/producers/0/distinct_sequences").asLong()).isEqualTo(3);

    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.walk(quarantine)) {
      for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
        assertThat(file.getFileName().toString()).startsWith("quarantine-");
        lines.addAll(Files.readAllLines(file));
      }
    }
    assertThat(lines).hasSize(1);
    assertThat(new ObjectMapper().readTree(lines.get(0)).get("reason").asText())
        .isEqualTo("invalid_envelope");
  }

  /** Puts three valid clicks of the hour before this one, and answers that hour. */
  private static Instant plantThreeClicksOfTheLastHour(
      LocalKinesisStream stream, KinesisClient kinesis) {
    CatalogEntry click = SchemaRegistry.fromClasspath().forClass(Click.class);
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
    for (int seq = 1; seq <= 3; seq++) {
      long eventUs = hour.plusSeconds(60L * seq).toEpochMilli() * 1000;
      Envelope envelope =
          Envelope.newBuilder()
              .setEventType(click.getEventType())
              .setFormat(SchemaFormat.PROTOBUF)
              .setSchemaId(click.getSchemaId())
              .setPayload(
                  Click.newBuilder().setElementId("a").setScreenName("home").build().toByteString())
              .setEventId(id(1, seq))
              .setProducerId(id(1, 0))
              .setSequence(seq)
              .setEventTimeUs(eventUs)
              .setContext(Context.newBuilder().setAppVersion("1.0").setPlatform(Platform.IOS))
              .build();
      kinesis.putRecord(
          b ->
              b.streamName(stream.name())
                  .partitionKey("p")
                  .data(SdkBytes.fromByteArray(envelope.toByteArray())));
    }
    return hour;
  }

  /** The job's clients find credentials in the AWS SDK's chain: these system properties. */
  private static void useTheServersCredentials(LocalKinesisServer server) {
    AwsCredentials credentials = server.credentials().resolveCredentials();
    System.setProperty("aws.accessKeyId", credentials.accessKeyId());
    System.setProperty("aws.secretAccessKey", credentials.secretAccessKey());
  }

  /** What the listener of the test was told. */
  static final Queue<HourlyReport> TOLD = new ConcurrentLinkedQueue<>();

  private static ObjectNode withoutGeneratedAt(JsonNode report) {
    ObjectNode copy = ((ObjectNode) report).deepCopy();
    copy.remove("generated_at");
    return copy;
  }

  @Test
  void putsEachHourlyReportIntoTheResultsStreamKeyedByItsHourAndTellsTheListenerTheSame(
      @TestStream(shards = 2) LocalKinesisStream stream,
      @TestStream LocalKinesisStream results,
      KinesisClient kinesis,
      @TempDir Path out)
      throws Exception {
    Instant hour = plantThreeClicksOfTheLastHour(stream, kinesis);
    LocalKinesisServer server = stream.server();
    useTheServersCredentials(server);
    TOLD.clear();
    ValidatorJob job = new ValidatorJob();
    new CommandLine(job)
        .parseArgs(
            stream.name(),
            "--out",
            out.toUri().toString(),
            "--results-stream",
            results.name(),
            "--endpoint",
            server.httpEndpoint().toString(),
            "--region",
            LocalKinesisServer.REGION.id(),
            "--reads-per-second",
            "5");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    job.build(env)
        .sinkTo(
            HourlyResultCallbackSink.of(
                "stream " + stream.name(), false, report -> TOLD.add(report)));

    env.execute("results stream");

    String hourId = hour.toString().substring(0, 13);
    List<Record> records = ResultRecords.readAll(kinesis, results.name());
    assertThat(records).extracting(Record::partitionKey).containsOnly(hourId);
    List<JsonNode> put = new ArrayList<>();
    for (Record record : records) {
      put.add(JSON.readTree(record.data().asByteArray()));
    }
    // Hot first, cold last, in the order they were put.
    assertThat(put)
        .extracting(r -> r.at("/window/result").asText())
        .startsWith("hot")
        .endsWith("cold");
    for (JsonNode report : put) {
      assertThat(report.at("/format").asText()).isEqualTo("tideline-validation-report");
      assertThat(report.at("/version").asInt()).isEqualTo(1);
      assertThat(report.at("/window/hour").asText()).isEqualTo(hour.toString());
      assertThat(report.at("/source").asText()).isEqualTo("stream " + stream.name());
      assertThat(report.at("/totals/events").asLong()).isEqualTo(3);
      assertThat(report.at("/totals/valid").asLong()).isEqualTo(3);
      assertThat(report.at("/delivery/producers").asLong()).isEqualTo(1);
    }
    JsonNode cold = put.get(put.size() - 1);
    assertThat(withoutGeneratedAt(cold))
        .isEqualTo(
            withoutGeneratedAt(
                JSON.readTree(out.resolve("hour=" + hourId).resolve("report-cold.json").toFile())));

    // The listener was told of the same results, with the same reports.
    assertThat(TOLD)
        .extracting(r -> r.result().kind().id() + " " + r.result().revision())
        .containsExactlyInAnyOrderElementsOf(
            put.stream()
                .map(r -> r.at("/window/result").asText() + " " + r.at("/window/revision").asInt())
                .toList());
    for (HourlyReport told : TOLD) {
      assertThat(told.result().hour()).isEqualTo(hour);
      assertThat(told.report().totals().events()).isEqualTo(3);
      JsonNode same =
          put.stream()
              .filter(r -> r.at("/window/revision").asInt() == told.result().revision())
              .findFirst()
              .orElseThrow();
      assertThat(withoutGeneratedAt(JSON.readTree(told.json())))
          .isEqualTo(withoutGeneratedAt(same));
    }
  }

  @Test
  void failsTheJobNamingTheResultsStreamWhenItDoesNotExist(
      @TestStream LocalKinesisStream stream, KinesisClient kinesis, @TempDir Path out)
      throws Exception {
    Instant hour = plantThreeClicksOfTheLastHour(stream, kinesis);
    LocalKinesisServer server = stream.server();
    useTheServersCredentials(server);
    ValidatorJob job = new ValidatorJob();
    new CommandLine(job)
        .parseArgs(
            stream.name(),
            "--out",
            out.toUri().toString(),
            "--results-stream",
            "no-such-results",
            "--endpoint",
            server.httpEndpoint().toString(),
            "--region",
            LocalKinesisServer.REGION.id(),
            "--reads-per-second",
            "5");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    job.build(env);

    assertThatThrownBy(() -> env.execute("missing results stream"))
        .satisfies(
            e ->
                assertThat(ExceptionUtils.findThrowable(e, IOException.class))
                    .get()
                    .extracting(Throwable::getMessage)
                    .asString()
                    .startsWith(
                        "Kinesis stream no-such-results does not exist (or is not in this account"
                            + " and region): create it, or name another results stream; the hot"
                            + " result (revision 0) of hour "
                            + hour
                            + " was not put into Kinesis stream no-such-results: "));
  }

  @Test
  void refusesAStartingPositionItCannotRead() {
    ValidatorJob job = new ValidatorJob();
    new CommandLine(job).parseArgs("s", "--out", "file:///tmp/x", "--from", "yesterday");
    assertThatThrownBy(
            () ->
                job.build(
                    org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                        .getExecutionEnvironment()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--from takes trim_horizon, latest or an ISO-8601 instant");
  }
}
