package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.InMemorySink;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OrderingTest {
  @Test
  void strictOrderingKeepsOneCallInFlightPerShard() {
    Harness harness = new Harness(InMemorySink.withShards(2));
    harness.faults.holdCalls();
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .ordering(Ordering.STRICT_PER_PARTITION_KEY)
                .aggregation(false)
                .partitionKeys(PartitionKeyStrategy.perProducer()));
    for (int i = 0; i < 5; i++) {
      tracker.log(Harness.payment(i));
    }
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.faults.heldCalls()).isEqualTo(1);
    assertThat(harness.faults.requests().get(0)).hasSize(1);

    for (int call = 2; call <= 5; call++) {
      harness.faults.releaseCalls();
      harness.faults.holdCalls();
      harness.scheduler.runDue();
      assertThat(harness.faults.heldCalls()).isEqualTo(1);
      assertThat(harness.faults.requests()).hasSize(call);
    }
    harness.faults.releaseCalls();
    harness.scheduler.runDue();
    assertThat(harness.sink.storedEnvelopes())
        .extracting(Envelope::getSequence)
        .containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void strictOrderingResendsAFailedRecordBeforeAnythingLaterOfItsShard() {
    Harness harness = new Harness();
    harness.faults.setEntryFault((call, record) -> call == 1 ? ErrorCodes.INTERNAL_FAILURE : null);
    Tracker tracker =
        harness.start(
            harness
                .builder()
                .ordering(Ordering.STRICT_PER_PARTITION_KEY)
                .aggregation(false)
                .partitionKeys(PartitionKeyStrategy.perProducer()));
    for (int i = 0; i < 4; i++) {
      tracker.log(Harness.payment(i));
    }
    tracker.flush();
    harness.scheduler.runDue();
    long tasksBefore = harness.scheduler.totalRun();
    harness.scheduler.advance(10, TimeUnit.SECONDS);
    assertThat(harness.sink.storedEnvelopes())
        .extracting(Envelope::getSequence)
        .containsExactly(1L, 2L, 3L, 4L);
    // Regression: the worker once woke every nanosecond while a shard's head waited to retry.
    assertThat(harness.scheduler.totalRun() - tasksBefore).isLessThan(100);
  }

  @Test
  void bestEffortKeepsSeveralCallsInFlight() {
    Harness harness = new Harness();
    harness.faults.holdCalls();
    Tracker tracker =
        harness.start(
            harness.builder().aggregation(false).maxInFlightRequests(3).maxRequestEntries(2));
    for (int i = 0; i < 10; i++) {
      tracker.log(Harness.payment(i));
    }
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.faults.heldCalls()).isEqualTo(3);
    List<?> first = harness.faults.requests().get(0);
    assertThat(first).hasSize(2);
    harness.faults.releaseCalls();
    harness.scheduler.runDue();
    assertThat(harness.sink.storedRecords()).hasSize(10);
  }
}
