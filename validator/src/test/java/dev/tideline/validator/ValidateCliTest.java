package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.tideline.validator.cli.TidelineValidate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code tideline-validate} as a user meets it: help everywhere, arguments checked before anything
 * is read (exit 2, naming the option or file, why, and what to do), hints instead of silent passes,
 * and Kinesis trouble explained (exit 3).
 */
@Timeout(60)
class ValidateCliTest {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");

  @TempDir Path dir;

  /** A client factory that proves no Kinesis client was made: the arguments were refused first. */
  private final AtomicBoolean clientMade = new AtomicBoolean();

  private final Function<TidelineValidate.StreamCommand, KinesisClient> noClient =
      options -> {
        clientMade.set(true);
        throw new AssertionError("a Kinesis client was made before the arguments were checked");
      };

  private Path recordFile(String name, List<PlantedScenario.Planted> records) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, RecordFilesTest.recordFile(records, T.plusSeconds(2)));
    return file;
  }

  private Path validEvents() throws IOException {
    List<PlantedScenario.Planted> records = new ArrayList<>();
    for (int seq = 1; seq <= 3; seq++) {
      records.add(
          new PlantedScenario.Planted(
              TestEvents.event(TestEvents.click("ok"), 9, seq, T).build().toByteArray(),
              "p9",
              null));
    }
    return recordFile("valid.tlrf", records);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "stream --help",
        "files --help",
        "help",
        "help stream",
        "help files",
        "stream -h"
      })
  void printsHelpForEveryCommandAndExitsZero(String args) {
    ValidateCli run = ValidateCli.run(noClient, args.split(" "));

    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out).startsWith("Usage: tideline-validate");
    if (args.contains("stream")) {
      assertThat(run.out)
          .contains("Usage: tideline-validate stream")
          .contains("--read-timeout")
          .contains("--records-per-call");
    }
    assertThat(run.err).isEmpty();
    assertThat(clientMade).isFalse();
  }

  @Test
  void suggestsTheCommandForAMisspelledOne() {
    ValidateCli run = ValidateCli.run(noClient, "sream", "orders");

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_USAGE);
    assertThat(run.err).contains("Unmatched argument").contains("stream");
  }

  @Test
  void refusesAMissingFileNamingItAndWhy() {
    Path missing = dir.resolve("missing.tlrf");

    ValidateCli run = ValidateCli.run("files", missing.toString());

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_USAGE);
    assertThat(run.err)
        .startsWith("tideline-validate files: FILE " + missing + ": no such file;")
        .contains("Try 'tideline-validate files --help' for the options.");
  }

  @Test
  void refusesAFolderNamingItAndWhatToGiveInstead() {
    ValidateCli run = ValidateCli.run("files", dir.toString());

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_USAGE);
    assertThat(run.err)
        .contains("FILE " + dir + ": is a folder; give the record files in it (for example " + dir)
        .doesNotContain("Is a directory");
  }

  @Test
  void refusesAReportThatCannotBeWrittenBeforeReadingAnything() throws IOException {
    Path events = validEvents();
    Path report = dir.resolve("no-such-folder").resolve("report.json");

    ValidateCli run = ValidateCli.run("files", events.toString(), "--report", report.toString());

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_USAGE);
    assertThat(run.err)
        .contains(
            "--report "
                + report
                + " cannot be written: its folder "
                + report.getParent()
                + " does not exist; create it first")
        .doesNotContain(".tmp");
    assertThat(run.out).as("nothing was read or printed").isEmpty();
  }

  @Test
  void refusesAReportFormatItCannotWriteListingTheSupportedOnes() throws IOException {
    Path events = validEvents();
    Path pdf = dir.resolve("out.pdf");

    ValidateCli run = ValidateCli.run("files", events.toString(), "--report", pdf.toString());

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_USAGE);
    assertThat(run.err)
        .contains(
            "--report "
                + pdf
                + ": the format follows the extension, and '.pdf' is not one; use one of .json,"
                + " .html, .htm, .txt");
    assertThat(pdf).doesNotExist();
  }

  @Test
  void refusesAStartItCannotReadAsBadUsageNamingTheForms() {
    ValidateCli run = ValidateCli.run(noClient, "stream", "orders", "--from", "yesterday");

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_USAGE);
    assertThat(run.err)
        .contains(
            "Invalid value for option '--from': 'yesterday' is neither trim_horizon, latest, an"
                + " instant (2026-11-25T15:00:00Z) nor a duration ago (PT2H, 2h, 30m, 1d)");
    assertThat(clientMade).isFalse();
  }

  @Test
  void refusesReadsPerSecondAboveTheKinesisLimitNamingTheOption() {
    ValidateCli run = ValidateCli.run(noClient, "stream", "orders", "--reads-per-second", "10");

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_USAGE);
    assertThat(run.err)
        .contains(
            "--reads-per-second must be more than 0 and at most 5 (Kinesis allows 5 GetRecords per"
                + " second per shard, shared by every consumer), was 10.0")
        .doesNotContain("getRecordsPerSecond");
    assertThat(clientMade).isFalse();
  }

  @Test
  void refusesRecordsPerCallAndReadTimeoutsOutOfRange() {
    ValidateCli limit = ValidateCli.run(noClient, "stream", "orders", "--records-per-call", "0");
    ValidateCli timeout = ValidateCli.run(noClient, "stream", "orders", "--read-timeout", "PT0S");

    assertThat(limit.exit).isEqualTo(TidelineValidate.EXIT_USAGE);
    assertThat(limit.err)
        .contains("--records-per-call must be from 1 to 10000 (the GetRecords limit), was 0");
    assertThat(timeout.exit).isEqualTo(TidelineValidate.EXIT_USAGE);
    assertThat(timeout.err).contains("--read-timeout must be positive, was PT0S");
    assertThat(clientMade).isFalse();
  }

  @Test
  void saysWhatToAddWhenEventsHaveSchemasNoCatalogHoldsAndAGateCanRefuseThem() throws IOException {
    List<PlantedScenario.Planted> records = new ArrayList<>();
    for (int seq = 1; seq <= 3; seq++) {
      // An event of the user's own schema: its id is in no catalog without --schemas.
      records.add(
          new PlantedScenario.Planted(
              TestEvents.event(TestEvents.click("ok"), 9, seq, T)
                  .setEventType("acme.events.v1.Checkout")
                  .setSchemaId(0x1234_5678_9abc_def0L)
                  .build()
                  .toByteArray(),
              "p9",
              null));
    }
    Path events = recordFile("acme.tlrf", records);

    ValidateCli plain = ValidateCli.run("files", events.toString());
    ValidateCli gated =
        ValidateCli.run("files", events.toString(), "--fail-on", "unknown_schema>0");

    assertThat(plain.exit).isZero();
    assertThat(plain.err)
        .contains(
            "3 of 3 events (100.0%) have a schema that no catalog here holds (unknown_schema).")
        .contains(
            "add --schemas with the jars or folders holding your events' catalog"
                + " (META-INF/tideline/catalog.binpb), for example --schemas"
                + " build/libs/acme-events.jar.")
        .contains("A release gate refuses them with --fail-on 'unknown_schema>0'.");
    assertThat(gated.exit).isEqualTo(TidelineValidate.EXIT_THRESHOLD);
    assertThat(gated.err).contains("FAILED: unknown_schema>0 (measured 3)");
  }

  @Test
  void aGateFailsWhenTooFewEventsArrived() throws IOException {
    Path empty = recordFile("empty.tlrf", List.of());

    ValidateCli run = ValidateCli.run("files", empty.toString(), "--fail-on", "events<1");

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_THRESHOLD);
    assertThat(run.err).contains("FAILED: events<1 (measured 0)");
    assertThat(run.out).contains("0 distinct events in 0 records");
  }

  @Test
  void namesTheReadTimeoutWhenAnEndpointNeverAnswers() throws IOException {
    // Accepts connections (the kernel's backlog) and never answers: a stalled endpoint.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
      ValidateCli run =
          withSystemProperties(
              Map.of("aws.accessKeyId", "x", "aws.secretAccessKey", "x"),
              () ->
                  ValidateCli.run(
                      "stream",
                      "orders",
                      "--endpoint",
                      endpoint,
                      "--region",
                      "us-east-1",
                      "--read-timeout",
                      "PT0.2S"));

      assertThat(run.exit).as(run.toString()).isEqualTo(TidelineValidate.EXIT_IO);
      assertThat(run.err)
          .startsWith(
              "tideline-validate: Kinesis did not answer in region us-east-1 at "
                  + endpoint
                  + " within --read-timeout PT0.2S, even after retries: raise --read-timeout, or"
                  + " lower --records-per-call");
    }
  }

  @Test
  void saysToGiveARegionWhenNoneIsConfigured() throws IOException {
    assumeThat(System.getenv("AWS_REGION")).as("AWS_REGION is set here").isNull();
    assumeThat(System.getenv("AWS_DEFAULT_REGION")).as("AWS_DEFAULT_REGION is set here").isNull();
    Path noConfig = Files.createFile(dir.resolve("aws-config"));

    ValidateCli run =
        withSystemProperties(
            Map.of("aws.configFile", noConfig.toString(), "aws.disableEc2Metadata", "true"),
            () -> ValidateCli.run("stream", "orders"));

    assertThat(run.exit).isEqualTo(TidelineValidate.EXIT_IO);
    assertThat(run.err)
        .isEqualTo(
            "tideline-validate: no AWS region: give --region (for example --region eu-west-1), or"
                + " set AWS_REGION or a region in ~/.aws/config\n")
        .doesNotContain("provider");
  }

  private static <T> T withSystemProperties(
      Map<String, String> properties, java.util.function.Supplier<T> body) {
    Map<String, String> before = new java.util.HashMap<>();
    properties.forEach((key, value) -> before.put(key, System.setProperty(key, value)));
    try {
      return body.get();
    } finally {
      before.forEach(
          (key, value) -> {
            if (value == null) {
              System.clearProperty(key);
            } else {
              System.setProperty(key, value);
            }
          });
    }
  }
}
