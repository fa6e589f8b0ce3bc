package dev.tideline.sdk;

import dev.tideline.sdk.sink.Shard;
import dev.tideline.wire.HashKeys;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which shard a hash key goes to: the open shards of a stream sorted by starting hash key. Kinesis
 * routes a record by its explicit hash key, or else by the MD5 of its partition key read as an
 * unsigned 128-bit integer ("PutRecords", Kinesis API Reference).
 *
 * <p>Immutable; hashing goes through {@link HashKeys}, which keeps a digest per thread.
 */
final class ShardMap {
  private final List<Shard> open; // sorted by starting hash key
  private final long[] startHigh; // starting hash keys as unsigned 128-bit high and low halves
  private final long[] startLow;
  private final Map<String, Shard> byId = new HashMap<>();

  private ShardMap(List<Shard> shards) {
    List<Shard> sorted = new ArrayList<>();
    for (Shard shard : shards) {
      byId.put(shard.shardId(), shard);
      if (shard.isOpen()) {
        sorted.add(shard);
      }
    }
    Collections.sort(sorted, (a, b) -> a.startingHashKey().compareTo(b.startingHashKey()));
    this.open = Collections.unmodifiableList(sorted);
    this.startHigh = new long[sorted.size()];
    this.startLow = new long[sorted.size()];
    for (int i = 0; i < startHigh.length; i++) {
      BigInteger start = sorted.get(i).startingHashKey();
      startHigh[i] = start.shiftRight(64).longValue();
      startLow[i] = start.longValue();
    }
  }

  /**
   * A map of the shards, or null when the open shards do not cover the hash key space without gaps
   * or overlaps (a listing taken mid-reshard): then the tracker sends unaggregated and asks again.
   */
  static @Nullable ShardMap of(List<Shard> shards) {
    ShardMap map = new ShardMap(shards);
    if (map.open.isEmpty()) {
      return null;
    }
    BigInteger expected = BigInteger.ZERO;
    for (Shard shard : map.open) {
      if (!shard.startingHashKey().equals(expected)) {
        return null;
      }
      expected = shard.endingHashKey().add(BigInteger.ONE);
    }
    return expected.equals(Shard.MAX_HASH_KEY.add(BigInteger.ONE)) ? map : null;
  }

  /** The hash key Kinesis computes for a partition key. */
  static BigInteger hashKey(String partitionKey) {
    return HashKeys.of(partitionKey);
  }

  /**
   * Sets the event's hash key (the MD5 of its partition key) as two unsigned 64-bit halves, without
   * a BigInteger per event.
   */
  static void hash(String partitionKey, TrackedEvent event) {
    byte[] digest = HashKeys.digest(partitionKey);
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (digest[i] & 0xFF);
      low = (low << 8) | (digest[i + 8] & 0xFF);
    }
    event.hashHigh = high;
    event.hashLow = low;
  }

  /** Unsigned 128-bit comparison (Long.compareUnsigned needs Android API 26). */
  static int compare(long aHigh, long aLow, long bHigh, long bLow) {
    int byHigh = Long.compare(aHigh + Long.MIN_VALUE, bHigh + Long.MIN_VALUE);
    return byHigh != 0 ? byHigh : Long.compare(aLow + Long.MIN_VALUE, bLow + Long.MIN_VALUE);
  }

  /** The open shard whose range holds the hash key. */
  Shard shardFor(long hashHigh, long hashLow) {
    int low = 0;
    int high = startHigh.length - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (compare(startHigh[mid], startLow[mid], hashHigh, hashLow) <= 0) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return open.get(low);
  }

  /** A shard by id, open or closed; null if this listing did not have it. */
  @Nullable Shard byId(String shardId) {
    return byId.get(shardId);
  }

  /** The open shards, by starting hash key. */
  List<Shard> openShards() {
    return open;
  }
}
