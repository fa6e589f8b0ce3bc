package dev.tideline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.events.v1.Login;
import dev.tideline.events.v1.Payment;
import dev.tideline.proto.v1.PiiClass;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.PiiPolicy;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.validator.Tally;
import dev.tideline.validator.ValidationReport;
import dev.tideline.validator.Validator;
import dev.tideline.validator.ViolationKind;
import dev.tideline.validator.report.Reports;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The SDK's PII policy and the validator's ban on clear text, end to end. */
class PiiPolicyEndToEndTest {
  private static final SchemaRegistry REGISTRY = SchemaRegistry.fromClasspath();
  private static final Validator IDENTIFIERS_AND_MONEY_NOT_IN_CLEAR =
      Validator.builder(REGISTRY)
          .forbidClearPii(EnumSet.of(PiiClass.PII_IDENTIFIER, PiiClass.PII_FINANCIAL))
          .build();

  private static ValidationReport sendAndValidate(PiiPolicy policy) {
    InMemorySink sink = InMemorySink.create();
    Tracker tracker =
        Tracker.builder()
            .streamName("pii")
            .sink(sink)
            .registry(REGISTRY)
            .auditPeriod(0, TimeUnit.SECONDS)
            .piiPolicy(policy)
            .build();
    for (int i = 1; i <= 3; i++) {
      assertThat(
              tracker.log(
                  Payment.newBuilder()
                      .setOrderId("order-00000" + i)
                      .setAmountMinor(1999)
                      .setCurrency("EUR")
                      .setMethod(Payment.Method.CARD)
                      .setStatus(Payment.Status.CAPTURED)
                      .setUserId("user-" + i)
                      .build()))
          .isEqualTo(LogOutcome.ACCEPTED);
    }
    assertThat(
            tracker.log(
                Login.newBuilder()
                    .setUserId("user-1")
                    .setMethod(Login.Method.PASSWORD)
                    .setSuccess(true)
                    .build()))
        .isEqualTo(LogOutcome.ACCEPTED);
    assertThat(tracker.close(30, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS)).isTrue();

    Tally tally = Tally.create();
    for (InMemorySink.StoredRecord stored : sink.storedRecords()) {
      tally.add(
          IDENTIFIERS_AND_MONEY_NOT_IN_CLEAR.validate(
              stored.record().data(), stored.record().partitionKey(), Instant.now()));
    }
    return tally.report("pii", false);
  }

  @Test
  void eventsHashedAndDroppedByTheSdkPassTheValidatorsBanOnClearText() {
    PiiPolicy policy =
        PiiPolicy.builder()
            .hashKey("a 32-byte key for the test only!".getBytes(StandardCharsets.UTF_8))
            .action(PiiClass.PII_IDENTIFIER, PiiPolicy.Action.HASH)
            .action(PiiClass.PII_FINANCIAL, PiiPolicy.Action.HASH) // a number: dropped
            .build();

    ValidationReport report = sendAndValidate(policy);

    assertThat(report.totals().events()).isEqualTo(4);
    assertThat(report.totals().invalid()).isZero();
  }

  @Test
  void eventsKeptInClearTextAreCountedAsPiiInClearWithoutTheirValues() {
    ValidationReport report = sendAndValidate(PiiPolicy.keepAll());

    assertThat(report.totals().events()).isEqualTo(4);
    assertThat(report.totals().invalid()).isEqualTo(4);
    assertThat(report.totals().invalidByReason())
        .containsEntry(ViolationKind.PII_IN_CLEAR.id(), 4L);
    assertThat(Reports.json(report)).doesNotContain("user-1", "user-2", "1999");
  }
}
