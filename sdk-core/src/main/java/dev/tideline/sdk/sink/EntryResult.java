package dev.tideline.sdk.sink;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one entry of a PutRecords call: the shard and sequence number it was stored under,
 * or the error code and message Kinesis (or the transport) gave.
 *
 * <p>Immutable.
 */
public final class EntryResult {
  private final @Nullable String shardId;
  private final @Nullable String sequenceNumber;
  private final @Nullable String errorCode;
  private final @Nullable String errorMessage;

  private EntryResult(
      @Nullable String shardId,
      @Nullable String sequenceNumber,
      @Nullable String errorCode,
      @Nullable String errorMessage) {
    this.shardId = shardId;
    this.sequenceNumber = sequenceNumber;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
  }

  /**
   * The entry was stored.
   *
   * @throws NullPointerException if an argument is null
   */
  public static EntryResult success(String shardId, String sequenceNumber) {
    return new EntryResult(
        Objects.requireNonNull(shardId, "shardId"),
        Objects.requireNonNull(sequenceNumber, "sequenceNumber"),
        null,
        null);
  }

  /**
   * The entry failed.
   *
   * @param errorCode Kinesis's code, for example {@link ErrorCodes#THROTTLED}, or one of the
   *     transport codes in {@link ErrorCodes}
   * @param errorMessage a readable message; null becomes ""
   * @throws NullPointerException if errorCode is null
   */
  public static EntryResult failure(String errorCode, @Nullable String errorMessage) {
    return new EntryResult(
        null,
        null,
        Objects.requireNonNull(errorCode, "errorCode"),
        errorMessage == null ? "" : errorMessage);
  }

  /** Whether the entry was stored. */
  public boolean isSuccess() {
    return errorCode == null;
  }

  /** The shard the entry was stored in; null for a failure. */
  public @Nullable String shardId() {
    return shardId;
  }

  /** The sequence number Kinesis assigned; null for a failure. */
  public @Nullable String sequenceNumber() {
    return sequenceNumber;
  }

  /** The error code; null for a success. */
  public @Nullable String errorCode() {
    return errorCode;
  }

  /** The error message; null for a success. */
  public @Nullable String errorMessage() {
    return errorMessage;
  }

  @Override
  public String toString() {
    return isSuccess()
        ? "EntryResult{" + shardId + " " + sequenceNumber + "}"
        : "EntryResult{" + errorCode + ": " + errorMessage + "}";
  }
}
