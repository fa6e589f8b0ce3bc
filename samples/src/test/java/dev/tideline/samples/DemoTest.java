package dev.tideline.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import dev.tideline.validator.ValidationReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalKinesisExtension.class)
class DemoTest {
  @Test
  void everyLoggedEventArrivesAndOnlyThePlantedPaymentsAreInvalid(
      LocalKinesisServer server, @TempDir Path reports) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ValidationReport report =
        Demo.run(server, reports, new PrintStream(out, true, StandardCharsets.UTF_8));

    long audits =
        report.byEventType().stream()
            .filter(t -> t.eventType().equals("tideline.events.v1.ProducerAudit"))
            .mapToLong(t -> t.events())
            .sum();
    assertThat(report.totals().events() - audits)
        .as("logged events arrived")
        .isEqualTo(Demo.EVENTS);
    assertThat(report.totals().invalid()).isEqualTo(Demo.INVALID_PAYMENTS);
    assertThat(report.totals().valid()).isEqualTo(Demo.EVENTS - Demo.INVALID_PAYMENTS + audits);
    assertThat(report.byEventType())
        .filteredOn(t -> t.eventType().equals("tideline.events.v1.Payment"))
        .singleElement()
        .satisfies(t -> assertThat(t.invalidByReason()).containsEntry("rule_violation", 4L));
    assertThat(report.totals().duplicates()).isZero();
    assertThat(Files.readString(reports.resolve("demo-report.html"))).contains("<svg");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .containsPattern("SDK: 20,00\\d events accepted, 20,00\\d sent")
        .contains("ProducerAudit record")
        .containsPattern("Open .*demo-report\\.html in a browser");
  }
}
