package dev.tideline.validator.source;

import dev.tideline.validator.HashKeyRange;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Kinesis record as a source read it: data, keys, arrival time, and where it was read.
 *
 * <p>Immutable (the data array is not copied; do not change it) and thread-safe.
 */
public final class SourceRecord {
  private final byte[] data;
  private final String partitionKey;
  private final @Nullable String explicitHashKey;
  private final Instant arrivalTime;
  private final String shardId;
  private final String sequenceNumber;
  private final @Nullable HashKeyRange shardRange;

  /**
   * A record.
   *
   * @param explicitHashKey null when the record had none (files) or it is unknown (Kinesis)
   * @param shardRange the hash-key range of the shard it was read from, or null if unknown
   */
  public SourceRecord(
      byte[] data,
      String partitionKey,
      @Nullable String explicitHashKey,
      Instant arrivalTime,
      String shardId,
      String sequenceNumber,
      @Nullable HashKeyRange shardRange) {
    this.data = Objects.requireNonNull(data, "data");
    this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey");
    this.explicitHashKey = explicitHashKey;
    this.arrivalTime = Objects.requireNonNull(arrivalTime, "arrivalTime");
    this.shardId = shardId;
    this.sequenceNumber = sequenceNumber;
    this.shardRange = shardRange;
  }

  /** The record's data. */
  public byte[] data() {
    return data;
  }

  /** The record's partition key. */
  public String partitionKey() {
    return partitionKey;
  }

  /** The record's explicit hash key, or null. */
  public @Nullable String explicitHashKey() {
    return explicitHashKey;
  }

  /** ApproximateArrivalTimestamp, or the time a file sink wrote the record. */
  public Instant arrivalTime() {
    return arrivalTime;
  }

  /** The shard the record was read from. */
  public String shardId() {
    return shardId;
  }

  /** The record's sequence number in its shard (its position, for files). */
  public String sequenceNumber() {
    return sequenceNumber;
  }

  /** The hash-key range of the shard it was read from, or null. */
  public @Nullable HashKeyRange shardRange() {
    return shardRange;
  }
}
