package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CloseTest {
  @Test
  void closeCompletesWithinItsBoundEvenWhenTheSinkNeverFinishesClosing() {
    InMemorySink inner = InMemorySink.create();
    RecordSink stuck =
        new RecordSink() {
          @Override
          public Completion<PutRecordsResult> putRecords(String s, List<SinkRecord> records) {
            return inner.putRecords(s, records);
          }

          @Override
          public Completion<List<Shard>> listShards(String s) {
            return inner.listShards(s);
          }

          @Override
          public Completion<Integer> maxRecordBytes(String s) {
            return inner.maxRecordBytes(s);
          }

          @Override
          public Completion<Void> close() {
            return Completion.create(); // never completes
          }
        };
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder().sink(stuck));
    tracker.log(Harness.payment(1));
    Completion<Void> closed = tracker.close(5, TimeUnit.SECONDS);
    harness.scheduler.runDue();
    assertThat(inner.storedEnvelopes()).hasSize(1);
    assertThat(closed.isDone()).isFalse();
    harness.scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(closed.isSuccess()).isTrue();
  }

  @Test
  void aSharedSinkStaysOpenWhenTheTrackerCloses() {
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder().closeSinkOnClose(false));
    Completion<Void> closed = tracker.close(1, TimeUnit.SECONDS);
    harness.scheduler.runDue();
    assertThat(closed.isSuccess()).isTrue();
    assertThat(harness.sink.isClosed()).isFalse();
  }

  @Test
  void theOwnWorkerThreadStopsWhenTheTrackerCloses() {
    Tracker tracker =
        Tracker.builder()
            .streamName("close-test")
            .sink(InMemorySink.create())
            .registry(Harness.REGISTRY)
            .build();
    tracker.log(Harness.payment(1));
    assertThat(tracker.close(5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS)).isTrue();
    org.awaitility.Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("tideline-close-test") && t.isAlive()));
  }
}
