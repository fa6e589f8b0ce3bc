package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.sink.ErrorCodes;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallTimeoutTest {
  private final Harness harness = new Harness();

  @Test
  void aCallTheSinkNeverAnswersIsRetriedAfterTheCallTimeoutAndItsLateAnswerIgnored() {
    harness.faults.holdCalls();
    Tracker tracker =
        harness.start(harness.builder().callTimeout(10, TimeUnit.SECONDS).maxInFlightRequests(1));
    tracker.log(Harness.payment(1));
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.faults.heldCalls()).isEqualTo(1);
    harness.scheduler.advance(9, TimeUnit.SECONDS);
    assertThat(harness.faults.requests()).hasSize(1);

    harness.scheduler.advance(2, TimeUnit.SECONDS); // timeout, then the retry after backoff
    assertThat(harness.faults.requests()).hasSize(2);
    assertThat(tracker.metrics().retriesByErrorCode())
        .containsEntry(ErrorCodes.TRANSPORT_ERROR, 1L);

    harness.faults.releaseCalls(); // both the stale and the retried call answer now
    harness.scheduler.runDue();
    assertThat(tracker.metrics().eventsSent()).isEqualTo(1);
    assertThat(harness.listener.acknowledged).hasSize(1);
  }
}
