package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.sink.Shard;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardMapTest {
  @Test
  void findsTheShardOfEveryKeyAsABigIntegerSearchWouldOverUnevenShards() {
    List<Shard> shards = new ArrayList<>();
    // Uneven ranges, with boundaries on both sides of 2^127 (the sign bit of the high half).
    BigInteger[] cuts = {
      BigInteger.ZERO,
      BigInteger.ONE.shiftLeft(64),
      BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE),
      BigInteger.ONE.shiftLeft(127),
      BigInteger.ONE.shiftLeft(127).add(BigInteger.ONE.shiftLeft(63)),
      Shard.MAX_HASH_KEY.subtract(BigInteger.TEN),
      Shard.MAX_HASH_KEY.add(BigInteger.ONE)
    };
    for (int i = 0; i + 1 < cuts.length; i++) {
      shards.add(Shard.open("s" + i, cuts[i], cuts[i + 1].subtract(BigInteger.ONE)));
    }
    ShardMap map = ShardMap.of(shards);
    assertThat(map).isNotNull();
    Random random = new Random(42);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      keys.add(Long.toHexString(random.nextLong()));
    }
    for (String key : keys) {
      TrackedEvent event = new TrackedEvent(new byte[0], "t", key, key.length(), 0, 0, 0);
      ShardMap.hash(key, event);
      BigInteger expected = InMemorySink.hashKey(key);
      assertThat(event.hashKey()).isEqualTo(expected);
      Shard shard = map.shardFor(event.hashHigh, event.hashLow);
      assertThat(shard.contains(expected)).as("key %s in %s", key, shard).isTrue();
    }
    // The edges themselves.
    for (int i = 0; i + 1 < cuts.length; i++) {
      for (BigInteger edge : new BigInteger[] {cuts[i], cuts[i + 1].subtract(BigInteger.ONE)}) {
        long high = edge.shiftRight(64).longValue();
        long low = edge.longValue();
        assertThat(map.shardFor(high, low).shardId()).isEqualTo("s" + i);
      }
    }
  }

  @Test
  void refusesAListingWithAGapOrWithoutOpenShards() {
    List<Shard> gap = new ArrayList<>(InMemorySink.evenShards(2, 0));
    gap.remove(1);
    assertThat(ShardMap.of(gap)).isNull();
    List<Shard> closed = new ArrayList<>();
    closed.add(Shard.of("x", BigInteger.ZERO, Shard.MAX_HASH_KEY, null, null, false));
    assertThat(ShardMap.of(closed)).isNull();
    assertThat(ShardMap.of(InMemorySink.evenShards(3, 0))).isNotNull();
  }
}
