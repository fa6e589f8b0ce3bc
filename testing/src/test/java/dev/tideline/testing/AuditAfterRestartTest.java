package dev.tideline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.LogReceipt;
import dev.tideline.sdk.SpoolConfig;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.testkit.FaultInjectingSink;
import dev.tideline.validator.Tally;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.Validator;
import java.io.File;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (found by SpoolCrashTest): events an earlier run accepted, recovered from its spool
 * and sent after a restart must not count as lost in the validator's audit reconciliation.
 */
class AuditAfterRestartTest {
  @TempDir File directory;

  @Test
  void eventsSentFromTheSpoolAfterARestartAreNotCountedLost() {
    FaultInjectingSink down =
        FaultInjectingSink.wrap(InMemorySink.create())
            .failNextCalls(Integer.MAX_VALUE, "InternalFailure");
    Tracker first =
        Tracker.builder()
            .streamName("events")
            .sink(down)
            .auditPeriod(0, TimeUnit.SECONDS) // as a run killed before its first audit (1 min)
            .spool(SpoolConfig.builder(directory).build())
            .build();
    for (int i = 0; i < 50; i++) {
      LogReceipt receipt = first.logDurably(SpoolCrashChild.payment("order-" + i));
      assertThat(receipt.written().await(5, TimeUnit.SECONDS)).isTrue();
    }
    first.close(100, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);

    InMemorySink up = InMemorySink.create();
    Tracker second =
        Tracker.builder()
            .streamName("events")
            .sink(up)
            .spool(SpoolConfig.builder(directory).build())
            .build();
    assertThat(second.flush().await(10, TimeUnit.SECONDS)).isTrue();
    second.close(5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);

    Validator validator = Validator.builder(SchemaRegistry.fromClasspath()).build();
    Tally tally = Tally.create();
    for (InMemorySink.StoredRecord stored : up.storedRecords()) {
      tally.add(
          validator.validate(
              stored.record().data(), stored.record().partitionKey(), Instant.now()));
    }
    ValidationReport report = tally.report("events", false);
    assertThat(report.delivery().missing()).isZero();
    assertThat(report.delivery().lost()).isZero();
    assertThat(up.storedEnvelopes()).hasSizeGreaterThanOrEqualTo(50);
  }
}
