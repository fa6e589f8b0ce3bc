package dev.tideline.sdk;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Tracker#logDurably(Object)} answers: whether the event was accepted, and two handles
 * that complete as it becomes safe: {@link #written()} once it is on disk in the spool (synced),
 * and {@link #acknowledged()} once Kinesis stored it. For events that must not be lost, such as
 * payments and logins; plain {@link Tracker#log(Object)} stays fire-and-forget and allocates
 * nothing per event.
 *
 * <pre>{@code
 * LogReceipt receipt = tracker.logDurably(payment);
 * if (!receipt.written().await(1, TimeUnit.SECONDS)) {
 *   // not on disk within a second: the spool is slow or failing; see receipt.written().failure()
 * }
 * }</pre>
 *
 * <p>Thread-safe. Handles of a refused event fail at once with an {@link IllegalStateException}
 * naming the outcome; {@link #written()} fails when the tracker has no spool or the disk failed
 * (the event is then kept in memory and still sent), and {@link #acknowledged()} fails when the
 * event was dropped or dead-lettered.
 */
public final class LogReceipt {
  private final LogOutcome outcome;
  private final Completion<Void> written;
  private final Completion<Void> acknowledged;
  // Set once, on the logging thread, before the buffer's offer; null for a refused event.
  private @Nullable TrackedEvent event;

  LogReceipt() {
    this.outcome = LogOutcome.ACCEPTED;
    this.written = Completion.create();
    this.acknowledged = Completion.create();
  }

  private LogReceipt(LogOutcome refused) {
    this.outcome = refused;
    IllegalStateException failure =
        new IllegalStateException("the tracker did not accept the event: " + refused);
    this.written = Completion.failed(failure);
    this.acknowledged = Completion.failed(failure);
  }

  static LogReceipt refused(LogOutcome outcome) {
    return new LogReceipt(outcome);
  }

  /** The event (set by the tracker on the logging thread, before it offers it to the buffer). */
  void accepted(TrackedEvent event) {
    this.event = event;
  }

  /**
   * The accepted event's id (UUIDv7), the deduplication key the validator reports; null when the
   * event was refused.
   */
  public @Nullable UUID eventId() {
    return event == null ? null : event.eventId();
  }

  /** The producer sequence number the event was given; 0 when it was refused. */
  public long sequence() {
    return event == null ? 0 : event.sequence();
  }

  /** {@link LogOutcome#ACCEPTED}, or why the event was refused. */
  public LogOutcome outcome() {
    return outcome;
  }

  /** Completes when the event is synced to the spool's disk. */
  public Completion<Void> written() {
    return written;
  }

  /** Completes when Kinesis acknowledged the event (a record holding it was stored). */
  public Completion<Void> acknowledged() {
    return acknowledged;
  }
}
