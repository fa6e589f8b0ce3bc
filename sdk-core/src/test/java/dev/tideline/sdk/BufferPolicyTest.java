package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tideline.proto.v1.Envelope;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BufferPolicyTest {
  private static final int MIB = 1024 * 1024;
  private final Harness harness = new Harness();

  /** Logs 100 KB events without running the worker until the buffer refuses one. */
  private int fill(Tracker tracker) {
    int accepted = 0;
    while (tracker.log(Harness.paymentOfSize(accepted, 100_000)) == LogOutcome.ACCEPTED) {
      accepted++;
    }
    return accepted;
  }

  @Test
  void dropNewestRefusesTheNewEventAndKeepsSequencesWithoutGaps() {
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .maxBufferBytes(MIB)
                .bufferPolicy(BufferPolicy.DROP_NEWEST)
                .rateLimitFactor(10));
    int accepted = fill(tracker);
    assertThat(accepted).isEqualTo(10);
    assertThat(tracker.metrics().rejected()).containsEntry(LogOutcome.BUFFER_FULL, 1L);
    assertThat(tracker.metrics().bufferedBytes()).isLessThanOrEqualTo(MIB);

    tracker.flush();
    harness.scheduler.runDue();
    assertThat(tracker.log(Harness.payment(99))).isEqualTo(LogOutcome.ACCEPTED);
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.sink.storedEnvelopes())
        .extracting(Envelope::getSequence)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
  }

  @Test
  void dropOldestEvictsTheOldestQueuedEventsAndCountsThem() {
    Tracker tracker =
        harness.start(harness.builder().maxBufferBytes(MIB).bufferPolicy(BufferPolicy.DROP_OLDEST));
    for (int i = 0; i < 13; i++) {
      assertThat(tracker.log(Harness.paymentOfSize(i, 100_000))).isEqualTo(LogOutcome.ACCEPTED);
    }
    assertThat(harness.listener.dropped)
        .extracting(TrackedEvent::sequence)
        .containsExactly(1L, 2L, 3L);
    assertThat(harness.listener.dropReasons).containsOnly(DropReason.BUFFER_FULL);
    assertThat(tracker.metrics().dropped()).containsEntry(DropReason.BUFFER_FULL, 3L);
    assertThat(tracker.metrics().bufferedEvents()).isEqualTo(10);
  }

  @Test
  void blockGivesUpAfterTheTimeoutOnTheInjectedClock() {
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .maxBufferBytes(MIB)
                .bufferPolicy(BufferPolicy.BLOCK)
                .blockTimeout(1, TimeUnit.SECONDS));
    harness.faults.holdCalls();
    for (int i = 0; i < 10; i++) {
      assertThat(tracker.log(Harness.paymentOfSize(i, 100_000))).isEqualTo(LogOutcome.ACCEPTED);
    }
    AtomicReference<LogOutcome> outcome = new AtomicReference<>();
    Thread logger = new Thread(() -> outcome.set(tracker.log(Harness.paymentOfSize(10, 100_000))));
    logger.start();
    await()
        .during(50, TimeUnit.MILLISECONDS)
        .atMost(2, TimeUnit.SECONDS)
        .until(() -> outcome.get() == null);
    harness.clock.advance(1, TimeUnit.SECONDS);
    await().atMost(5, TimeUnit.SECONDS).until(() -> outcome.get() != null);
    assertThat(outcome.get()).isEqualTo(LogOutcome.BUFFER_FULL);
  }

  @Test
  void blockAcceptsOnceAcknowledgementsMakeRoom() {
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .maxBufferBytes(MIB)
                .bufferPolicy(BufferPolicy.BLOCK)
                .blockTimeout(1, TimeUnit.SECONDS)
                .rateLimitFactor(10));
    for (int i = 0; i < 10; i++) {
      tracker.log(Harness.paymentOfSize(i, 100_000));
    }
    AtomicReference<LogOutcome> outcome = new AtomicReference<>();
    Thread logger = new Thread(() -> outcome.set(tracker.log(Harness.paymentOfSize(10, 100_000))));
    logger.start();
    await()
        .during(50, TimeUnit.MILLISECONDS)
        .atMost(2, TimeUnit.SECONDS)
        .until(() -> outcome.get() == null);
    tracker.flush();
    harness.scheduler.runDue();
    await().atMost(5, TimeUnit.SECONDS).until(() -> outcome.get() != null);
    assertThat(outcome.get()).isEqualTo(LogOutcome.ACCEPTED);
  }
}
