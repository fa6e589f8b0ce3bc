package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A listener that logs from the worker thread must never make the worker wait for room. */
class ReentrantLogTest {
  @Test
  void logFromAListenerDoesNotBlockTheWorkerUnderTheBlockPolicy() {
    Harness harness = new Harness();
    List<LogOutcome> fromListener = new ArrayList<>();
    Tracker[] holder = new Tracker[1];
    harness.faults.holdCalls();
    holder[0] =
        harness.start(
            harness
                .builder()
                .aggregation(false)
                .maxInFlightRequests(2)
                .maxRequestEntries(1)
                .rateLimitFactor(10)
                .maxBufferBytes(1024 * 1024)
                .bufferPolicy(BufferPolicy.BLOCK)
                .blockTimeout(1, TimeUnit.HOURS)
                .listener(
                    new TrackerListener() {
                      @Override
                      public void onAcknowledged(List<TrackedEvent> events) {
                        if (fromListener.isEmpty()) {
                          fromListener.add(holder[0].log(Harness.paymentOfSize(99, 600_000)));
                        }
                      }
                    }));
    Tracker tracker = holder[0];
    tracker.log(Harness.paymentOfSize(1, 500_000));
    tracker.log(Harness.paymentOfSize(2, 500_000));
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.faults.heldCalls()).isEqualTo(2);

    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          harness.faults.releaseCalls();
          harness.scheduler.runDue();
        });
    // The second event still held 500 KB of the 1 MiB buffer: no room, and no waiting.
    assertThat(fromListener).containsExactly(LogOutcome.BUFFER_FULL);
    assertThat(tracker.metrics().eventsSent()).isEqualTo(2);
  }
}
