package dev.tideline.sdk.sink;

import java.math.BigInteger;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One shard of a stream, as ListShards describes it: its id, its hash key range (inclusive, 0 to
 * 2^128 − 1), its parents, and whether it still accepts writes.
 *
 * <p>Immutable.
 */
public final class Shard {
  /** The largest hash key: 2^128 − 1. */
  public static final BigInteger MAX_HASH_KEY =
      BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private final String shardId;
  private final BigInteger startingHashKey;
  private final BigInteger endingHashKey;
  private final @Nullable String parentShardId;
  private final @Nullable String adjacentParentShardId;
  private final boolean open;

  private Shard(
      String shardId,
      BigInteger startingHashKey,
      BigInteger endingHashKey,
      @Nullable String parentShardId,
      @Nullable String adjacentParentShardId,
      boolean open) {
    this.shardId = shardId;
    this.startingHashKey = startingHashKey;
    this.endingHashKey = endingHashKey;
    this.parentShardId = parentShardId;
    this.adjacentParentShardId = adjacentParentShardId;
    this.open = open;
  }

  /**
   * An open shard without parents.
   *
   * @throws IllegalArgumentException if the range is empty or outside 0 to 2^128 − 1
   */
  public static Shard open(String shardId, BigInteger startingHashKey, BigInteger endingHashKey) {
    return of(shardId, startingHashKey, endingHashKey, null, null, true);
  }

  /**
   * A shard as ListShards returns it.
   *
   * @param parentShardId the parent's id, or null
   * @param adjacentParentShardId the merged-in parent's id, or null
   * @param open false when the shard has an ending sequence number (closed by a split or merge);
   *     closed shards are ignored for routing
   * @throws NullPointerException if shardId or a hash key is null
   * @throws IllegalArgumentException if the range is empty or outside 0 to 2^128 − 1
   */
  public static Shard of(
      String shardId,
      BigInteger startingHashKey,
      BigInteger endingHashKey,
      @Nullable String parentShardId,
      @Nullable String adjacentParentShardId,
      boolean open) {
    Objects.requireNonNull(shardId, "shardId");
    Objects.requireNonNull(startingHashKey, "startingHashKey");
    Objects.requireNonNull(endingHashKey, "endingHashKey");
    if (startingHashKey.signum() < 0 || endingHashKey.compareTo(MAX_HASH_KEY) > 0) {
      throw new IllegalArgumentException(
          "shard "
              + shardId
              + " hash keys must lie in 0 to 2^128-1, were "
              + startingHashKey
              + " to "
              + endingHashKey);
    }
    if (startingHashKey.compareTo(endingHashKey) > 0) {
      throw new IllegalArgumentException(
          "shard "
              + shardId
              + " starting hash key "
              + startingHashKey
              + " is above its ending hash key "
              + endingHashKey);
    }
    return new Shard(
        shardId, startingHashKey, endingHashKey, parentShardId, adjacentParentShardId, open);
  }

  /** The shard's id, for example "shardId-000000000000". */
  public String shardId() {
    return shardId;
  }

  /** The smallest hash key routed to this shard, inclusive. */
  public BigInteger startingHashKey() {
    return startingHashKey;
  }

  /** The largest hash key routed to this shard, inclusive. */
  public BigInteger endingHashKey() {
    return endingHashKey;
  }

  /** The parent shard's id, or null. */
  public @Nullable String parentShardId() {
    return parentShardId;
  }

  /** The adjacent (merged) parent shard's id, or null. */
  public @Nullable String adjacentParentShardId() {
    return adjacentParentShardId;
  }

  /** Whether the shard accepts writes (it has no ending sequence number). */
  public boolean isOpen() {
    return open;
  }

  /** Whether a hash key falls in this shard's range. */
  public boolean contains(BigInteger hashKey) {
    return startingHashKey.compareTo(hashKey) <= 0 && endingHashKey.compareTo(hashKey) >= 0;
  }

  @Override
  public String toString() {
    return "Shard{"
        + shardId
        + " ["
        + startingHashKey
        + ", "
        + endingHashKey
        + "]"
        + (open ? "" : " closed")
        + "}";
  }
}
