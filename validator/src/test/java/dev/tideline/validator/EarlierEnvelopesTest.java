package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.validator.cli.TidelineValidate;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Records written before the compact envelope (with {@code event_id}, {@code event_type}, {@code
 * format} and {@code sent_time_us}) are read and counted exactly as the validator of that version
 * counted them: deduplicated by their own event ids, typed by their own event types, their lateness
 * corrected with their sent times. The records and that version's report are in {@code
 * src/test/resources/legacy} (see its README).
 */
class EarlierEnvelopesTest {
  private static final String[] SECTIONS = {
    "totals", "by_event_type", "lateness", "producers", "delivery"
  };

  @TempDir Path dir;

  @Test
  void recordsOfTheEarlierEnvelopeCountAsThatVersionCountedThem() throws Exception {
    Path records = dir.resolve("envelope-0.1.records");
    try (InputStream in = getClass().getResourceAsStream("/legacy/envelope-0.1.records")) {
      Files.copy(in, records);
    }
    Path json = dir.resolve("report.json");
    CommandLine cli = TidelineValidate.commandLine(new TidelineValidate());
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(new StringWriter()));

    int exit =
        cli.execute("files", "--quiet", "--report=" + json, records.toString(), records.toString());

    assertThat(exit).isZero();
    ObjectMapper mapper = new ObjectMapper();
    JsonNode report = mapper.readTree(json.toFile());
    JsonNode earlier;
    try (InputStream in = getClass().getResourceAsStream("/legacy/envelope-0.1.report.json")) {
      earlier = mapper.readTree(in);
    }
    for (String section : SECTIONS) {
      assertThat(report.get(section)).as(section).isEqualTo(earlier.get(section));
    }
    // What the file holds, in case the saved report were ever rewritten.
    assertThat(report.at("/totals/events").asLong()).isEqualTo(606);
    assertThat(report.at("/totals/duplicates").asLong()).isEqualTo(303);
    assertThat(report.at("/totals/invalid").asLong()).isEqualTo(4);
    assertThat(report.at("/delivery/lost").asLong()).isZero();
  }
}
