package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tideline.validator.cli.TidelineValidate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's --forbid-clear-pii option. */
class ForbidClearPiiCliTest {
  private static final Instant T = Instant.parse("2026-11-25T15:30:00Z");

  @TempDir Path dir;

  private int validate(StringWriter err, String... options) throws Exception {
    Path file = dir.resolve("events.tlrf");
    Files.write(file, RecordFilesTest.recordFile(PlantedScenario.records(T), T.plusSeconds(2)));
    CommandLine cli = TidelineValidate.commandLine(new TidelineValidate());
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    String[] args = new String[options.length + 4];
    args[0] = "files";
    args[1] = file.toString();
    args[2] = "--report";
    args[3] = dir.resolve("report.json").toString();
    System.arraycopy(options, 0, args, 4, options.length);
    return cli.execute(args);
  }

  private JsonNode report() throws Exception {
    return new ObjectMapper().readTree(dir.resolve("report.json").toFile());
  }

  @Test
  void classesNamedWithOrWithoutTheirPrefixMustNotArriveInClearText() throws Exception {
    int exit =
        validate(
            new StringWriter(),
            "--forbid-clear-pii",
            "identifier,PII_FINANCIAL",
            "--fail-on",
            "pii_in_clear>0");

    assertThat(exit).isEqualTo(1);
    assertThat(report().at("/totals/invalid_by_reason/pii_in_clear").asLong()).isPositive();
  }

  @Test
  void withoutTheOptionClearTextIsNoViolation() throws Exception {
    assertThat(validate(new StringWriter(), "--fail-on", "pii_in_clear>0")).isZero();
    assertThat(report().at("/totals/invalid_by_reason/pii_in_clear").isMissingNode()).isTrue();
  }

  @Test
  void refusesANameThatIsNoPiiClass() throws Exception {
    StringWriter err = new StringWriter();

    assertThat(validate(err, "--forbid-clear-pii", "CONTACT,NONE")).isEqualTo(2);
    assertThat(err.toString()).contains("'NONE' is not a PII class");
  }
}
