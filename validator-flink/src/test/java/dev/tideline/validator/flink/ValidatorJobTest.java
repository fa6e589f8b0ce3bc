package dev.tideline.validator.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** The job's main class, run with the CLI's options against a local Kinesis. */
@ExtendWith(LocalKinesisExtension.class)
@Timeout(120)
class ValidatorJobTest {
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
    // Not an envelope: an unreadable event, without an event hour, quarantined.
    kinesis.putRecord(
        b ->
            b.streamName(stream.name())
                .partitionKey("q")
                .data(SdkBytes.fromByteArray(new byte[] {1, 2, 3})));
    LocalKinesisServer server = stream.server();
    AwsCredentials credentials = server.credentials().resolveCredentials();
    System.setProperty("aws.accessKeyId", credentials.accessKeyId());
    System.setProperty("aws.secretAccessKey", credentials.secretAccessKey());

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
