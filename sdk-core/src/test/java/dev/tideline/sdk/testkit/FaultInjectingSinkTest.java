package dev.tideline.sdk.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.sink.EntryResult;
import dev.tideline.sdk.sink.ErrorCodes;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.sink.PutRecordsResult;
import dev.tideline.sdk.sink.SinkRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultInjectingSinkTest {
  @Test
  void heldCallsCompleteOnlyWhenReleased() {
    FaultInjectingSink sink = FaultInjectingSink.wrap(InMemorySink.create()).holdCalls();
    var call = sink.putRecords("s", List.of(SinkRecord.of("k", new byte[1])));
    assertThat(call.isDone()).isFalse();
    assertThat(sink.releaseCalls()).isEqualTo(1);
    assertThat(call.isSuccess()).isTrue();
  }

  @Test
  void failedEntriesNeverReachTheSinkBehindAndTheOthersKeepTheirPlaces() {
    InMemorySink kinesis = InMemorySink.create();
    FaultInjectingSink sink =
        FaultInjectingSink.wrap(kinesis)
            .setEntryFault(
                (call, record) ->
                    record.partitionKey().equals("b") ? ErrorCodes.INTERNAL_FAILURE : null);
    PutRecordsResult result =
        sink.putRecords(
                "s",
                List.of(
                    SinkRecord.of("a", new byte[1]),
                    SinkRecord.of("b", new byte[1]),
                    SinkRecord.of("c", new byte[1])))
            .value();
    assertThat(result.entries())
        .extracting(EntryResult::errorCode)
        .containsExactly(null, ErrorCodes.INTERNAL_FAILURE, null);
    assertThat(kinesis.storedRecords())
        .extracting(stored -> stored.record().partitionKey())
        .containsExactly("a", "c");
    assertThat(sink.requests()).singleElement().satisfies(r -> assertThat(r).hasSize(3));
  }

  @Test
  void failedCallsCountAsRequestsButReachNothing() {
    InMemorySink kinesis = InMemorySink.create();
    FaultInjectingSink sink =
        FaultInjectingSink.wrap(kinesis).failNextCalls(1, ErrorCodes.TRANSPORT_ERROR);
    assertThat(sink.putRecords("s", List.of(SinkRecord.of("k", new byte[1]))).value().failedCount())
        .isEqualTo(1);
    assertThat(sink.putRecords("s", List.of(SinkRecord.of("k", new byte[1]))).value().failedCount())
        .isZero();
    assertThat(sink.requests()).hasSize(2);
    assertThat(kinesis.requests()).hasSize(1);
  }

  @Test
  void listShardsFailsOnlyWhileAsked() {
    FaultInjectingSink sink =
        FaultInjectingSink.wrap(InMemorySink.create()).setListShardsFails(true);
    assertThat(sink.listShards("s").isSuccess()).isFalse();
    sink.setListShardsFails(false);
    assertThat(sink.listShards("s").value()).hasSize(1);
  }
}
