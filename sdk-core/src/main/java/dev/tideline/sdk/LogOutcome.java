package dev.tideline.sdk;

/**
 * What {@link Tracker#log(Object)} did with an event: accepted it, or the reason it did not. Cheap
 * to return (an enum constant); the details go to {@link TrackerListener#onRejected} and to the
 * {@linkplain TrackerMetrics#rejected() counters}.
 */
public enum LogOutcome {
  /** Accepted: given a sequence number and buffered for delivery. */
  ACCEPTED,
  /**
   * The event alone is larger than a Kinesis record may be (its envelope plus partition key over
   * the maximum record size), so it can never be sent.
   */
  TOO_LARGE,
  /** No catalog in the tracker's {@code SchemaRegistry} describes the event's class. */
  UNKNOWN_SCHEMA,
  /** The buffer was full and the policy refused the event (DROP_NEWEST, or BLOCK timed out). */
  BUFFER_FULL,
  /** The tracker is closing or closed. */
  CLOSED,
  /** No encoder handles the event's class, or the encoder failed on this event. */
  ENCODING_FAILED;

  /** Whether the event was accepted. */
  public boolean isAccepted() {
    return this == ACCEPTED;
  }
}
