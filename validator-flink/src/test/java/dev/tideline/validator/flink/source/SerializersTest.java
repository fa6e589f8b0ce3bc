package dev.tideline.validator.flink.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.validator.HashKeyRange;
import dev.tideline.validator.source.StartingPosition;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SerializersTest {
  private static final HashKeyRange UPPER_HALF =
      HashKeyRange.of(
          BigInteger.ONE.shiftLeft(127), BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));

  private static ShardSplit roundTrip(ShardSplit split) throws IOException {
    ShardSplitSerializer serializer = ShardSplitSerializer.INSTANCE;
    return serializer.deserialize(serializer.getVersion(), serializer.serialize(split));
  }

  @Test
  void splitsKeepEveryFieldThroughACheckpoint() throws IOException {
    List<ShardSplit> splits =
        List.of(
            ShardSplit.of(
                "shardId-000000000000",
                List.of(),
                HashKeyRange.all(),
                StartingPosition.trimHorizon()),
            ShardSplit.of(
                "shardId-000000000002",
                List.of("shardId-000000000000"),
                UPPER_HALF,
                StartingPosition.atTimestamp(Instant.parse("2026-11-25T15:00:00.123456789Z"))),
            ShardSplit.of(
                    "shardId-000000000005",
                    List.of("shardId-000000000003", "shardId-000000000004"),
                    UPPER_HALF,
                    StartingPosition.latest())
                .after("49590338271490256608559692538361571095921575989136588898"),
            ShardSplit.of(
                    "shardId-000000000001",
                    List.of(),
                    HashKeyRange.all(),
                    StartingPosition.trimHorizon())
                .after("4959")
                .endedAs(ShardSplit.Ending.ENDED),
            ShardSplit.of(
                    "shardId-000000000006",
                    List.of(),
                    HashKeyRange.all(),
                    StartingPosition.trimHorizon())
                .endedAs(ShardSplit.Ending.STOPPED));
    for (ShardSplit split : splits) {
      ShardSplit read = roundTrip(split);
      assertThat(read).isEqualTo(split);
      assertThat(read.splitId()).isEqualTo(split.shardId());
      assertThat(read.ending()).isEqualTo(split.ending());
    }
  }

  @Test
  void enumeratorStateKeepsEverySetThroughACheckpoint() throws IOException {
    KinesisEnumeratorStateSerializer serializer = KinesisEnumeratorStateSerializer.INSTANCE;
    KinesisEnumeratorState state =
        new KinesisEnumeratorState(
            List.of(
                ShardSplit.of(
                    "shardId-000000000003",
                    List.of("shardId-000000000001"),
                    UPPER_HALF,
                    StartingPosition.trimHorizon())),
            Set.of("shardId-000000000002"),
            Set.of("shardId-000000000000", "shardId-000000000001"),
            Set.of("shardId-000000000004"),
            null);
    KinesisEnumeratorState first =
        new KinesisEnumeratorState(
            List.of(),
            Set.of(),
            Set.of(),
            Set.of(),
            StartingPosition.atTimestamp(Instant.parse("2026-11-25T15:00:00Z")));

    for (KinesisEnumeratorState original : List.of(state, first)) {
      assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(original)))
          .isEqualTo(original);
    }
  }

  @Test
  void refusesStateOfAnUnknownVersionOrWithBytesLeftOver() throws IOException {
    byte[] split =
        ShardSplitSerializer.INSTANCE.serialize(
            ShardSplit.of(
                "shardId-000000000000",
                List.of(),
                HashKeyRange.all(),
                StartingPosition.trimHorizon()));
    assertThatThrownBy(() -> ShardSplitSerializer.INSTANCE.deserialize(2, split))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("version 2");
    byte[] longer = java.util.Arrays.copyOf(split, split.length + 1);
    assertThatThrownBy(() -> ShardSplitSerializer.INSTANCE.deserialize(1, longer))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("1 bytes left");
  }
}
