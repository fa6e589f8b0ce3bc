package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.sink.InMemorySink;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private final Harness harness = new Harness();

  @Test
  void countsRecordsBytesPayloadUnitsAndFill() {
    Tracker tracker =
        harness.start(harness.builder().partitionKeys(PartitionKeyStrategy.perProducer()));
    for (int i = 0; i < 100; i++) {
      tracker.log(Harness.paymentOfSize(i, 1000));
    }
    tracker.flush();
    harness.scheduler.runDue();

    TrackerMetrics metrics = tracker.metrics();
    InMemorySink.StoredRecord record = harness.sink.storedRecords().get(0);
    int size = record.record().billedSize();
    assertThat(harness.sink.storedRecords()).hasSize(1);
    assertThat(metrics.eventsAccepted()).isEqualTo(100);
    assertThat(metrics.eventsSent()).isEqualTo(100);
    assertThat(metrics.recordsSent()).isEqualTo(1);
    assertThat(metrics.aggregatedRecordsSent()).isEqualTo(1);
    assertThat(metrics.bytesSent()).isEqualTo(size);
    assertThat(metrics.putPayloadUnits()).isEqualTo((size + 25 * 1024 - 1) / (25 * 1024));
    assertThat(metrics.aggregationFillRatio()).isEqualTo((double) size / (1024 * 1024));
    assertThat(metrics.putRecordsCalls()).isEqualTo(1);
    assertThat(metrics.bufferedBytes()).isZero();
    assertThat(metrics.bufferedEvents()).isZero();
    assertThat(metrics.oldestEventAgeMicros()).isZero();
  }

  @Test
  void reportsTheAgeOfTheOldestUndeliveredEventAndItsLatencyOnceDelivered() {
    harness.faults.holdCalls();
    Tracker tracker = harness.start(harness.builder());
    tracker.log(Harness.payment(1));
    harness.scheduler.advance(3, TimeUnit.SECONDS);
    assertThat(tracker.metrics().oldestEventAgeMicros()).isEqualTo(3_000_000);
    assertThat(tracker.metrics().bufferedEvents()).isEqualTo(1);
    harness.faults.releaseCalls();
    harness.scheduler.runDue();
    TrackerMetrics.LatencySnapshot latency = tracker.metrics().latency();
    assertThat(latency.count()).isEqualTo(1);
    assertThat(latency.maxMicros()).isEqualTo(3_000_000);
    assertThat(latency.percentileMicros(99)).isEqualTo(3_000_000);
  }

  @Test
  void dropOldestRefusesTheNewEventWhenEveryBufferedByteIsInFlight() {
    harness.faults.holdCalls();
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .maxBufferBytes(1024 * 1024)
                .bufferPolicy(BufferPolicy.DROP_OLDEST)
                .rateLimitFactor(10));
    for (int i = 0; i < 10; i++) {
      tracker.log(Harness.paymentOfSize(i, 100_000));
    }
    tracker.flush();
    harness.scheduler.runDue(); // everything is now in one held call
    assertThat(harness.faults.heldCalls()).isEqualTo(1);
    assertThat(tracker.log(Harness.paymentOfSize(10, 100_000))).isEqualTo(LogOutcome.BUFFER_FULL);
    assertThat(tracker.metrics().dropped()).isEmpty();
  }

  @Test
  void anEventAcceptedBeforeTheStreamsSmallerLimitWasKnownIsDroppedAsTooLarge() {
    harness.sink.setMaxRecordBytes(1024 * 1024);
    Tracker tracker =
        harness
            .builder()
            .maxRecordBytes(2 * 1024 * 1024)
            .maxRequestBytes(4 * 1024 * 1024)
            .maxBufferBytes(8 * 1024 * 1024)
            .build(); // not started yet: the stream's limit is still unknown
    assertThat(tracker.log(Harness.paymentOfSize(1, 1_500_000))).isEqualTo(LogOutcome.ACCEPTED);
    assertThat(tracker.log(Harness.payment(2))).isEqualTo(LogOutcome.ACCEPTED);
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.listener.dropReasons).containsExactly(DropReason.TOO_LARGE);
    assertThat(tracker.metrics().dropped()).containsEntry(DropReason.TOO_LARGE, 1L);
    assertThat(harness.sink.storedEnvelopes()).hasSize(1);
    assertThat(harness.sink.violations()).isEmpty();
    assertThat(tracker.log(Harness.paymentOfSize(3, 1_500_000))).isEqualTo(LogOutcome.TOO_LARGE);
  }

  @Test
  void partitionKeysThatFallBackToTheProducersKeyAreCounted() {
    Harness harness = new Harness();
    String[] keys = {"order-1", null, "", new String(new char[257]).replace('\0', 'k')};
    int[] next = {0};
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .partitionKeys(
                    (event, producerKey) -> {
                      int i = next[0]++;
                      if (i == 4) {
                        throw new IllegalStateException("no key for this one");
                      }
                      return keys[i];
                    }));
    for (int i = 0; i < 5; i++) {
      assertThat(tracker.log(Harness.payment(i))).isEqualTo(LogOutcome.ACCEPTED);
    }
    assertThat(tracker.metrics().partitionKeyFallbacks()).isEqualTo(4);
  }
}
