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

class HungListShardsTest {
  /** A sink whose first ListShards never answers; later ones do. */
  private static final class FirstListingHangs implements RecordSink {
    final InMemorySink inner = InMemorySink.create();
    int listings;

    @Override
    public Completion<PutRecordsResult> putRecords(String stream, List<SinkRecord> records) {
      return inner.putRecords(stream, records);
    }

    @Override
    public synchronized Completion<List<Shard>> listShards(String stream) {
      return ++listings == 1 ? Completion.<List<Shard>>create() : inner.listShards(stream);
    }

    @Override
    public Completion<Integer> maxRecordBytes(String stream) {
      return inner.maxRecordBytes(stream);
    }

    @Override
    public Completion<Void> close() {
      return inner.close();
    }
  }

  @Test
  void aListShardsCallThatNeverAnswersIsAskedAgainAfterThirtySeconds() {
    FirstListingHangs sink = new FirstListingHangs();
    Harness harness = new Harness();
    Tracker tracker = harness.start(harness.builder().sink(sink));
    harness.scheduler.advance(29, TimeUnit.SECONDS);
    assertThat(sink.listings).isEqualTo(1);
    harness.scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(sink.listings).isEqualTo(2);
    assertThat(tracker.metrics().shardMapRefreshes()).isEqualTo(1);

    tracker.log(Harness.payment(1));
    tracker.log(Harness.payment(2));
    tracker.flush();
    harness.scheduler.runDue();
    assertThat(sink.inner.storedRecords())
        .singleElement()
        .satisfies(r -> assertThat(KplRecords.isAggregated(r.record().data())).isTrue());
  }
}
