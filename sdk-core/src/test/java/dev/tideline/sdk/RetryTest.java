package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.wire.Envelopes;
import dev.tideline.wire.MalformedRecordException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetryTest {
  private final Harness harness = new Harness();

  private static long sequence(SinkRecord record) {
    try {
      return Envelopes.decode(record.data()).getSequence();
    } catch (MalformedRecordException e) {
      throw new AssertionError(e);
    }
  }

  private Tracker unaggregated() {
    return harness.start(harness.builder().aggregation(false));
  }

  @Test
  void retriesOnlyTheFailedEntriesOfAPartialFailure() {
    harness.faults.setEntryFault(
        (call, record) ->
            call == 1 && sequence(record) % 2 == 0 ? ErrorCodes.INTERNAL_FAILURE : null);
    Tracker tracker = unaggregated();
    for (int i = 1; i <= 10; i++) {
      tracker.log(Harness.payment(i));
    }
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.faults.requests()).hasSize(1);
    harness.scheduler.advance(200, TimeUnit.MILLISECONDS);

    List<List<SinkRecord>> requests = harness.faults.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1))
        .extracting(RetryTest::sequence)
        .containsExactly(2L, 4L, 6L, 8L, 10L);
    assertThat(harness.sink.storedEnvelopes())
        .extracting(Envelope::getSequence)
        .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(tracker.metrics().retriesByErrorCode())
        .containsEntry(ErrorCodes.INTERNAL_FAILURE, 5L);
  }

  @Test
  void throttlingRestsTheShardForAtLeastHalfTheBackoff() {
    harness.faults.setEntryFault((call, record) -> call == 1 ? ErrorCodes.THROTTLED : null);
    Tracker tracker = unaggregated();
    tracker.log(Harness.payment(1));
    tracker.flush();
    harness.scheduler.runDue();
    harness.scheduler.advance(49, TimeUnit.MILLISECONDS);
    assertThat(harness.faults.requests()).hasSize(1);
    harness.scheduler.advance(51, TimeUnit.MILLISECONDS);
    assertThat(harness.faults.requests()).hasSize(2);
    assertThat(tracker.metrics().throttlesByShard()).containsEntry("shardId-000000000000", 1L);
    assertThat(tracker.metrics().eventsSent()).isEqualTo(1);
  }

  @Test
  void retriesAWholeCallThatFailedInTransport() {
    harness.faults.failNextCalls(2, ErrorCodes.TRANSPORT_ERROR);
    Tracker tracker = unaggregated();
    tracker.log(Harness.payment(1));
    tracker.flush();
    harness.scheduler.runDue();
    harness.scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(harness.faults.requests()).hasSize(3);
    assertThat(tracker.metrics().retriesByErrorCode())
        .containsEntry(ErrorCodes.TRANSPORT_ERROR, 2L);
    assertThat(tracker.metrics().eventsSent()).isEqualTo(1);
  }

  @Test
  void deadLettersTheOriginalEventsWhenTheTimeToLiveRunsOut() throws Exception {
    harness.faults.setEntryFault((call, record) -> ErrorCodes.INTERNAL_FAILURE);
    Tracker tracker =
        harness.start(
            harness.builder().aggregation(false).recordTtl(2, TimeUnit.SECONDS).maxAttempts(1000));
    tracker.log(Harness.payment(1));
    tracker.flush();
    harness.scheduler.runDue();
    harness.scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(harness.listener.deadLettered).isEmpty();
    harness.scheduler.advance(12, TimeUnit.SECONDS);

    assertThat(harness.listener.deadLettered).hasSize(1);
    assertThat(harness.listener.deadLetterCauses).containsExactly("EXPIRED InternalFailure");
    Envelope original = Envelopes.decode(harness.listener.deadLettered.get(0).envelope());
    assertThat(original.getSequence()).isEqualTo(1L);
    assertThat(tracker.metrics().dropped()).containsEntry(DropReason.EXPIRED, 1L);
    assertThat(tracker.metrics().eventsFailed()).isEqualTo(1);
    assertThat(tracker.metrics().bufferedBytes()).isZero();
  }

  @Test
  void deadLettersWhenTheAttemptBudgetIsSpent() {
    harness.faults.setEntryFault((call, record) -> ErrorCodes.INTERNAL_FAILURE);
    Tracker tracker = harness.start(harness.builder().aggregation(false).maxAttempts(3));
    tracker.log(Harness.payment(1));
    tracker.flush();
    harness.scheduler.runDue();
    harness.scheduler.advance(10, TimeUnit.SECONDS);
    assertThat(harness.faults.requests()).hasSize(3);
    assertThat(harness.listener.deadLetterCauses)
        .containsExactly("ATTEMPTS_EXHAUSTED InternalFailure");
  }

  @Test
  void deadLettersAtOnceWhenKinesisRefusesForGood() {
    harness.faults.setEntryFault((call, record) -> ErrorCodes.ACCESS_DENIED);
    Tracker tracker = unaggregated();
    tracker.log(Harness.payment(1));
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.faults.requests()).hasSize(1);
    assertThat(harness.listener.deadLetterCauses).containsExactly("REFUSED AccessDeniedException");
  }

  @Test
  void limitsEachShardToAThousandRecordsPerSecond() {
    Tracker tracker = harness.start(harness.builder().aggregation(false));
    for (int i = 0; i < 1500; i++) {
      tracker.log(Harness.payment(i));
    }
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(harness.sink.storedRecords()).hasSize(1000);
    int callsBefore = harness.faults.requests().size();
    harness.scheduler.advance(250, TimeUnit.MILLISECONDS);
    assertThat(harness.sink.storedRecords().size()).isBetween(1200, 1250);
    // Refilled tokens go out in batches, not one record per call.
    assertThat(harness.faults.requests().size() - callsBefore).isLessThanOrEqualTo(6);
    harness.scheduler.advance(300, TimeUnit.MILLISECONDS);
    assertThat(harness.sink.storedRecords()).hasSize(1500);
  }

  @Test
  void aSinkThatThrowsIsRetriedLikeATransportError() {
    InMemorySink inner = InMemorySink.create();
    int[] calls = {0};
    dev.tideline.sdk.sink.RecordSink flaky =
        new dev.tideline.sdk.sink.RecordSink() {
          @Override
          public Completion<dev.tideline.sdk.sink.PutRecordsResult> putRecords(
              String stream, List<SinkRecord> records) {
            if (calls[0]++ == 0) {
              throw new IllegalStateException("sink bug");
            }
            return inner.putRecords(stream, records);
          }

          @Override
          public Completion<List<dev.tideline.sdk.sink.Shard>> listShards(String stream) {
            return inner.listShards(stream);
          }

          @Override
          public Completion<Integer> maxRecordBytes(String stream) {
            return inner.maxRecordBytes(stream);
          }

          @Override
          public Completion<Void> close() {
            return inner.close();
          }
        };
    Tracker tracker = harness.start(harness.builder().sink(flaky));
    tracker.log(Harness.payment(1));
    tracker.flush();
    harness.scheduler.runDue();
    harness.scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(inner.storedEnvelopes()).hasSize(1);
    assertThat(tracker.metrics().retriesByErrorCode()).containsEntry(ErrorCodes.SINK_ERROR, 1L);
  }
}
