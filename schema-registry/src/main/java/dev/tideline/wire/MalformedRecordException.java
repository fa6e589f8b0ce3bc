package dev.tideline.wire;

/**
 * A Kinesis record's data could not be read: it is not a well-formed KPL aggregated record or
 * envelope. The {@link #reason()} is stable, for counting; the message says where and why.
 */
public final class MalformedRecordException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a record was refused. */
  public enum Reason {
    /** No bytes at all. */
    EMPTY,
    /** Starts like an aggregated record but is shorter than magic plus checksum. */
    TOO_SHORT,
    /** Expected the KPL magic bytes F3 89 9A C2. */
    BAD_MAGIC,
    /** The trailing MD5 does not match the protobuf bytes. */
    BAD_CHECKSUM,
    /** The protobuf bytes do not parse (truncated or corrupt). */
    BAD_PROTOBUF,
    /** A sub-record points past the end of the partition-key or explicit-hash-key table. */
    KEY_INDEX_OUT_OF_RANGE,
    /** An aggregated record without sub-records. */
    NO_RECORDS,
    /** The envelope does not parse, or lacks a field every envelope has. */
    BAD_ENVELOPE
  }

  private final Reason reason;

  public MalformedRecordException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public MalformedRecordException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The stable reason, for counting and reports. */
  public Reason reason() {
    return reason;
  }
}
