package dev.tideline.sdk;

import java.util.List;

/**
 * Receives what happens to events after {@link Tracker#log(Object)}: refusals, acknowledgements,
 * drops and dead letters. Every method has an empty default; override what you need.
 *
 * <p>Called from the tracker's worker thread (refusals: from the logging thread), never under a
 * tracker lock. Keep it quick: a slow listener delays delivery. An exception it throws is counted
 * and logged once, never propagated. The lists are read-only and valid only during the call.
 */
public interface TrackerListener {
  /**
   * {@link Tracker#log(Object)} refused an event (no sequence number was given).
   *
   * @param outcome why, never {@link LogOutcome#ACCEPTED}
   * @param eventType the event's type, or its class name when the schema is unknown
   * @param detail what broke and where: for {@link LogOutcome#TOO_LARGE} the size and the limit
   */
  default void onRejected(LogOutcome outcome, String eventType, String detail) {}

  /** Kinesis stored these events (acknowledged a record holding them). */
  default void onAcknowledged(List<TrackedEvent> events) {}

  /**
   * Accepted events were dropped before delivery ({@link DropReason#BUFFER_FULL}, {@link
   * DropReason#TOO_LARGE}, {@link DropReason#CLOSED}).
   */
  default void onDropped(List<TrackedEvent> events, DropReason reason, String detail) {}

  /**
   * Delivery was given up ({@link DropReason#EXPIRED}, {@link DropReason#ATTEMPTS_EXHAUSTED},
   * {@link DropReason#REFUSED}): the original events, to keep or resend by other means.
   *
   * @param lastErrorCode the code of the last failed attempt
   * @param lastErrorMessage its message
   */
  default void onDeadLettered(
      List<TrackedEvent> events,
      DropReason reason,
      String lastErrorCode,
      String lastErrorMessage) {}

  /**
   * The spool had trouble with its disk (full, directory gone or read-only, an I/O error), or found
   * corrupt bytes: what happened, where, and what the tracker does about it (for example keeping
   * events in memory and trying the disk again). Once per cause, not per event.
   */
  default void onStorageProblem(String detail) {}

  /**
   * An accepted event of this type had a string with a lone UTF-16 surrogate, which protobuf sends
   * as {@code ?}: the event was sent, the string altered. Once per event type, not per event, from
   * the logging thread; every such event is counted in {@link
   * TrackerMetrics#eventsWithIllFormedStrings()}.
   *
   * @param eventType the event's type
   * @param detail what happened and what the tracker did
   */
  default void onIllFormedStrings(String eventType, String detail) {}

  /** A listener that ignores everything. */
  static TrackerListener noop() {
    return NoopListener.INSTANCE;
  }
}
