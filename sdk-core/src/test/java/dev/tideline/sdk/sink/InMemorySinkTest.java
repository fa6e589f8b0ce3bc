package dev.tideline.sdk.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemorySinkTest {
  @Test
  void routesByExplicitHashKeyWhenGivenAndByTheMd5OfThePartitionKeyOtherwise() {
    InMemorySink sink = InMemorySink.withShards(2);
    BigInteger upperHalf = Shard.MAX_HASH_KEY.shiftRight(1).add(BigInteger.TEN);
    PutRecordsResult result =
        sink.putRecords(
                "s",
                List.of(
                    SinkRecord.of("k", upperHalf.toString(), new byte[1]),
                    SinkRecord.of("k", "0", new byte[1]),
                    SinkRecord.of("k", new byte[1])))
            .value();
    assertThat(result.entries())
        .extracting(EntryResult::shardId)
        .containsExactly(
            "shardId-000000000001",
            "shardId-000000000000",
            InMemorySink.hashKey("k").compareTo(upperHalf) >= 0
                ? "shardId-000000000001"
                : "shardId-000000000000");
  }

  @Test
  void refusesRequestsOverKinesisLimitsLikeKinesisAndRecordsWhy() {
    InMemorySink sink = InMemorySink.create();
    List<SinkRecord> tooMany = new ArrayList<>();
    for (int i = 0; i < 501; i++) {
      tooMany.add(SinkRecord.of("k", new byte[1]));
    }
    PutRecordsResult result = sink.putRecords("s", tooMany).value();
    assertThat(result.failedCount()).isEqualTo(501);
    assertThat(result.entries().get(0).errorCode()).isEqualTo(ErrorCodes.VALIDATION);

    sink.putRecords("s", List.of(SinkRecord.of("k", new byte[1024 * 1024])));
    assertThat(sink.violations())
        .hasSize(2)
        .anySatisfy(v -> assertThat(v).contains("501 entries"))
        .anySatisfy(v -> assertThat(v).contains("1048577 bytes"));
    assertThat(sink.storedRecords()).isEmpty();
  }

  @Test
  void countsWithoutKeepingWhenAskedTo() {
    InMemorySink sink = InMemorySink.create().setRetainRecords(false);
    sink.putRecords(
        "s", List.of(SinkRecord.of("key", new byte[10]), SinkRecord.of("key", new byte[5])));
    assertThat(sink.storedCount()).isEqualTo(2);
    assertThat(sink.storedBytes()).isEqualTo(21);
    assertThat(sink.storedRecords()).isEmpty();
    assertThat(sink.requests()).isEmpty();
  }
}
