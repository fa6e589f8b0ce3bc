package dev.tideline.sdk.sink;

/**
 * The error codes the Tracker treats specially, as {@link EntryResult#errorCode()} carries them.
 * Kinesis's own codes are used as Kinesis spells them ("PutRecords", Amazon Kinesis Data Streams
 * API Reference); the transport codes are Tideline's, for failures of the whole call.
 *
 * <p>How the Tracker retries: {@linkplain #isThrottle throttles} back off the shard; {@linkplain
 * #isPermanent permanent} errors dead-letter at once; every other code (internal failures,
 * transport errors, unknown codes) retries with exponential backoff and full jitter, within the
 * record's time-to-live and attempt budget.
 */
public final class ErrorCodes {
  /** The shard's write throughput was exceeded (per-entry code). */
  public static final String THROTTLED = "ProvisionedThroughputExceededException";

  /** A KMS throttle on an encrypted stream (per-entry code); treated like a shard throttle. */
  public static final String KMS_THROTTLED = "KMSThrottlingException";

  /** The account or stream limit was exceeded (whole-call code); treated like a throttle. */
  public static final String LIMIT_EXCEEDED = "LimitExceededException";

  /** Kinesis failed internally (per-entry code); retried with jitter. */
  public static final String INTERNAL_FAILURE = "InternalFailure";

  /**
   * The call did not complete: connection refused or reset, timeout, a 5xx without a parsable body.
   * The whole call failed and every entry gets this code; some entries may have been stored anyway,
   * so a retry may duplicate them (detectably, by event id).
   */
  public static final String TRANSPORT_ERROR = "TransportError";

  /** The sink itself failed or broke its contract (threw, or answered with the wrong shape). */
  public static final String SINK_ERROR = "SinkError";

  /** The stream does not exist (whole-call code); permanent. */
  public static final String RESOURCE_NOT_FOUND = "ResourceNotFoundException";

  /** The request was refused as invalid (whole-call code); permanent. */
  public static final String VALIDATION = "ValidationException";

  /** The request was refused as invalid (whole-call code); permanent. */
  public static final String INVALID_ARGUMENT = "InvalidArgumentException";

  /** The caller may not write to the stream (whole-call code); permanent. */
  public static final String ACCESS_DENIED = "AccessDeniedException";

  private ErrorCodes() {}

  /** Whether the code means the shard (or account) is over its limits: slow down that shard. */
  public static boolean isThrottle(String code) {
    return THROTTLED.equals(code) || KMS_THROTTLED.equals(code) || LIMIT_EXCEEDED.equals(code);
  }

  /** Whether retrying cannot help, so the records are dead-lettered at once. */
  public static boolean isPermanent(String code) {
    return RESOURCE_NOT_FOUND.equals(code)
        || VALIDATION.equals(code)
        || INVALID_ARGUMENT.equals(code)
        || ACCESS_DENIED.equals(code)
        || (code != null && code.startsWith("KMS") && !KMS_THROTTLED.equals(code));
  }
}
