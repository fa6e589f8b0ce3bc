package dev.tideline.testing;

import static dev.tideline.testing.TidelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.events.v1.Login;
import dev.tideline.events.v1.Payment;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.Tracker;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TidelineQaExtension.class)
class TrackerCaptureTest {

  static Payment payment(String orderId, String currency) {
    return Payment.newBuilder()
        .setOrderId(orderId)
        .setAmountMinor(1999)
        .setCurrency(currency)
        .setMethod(Payment.Method.CARD)
        .setStatus(Payment.Status.CAPTURED)
        .build();
  }

  static void logAndFlush(Tracker tracker, Object... events) {
    for (Object event : events) {
      assertThat(tracker.log(event)).isEqualTo(LogOutcome.ACCEPTED);
    }
    assertThat(tracker.flush().await(30, TimeUnit.SECONDS)).as("flush completed").isTrue();
  }

  @Test
  void whatATrackerSendsIsCapturedDecodedAndJudged(TrackerCapture capture) {
    Tracker tracker = capture.trackerBuilder().build();
    logAndFlush(
        tracker,
        payment("order-000001", "EUR"),
        payment("order-000002", "EUR"),
        payment("order-000003", "GBP"),
        Login.newBuilder().setMethod(Login.Method.PASSWORD).setSuccess(true).build());
    tracker.close(10, TimeUnit.SECONDS);

    assertThat(capture)
        .hasNoViolations()
        .hasSentExactly(3, Payment.class)
        .hasSentExactly(1, "tideline.events.v1.Login")
        .hasSent(Login.class, Login::getSuccess, "that succeeded")
        .hasSent(Payment.class, p -> p.getCurrency().equals("GBP"));
  }

  @Test
  void aWrongCountFailsListingWhatArrived(TrackerCapture capture) {
    Tracker tracker = capture.trackerBuilder().build();
    logAndFlush(tracker, payment("order-000001", "EUR"), payment("order-000002", "EUR"));

    assertThatThrownBy(() -> assertThat(capture).hasSentExactly(3, Payment.class))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected exactly 3 tideline.events.v1.Payment, but 2 arrived.")
        .hasMessageContaining("2 × tideline.events.v1.Payment")
        .hasMessageContaining("order_id: \"order-000002\"");
    tracker.close(10, TimeUnit.SECONDS);
  }

  @Test
  void anEventBreakingARuleFailsNamingTheFieldAndTheRule(TrackerCapture capture) {
    Tracker tracker = capture.trackerBuilder().build();
    logAndFlush(tracker, payment("order-000001", "eur"));

    assertThat(capture).hasSentExactly(1, Payment.class);
    assertThatThrownBy(() -> assertThat(capture).hasNoViolations())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected no violations, but found 1")
        .hasMessageContaining("currency")
        .hasMessageContaining("INVALID (RULE_VIOLATION)");
    assertThatThrownBy(() -> assertThat(capture).hasSent(Payment.class, p -> true, "at all"))
        .hasMessageContaining(
            "Expected a valid tideline.events.v1.Payment at all, but none arrived");
    tracker.close(10, TimeUnit.SECONDS);
  }

  @Test
  void nothingLoggedMeansNothingArrived(TrackerCapture capture) {
    assertThat(capture).hasSentNothing().hasNoViolations();
    assertThatThrownBy(() -> assertThat(capture).hasSentExactly(1, Payment.class))
        .hasMessageContaining("Nothing arrived.");
  }

  @Test
  void aClassWithoutACatalogEntryIsNamedInTheFailure(TrackerCapture capture) {
    assertThatThrownBy(() -> assertThat(capture).hasSentExactly(1, String.class))
        .hasMessageContaining("java.lang.String is not in any schema catalog on the classpath");
  }

  @Test
  void eachTestGetsItsOwnCaptureAndCorrelation(
      TrackerCapture first, TrackerCapture second, TestCorrelation a, TestCorrelation b) {
    assertThat(first).isNotSameAs(second);
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(a.toString()).startsWith("tideline.test=");
  }
}
