package dev.tideline.validator.source;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A stream read that failed part way: a GetRecords call failed after the AWS SDK's retries. Says
 * which shard and after which record, so what was read before can still be reported and a new read
 * can start there. Unchecked, like the {@link SdkException} it wraps (its cause).
 */
public final class StreamReadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String shardId;
  private final @Nullable String lastSequenceNumber;
  private final SdkException sdkCause;

  StreamReadException(
      String streamName, String shardId, @Nullable String lastSequenceNumber, SdkException cause) {
    super(
        "reading shard "
            + shardId
            + " of stream "
            + streamName
            + " failed "
            + (lastSequenceNumber == null
                ? "before its first record"
                : "after sequence number " + lastSequenceNumber)
            + ": "
            + cause.getMessage(),
        cause);
    this.shardId = shardId;
    this.lastSequenceNumber = lastSequenceNumber;
    this.sdkCause = cause;
  }

  /** The shard whose read failed. */
  public String shardId() {
    return shardId;
  }

  /** The sequence number of the last record read from that shard, or null if none was. */
  public @Nullable String lastSequenceNumber() {
    return lastSequenceNumber;
  }

  /** The AWS SDK's exception. */
  @Override
  public synchronized SdkException getCause() {
    return sdkCause; // the one given to super, kept with its type
  }
}
