package dev.tideline.validator.flink.hourly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tideline.validator.DeliveryReport;
import dev.tideline.validator.Tally;
import dev.tideline.validator.Validator;
import dev.tideline.validator.report.Reports;
import dev.tideline.validator.source.KinesisStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * A job's final hourly results and delivery report against the CLI's counting of the same stream
 * (the stream reader, validator and tally the CLI runs), compared field by field.
 */
final class CliComparison {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CliComparison() {}

  /**
   * The final results of a bounded read, merged: checks that every hour has one, cold (at the end
   * of a bounded read every hour is final, nothing too late), with its report file under {@code
   * reports}.
   */
  static Tally mergedFinalResults(Iterable<HourlyResult> results, Path reports) throws Exception {
    Tally merged = Tally.create();
    List<HourlyResult> finals = new ArrayList<>();
    for (HourlyResult result : results) {
      if (result.kind() == HourlyResult.Kind.COLD || result.kind() == HourlyResult.Kind.TOO_LATE) {
        finals.add(result);
        merged.merge(result.tally());
      }
    }
    assertThat(finals).extracting(HourlyResult::kind).containsOnly(HourlyResult.Kind.COLD);
    assertThat(finals).extracting(HourlyResult::hour).doesNotHaveDuplicates().hasSizeGreaterThan(3);
    try (Stream<Path> folders = Files.list(reports)) {
      assertThat(folders.filter(f -> Files.exists(f.resolve("report-cold.json"))))
          .hasSize(finals.size());
    }
    return merged;
  }

  /** The CLI's counting of the whole stream. */
  static Tally clisTally(KinesisClient kinesis, String stream) throws InterruptedException {
    Validator validator = Validator.builder(Planting.REGISTRY).build();
    Tally cli = Tally.create();
    KinesisStreamReader.builder(kinesis, stream)
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
    return cli;
  }

  /**
   * Checks that the report of {@code actual} equals the report of {@code expected} field by field
   * (but for when it was made); violations of equal counts are listed in the order first seen, so
   * they may come in any order.
   */
  static void assertSameReport(Tally actual, Tally expected) throws Exception {
    ObjectNode expectedJson = json(expected);
    ObjectNode actualJson = json(actual);
    assertThat(actualJson.get("violations"))
        .containsExactlyInAnyOrderElementsOf(expectedJson.get("violations"));
    for (ObjectNode report : List.of(expectedJson, actualJson)) {
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
      assertThat(actualJson.get(field)).as(field).isEqualTo(expectedJson.get(field));
    }
    assertThat(actualJson).isEqualTo(expectedJson);
  }

  /**
   * Checks that the latest delivery report under {@code reports/delivery} has the {@code delivery}
   * and {@code producers} sections of the CLI's report, and returns it.
   */
  static JsonNode assertSameDelivery(Path reports, Tally cli) throws Exception {
    Path latest;
    try (Stream<Path> files = Files.list(reports.resolve("delivery"))) {
      latest =
          files
              .filter(f -> f.getFileName().toString().startsWith("report-as-of-"))
              .max(Comparator.naturalOrder())
              .orElseThrow(() -> new AssertionError("no delivery report in " + reports));
    }
    JsonNode delivery = JSON.readTree(latest.toFile());
    assertThat(delivery.get("format").asText()).isEqualTo(DeliveryReport.FORMAT);
    ObjectNode expected = json(cli);
    assertThat(delivery.get("delivery")).as("delivery").isEqualTo(expected.get("delivery"));
    assertThat(delivery.get("producers")).as("producers").isEqualTo(expected.get("producers"));
    return delivery;
  }

  /** The tally's report, as the CLI writes it. */
  static ObjectNode json(Tally tally) throws Exception {
    return (ObjectNode) JSON.readTree(Reports.json(tally.report("stream", false)));
  }
}
