package dev.tideline.validator.flink.hourly;

import static dev.tideline.validator.flink.hourly.Planting.click;
import static dev.tideline.validator.flink.hourly.Planting.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.testing.kinesis.LocalKinesisStream;
import dev.tideline.testing.kinesis.TestStream;
import dev.tideline.validator.Tally;
import dev.tideline.validator.Validator;
import dev.tideline.validator.flink.source.KinesisClientFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/** {@link HourlyReportStreamSink} on a MiniCluster, putting into a local Kinesis stream. */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(120)
class HourlyReportStreamSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant HOUR =
      Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(1)
              .build());

  /** A tally of one click from each of {@code producers} producers, in {@link #HOUR}. */
  private static Tally clicksOf(int producers) {
    Validator validator = Validator.builder(Planting.REGISTRY).build();
    Tally tally = HourlyValidation.newTally(Validator.DEFAULT_CLOCK_SKEW_TOLERANCE);
    for (int producer = 1; producer <= producers; producer++) {
      byte[] data = event(click("buy"), producer, 1, HOUR.plusSeconds(producer)).toByteArray();
      tally.add(validator.validate(data, "p", HOUR.plusSeconds(producer + 5)));
    }
    return tally;
  }

  private static HourlyResult result(HourlyResult.Kind kind, int revision, Tally tally) {
    return new HourlyResult(HOUR.toEpochMilli(), kind, revision, tally, 0, 0);
  }

  private static KinesisClientFactory clients(LocalKinesisServer server, URI endpoint) {
    AwsCredentials credentials = server.credentials().resolveCredentials();
    return KinesisClientFactory.builder()
        .endpoint(endpoint)
        .region(LocalKinesisServer.REGION.id())
        .staticCredentials(credentials.accessKeyId(), credentials.secretAccessKey())
        .build();
  }

  private static void run(HourlyReportStreamSink sink, HourlyResult... results) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.fromData(List.of(results), HourlyValidation.RESULT_TYPE).sinkTo(sink);
    env.execute("results stream");
  }

  @Test
  void putsEachReportAsOneRecordKeyedByItsHourAndATotalsRecordInPlaceOfOneOverTheRecordLimit(
      @TestStream LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    // 600 producers: 600 rows of producers[], some 200 KB of report.
    HourlyResult big = result(HourlyResult.Kind.HOT, 0, clicksOf(600));
    int bigBytes =
        HourlyReport.of(big, "test", false).json().getBytes(StandardCharsets.UTF_8).length;
    assertThat(bigBytes).isGreaterThan(128 * 1024);
    HourlyResult small = result(HourlyResult.Kind.COLD, 1, clicksOf(2));

    run(
        HourlyReportStreamSink.builder(
                stream.name(), clients(stream.server(), stream.server().httpEndpoint()), "test")
            .maxRecordBytes(128 * 1024)
            .build(),
        big,
        small);

    List<Record> records = ResultRecords.readAll(kinesis, stream.name());
    assertThat(records)
        .extracting(Record::partitionKey)
        .containsExactly(big.hourId(), big.hourId());
    assertThat(big.hourId()).isEqualTo(HOUR.toString().substring(0, 13));
    JsonNode tooLarge = JSON.readTree(records.get(0).data().asByteArray());
    assertThat(tooLarge.at("/format").asText())
        .isEqualTo(HourlyReportStreamSink.TOO_LARGE_FORMAT)
        .isEqualTo("tideline-validation-report-too-large");
    assertThat(tooLarge.at("/version").asInt()).isEqualTo(1);
    assertThat(tooLarge.at("/window/hour").asText()).isEqualTo(HOUR.toString());
    assertThat(tooLarge.at("/window/result").asText()).isEqualTo("hot");
    assertThat(tooLarge.at("/source").asText()).isEqualTo("test");
    assertThat(tooLarge.at("/report_bytes").asInt()).isEqualTo(bigBytes + big.hourId().length());
    assertThat(tooLarge.at("/max_record_bytes").asInt()).isEqualTo(128 * 1024);
    assertThat(tooLarge.at("/totals/events").asLong()).isEqualTo(600);
    assertThat(tooLarge.at("/totals/valid").asLong()).isEqualTo(600);
    assertThat(tooLarge.at("/delivery/producers").asLong()).isEqualTo(600);
    assertThat(tooLarge.has("producers")).isFalse();
    assertThat(tooLarge.at("/message").asText()).contains("over the record limit of 131072 bytes");

    JsonNode full = JSON.readTree(records.get(1).data().asByteArray());
    assertThat(full.at("/format").asText()).isEqualTo("tideline-validation-report");
    assertThat(full.at("/window/result").asText()).isEqualTo("cold");
    assertThat(full.at("/window/revision").asInt()).isEqualTo(1);
    assertThat(full.at("/totals/events").asLong()).isEqualTo(2);
    assertThat(full.at("/producers").size()).isEqualTo(2);
  }

  @Test
  void putsAReportOnALaterAttemptWhenKinesisFailsMoreCallsThanTheClientRetries(
      @TestStream LocalKinesisStream stream, KinesisClient kinesis) throws Exception {
    LocalKinesisServer server = stream.server();
    HourlyResult hot = result(HourlyResult.Kind.HOT, 0, clicksOf(3));
    // Five failed calls are more than the client's own retries absorb: with one attempt of the
    // sink, the job fails.
    try (FailingProxy proxy = new FailingProxy(server.httpEndpoint(), 5)) {
      HourlyReportStreamSink once =
          HourlyReportStreamSink.builder(stream.name(), clients(server, proxy.endpoint()), "test")
              .maxAttempts(1)
              .build();
      assertThatThrownBy(() -> run(once, hot))
          .satisfies(
              e ->
                  assertThat(ExceptionUtils.findThrowable(e, IOException.class))
                      .get()
                      .extracting(Throwable::getMessage)
                      .asString()
                      .contains("in 1 attempts"));
    }
    assertThat(ResultRecords.readAll(kinesis, stream.name())).isEmpty();

    try (FailingProxy proxy = new FailingProxy(server.httpEndpoint(), 5)) {
      run(
          HourlyReportStreamSink.builder(stream.name(), clients(server, proxy.endpoint()), "test")
              .maxAttempts(3)
              .initialBackoff(Duration.ofMillis(1))
              .build(),
          hot);
      assertThat(proxy.putRecordCalls()).isEqualTo(6);
    }
    List<Record> records = ResultRecords.readAll(kinesis, stream.name());
    assertThat(records).hasSize(1);
    assertThat(JSON.readTree(records.get(0).data().asByteArray()).at("/totals/events").asLong())
        .isEqualTo(3);
  }

  @Test
  void triesAgainWithBackoffThenFailsTheJobNamingTheResultWhenKinesisCannotBeReached(
      LocalKinesisServer server) throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    HourlyReportStreamSink sink =
        HourlyReportStreamSink.builder(
                "results", clients(server, URI.create("http://127.0.0.1:" + closedPort)), "test")
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(2))
            .build();

    assertThatThrownBy(() -> run(sink, result(HourlyResult.Kind.HOT, 0, clicksOf(1))))
        .satisfies(
            e ->
                assertThat(ExceptionUtils.findThrowable(e, IOException.class))
                    .get()
                    .extracting(Throwable::getMessage)
                    .asString()
                    .startsWith(
                        "could not put the hot result (revision 0) of hour "
                            + HOUR
                            + " into Kinesis stream results in 3 attempts over ")
                    .contains("; the last failed with: ")
                    .contains("Connection refused"));
  }

  @Test
  void refusesSettingsOutsideTheirRangeWithTheValue() {
    HourlyReportStreamSink.Builder builder =
        HourlyReportStreamSink.builder("results", () -> KinesisClient.create(), "test");
    assertThatThrownBy(() -> builder.maxRecordBytes(11 * 1024 * 1024))
        .hasMessage("maxRecordBytes must be from 65536 to 10485760, was 11534336");
    assertThatThrownBy(() -> builder.maxAttempts(0))
        .hasMessage("maxAttempts must be at least 1, was 0");
    assertThatThrownBy(() -> builder.initialBackoff(Duration.ofSeconds(20)).build())
        .hasMessage("initialBackoff (PT20S) must not be longer than maxBackoff (PT10S)");
  }
}
