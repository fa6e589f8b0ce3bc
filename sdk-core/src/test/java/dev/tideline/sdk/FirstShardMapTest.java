package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.RecordSink;
import dev.tideline.sdk.sink.Shard;
import dev.tideline.sdk.sink.SinkRecord;
import dev.tideline.wire.KplRecords;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FirstShardMapTest {
  /** An in-memory sink whose ListShards answers only when the test says so. */
  private static final class SlowListing implements RecordSink {
    final InMemorySink inner = InMemorySink.create();
    final Completion<List<Shard>> listing = Completion.create();

    @Override
    public Completion<PutRecordsResult> putRecords(String stream, List<SinkRecord> records) {
      return inner.putRecords(stream, records);
    }

    @Override
    public Completion<List<Shard>> listShards(String stream) {
      return listing;
    }

    @Override
    public Completion<Integer> maxRecordBytes(String stream) {
      return inner.maxRecordBytes(stream);
    }

    @Override
    public Completion<Void> close() {
      return inner.close();
    }

    void answer() {
      listing.succeed(inner.listShards("s").value());
    }
  }

  @Test
  void theFirstEventsWaitForTheShardMapSoTheyAreAggregated() {
    SlowListing sink = new SlowListing();
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder().sink(sink));
    for (int i = 0; i < 10; i++) {
      tracker.log(Harness.payment(i));
    }
    harness.scheduler.advance(100, TimeUnit.MILLISECONDS);
    assertThat(sink.inner.requests()).isEmpty();
    sink.answer();
    harness.scheduler.advance(500, TimeUnit.MILLISECONDS);
    assertThat(sink.inner.storedRecords())
        .singleElement()
        .satisfies(r -> assertThat(KplRecords.isAggregated(r.record().data())).isTrue());
    assertThat(sink.inner.storedEnvelopes()).hasSize(10);
  }

  @Test
  void aFlushRightAfterStartStillWaitsForTheShardMap() {
    SlowListing sink = new SlowListing();
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder().sink(sink));
    for (int i = 0; i < 10; i++) {
      tracker.log(Harness.payment(i));
    }
    Completion<Void> flushed = tracker.flush();
    harness.scheduler.advance(100, TimeUnit.MILLISECONDS);
    assertThat(sink.inner.requests()).isEmpty();
    assertThat(flushed.isDone()).isFalse();
    sink.answer();
    harness.scheduler.advance(1, TimeUnit.MILLISECONDS);
    assertThat(sink.inner.storedRecords())
        .singleElement()
        .satisfies(r -> assertThat(KplRecords.isAggregated(r.record().data())).isTrue());
    assertThat(flushed.isDone()).isTrue();
  }

  @Test
  void withoutAShardMapEventsLeaveUnaggregatedAfterTheFirstShardMapWait() {
    SlowListing sink = new SlowListing();
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder().sink(sink));
    for (int i = 0; i < 3; i++) {
      tracker.log(Harness.payment(i));
    }
    long waitMillis = TimeUnit.NANOSECONDS.toMillis(ShardMapTracker.FIRST_MAP_WAIT_NANOS);
    assertThat(waitMillis).isEqualTo(5_000);
    harness.scheduler.advance(waitMillis - 1, TimeUnit.MILLISECONDS);
    assertThat(sink.inner.requests()).isEmpty();
    harness.scheduler.advance(2, TimeUnit.MILLISECONDS);
    assertThat(sink.inner.storedRecords())
        .hasSize(3)
        .allSatisfy(r -> assertThat(KplRecords.isAggregated(r.record().data())).isFalse());
  }
}
