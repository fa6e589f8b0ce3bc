package dev.tideline.validator.flink.source;

import dev.tideline.validator.HashKeyRange;
import dev.tideline.validator.source.StartingPosition;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;
import org.jspecify.annotations.Nullable;

/**
 * One shard of the stream as a unit of work of the {@link KinesisSource}: the shard, its parents,
 * its hash-key range, and where to read it from. The split's id is the shard's id.
 *
 * <p>A reader reads a split from its {@linkplain #startingPosition() starting position}, or, once
 * it has emitted a record of the shard, just after the {@linkplain #lastSequenceNumber() last
 * sequence number emitted}: that is what a checkpoint stores, so a restored job resumes with
 * AFTER_SEQUENCE_NUMBER and emits no record twice.
 *
 * <p>Immutable and thread-safe.
 */
public final class ShardSplit implements SourceSplit {
  /** How a reader stopped reading a split; only in the markers its checkpoints keep. */
  enum Ending {
    /** Still to read. */
    NONE,
    /** Closed and read to its end: its children may be read. */
    ENDED,
    /** Caught up in a bounded read: left open, its children are not read. */
    STOPPED
  }

  private final String shardId;
  private final List<String> parentShardIds;
  private final HashKeyRange hashKeyRange;
  private final StartingPosition startingPosition;
  private final @Nullable String lastSequenceNumber;
  private final Ending ending;

  ShardSplit(
      String shardId,
      List<String> parentShardIds,
      HashKeyRange hashKeyRange,
      StartingPosition startingPosition,
      @Nullable String lastSequenceNumber,
      Ending ending) {
    this.shardId = Objects.requireNonNull(shardId, "shardId");
    this.parentShardIds = List.copyOf(parentShardIds);
    this.hashKeyRange = Objects.requireNonNull(hashKeyRange, "hashKeyRange");
    this.startingPosition = Objects.requireNonNull(startingPosition, "startingPosition");
    this.lastSequenceNumber = lastSequenceNumber;
    this.ending = Objects.requireNonNull(ending, "ending");
  }

  /** A split to read from {@code startingPosition}. */
  static ShardSplit of(
      String shardId,
      List<String> parentShardIds,
      HashKeyRange hashKeyRange,
      StartingPosition startingPosition) {
    return new ShardSplit(
        shardId, parentShardIds, hashKeyRange, startingPosition, null, Ending.NONE);
  }

  @Override
  public String splitId() {
    return shardId;
  }

  /** The shard's id. */
  public String shardId() {
    return shardId;
  }

  /**
   * The shard's parents (none, one for a split, two for a merge): it is read only once they are
   * read to their end.
   */
  public List<String> parentShardIds() {
    return parentShardIds;
  }

  /** The hash-key range the shard owns. */
  public HashKeyRange hashKeyRange() {
    return hashKeyRange;
  }

  /** Where the read of the shard starts, if it has emitted no record yet. */
  public StartingPosition startingPosition() {
    return startingPosition;
  }

  /** The sequence number of the last record emitted from the shard, or null if none was. */
  public @Nullable String lastSequenceNumber() {
    return lastSequenceNumber;
  }

  Ending ending() {
    return ending;
  }

  /** This split resumed after {@code sequenceNumber}. */
  ShardSplit after(@Nullable String sequenceNumber) {
    return new ShardSplit(
        shardId, parentShardIds, hashKeyRange, startingPosition, sequenceNumber, ending);
  }

  /** This split as a marker of a finished read. */
  ShardSplit endedAs(Ending how) {
    return new ShardSplit(
        shardId, parentShardIds, hashKeyRange, startingPosition, lastSequenceNumber, how);
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof ShardSplit)) {
      return false;
    }
    ShardSplit that = (ShardSplit) other;
    return shardId.equals(that.shardId)
        && parentShardIds.equals(that.parentShardIds)
        && hashKeyRange.equals(that.hashKeyRange)
        && startingPosition.equals(that.startingPosition)
        && Objects.equals(lastSequenceNumber, that.lastSequenceNumber)
        && ending == that.ending;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        shardId, parentShardIds, hashKeyRange, startingPosition, lastSequenceNumber, ending);
  }

  @Override
  public String toString() {
    return "ShardSplit{"
        + shardId
        + ", parents="
        + parentShardIds
        + ", from="
        + (lastSequenceNumber == null ? startingPosition : "after " + lastSequenceNumber)
        + (ending == Ending.NONE ? "" : ", " + ending)
        + "}";
  }
}
