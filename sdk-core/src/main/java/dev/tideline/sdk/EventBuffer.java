package dev.tideline.sdk;

import java.util.List;

/**
 * The seam between {@code log()} and aggregation: where accepted events wait until the worker takes
 * them, and stay accounted for until Kinesis acknowledged them or they were dropped. {@link
 * MemoryBuffer} keeps them in memory; the durable spool (append-only segment files, a later issue)
 * implements the same contract, deleting a range only when it was released.
 *
 * <p>Offers come from any thread; {@link #poll}, {@link #release} and {@link #drainQueued} from the
 * worker only. Implementations are thread-safe.
 */
interface EventBuffer {
  /** Why an offer was refused, or null when accepted; see {@link #offer}. */
  final class Offer {
    /** The accepted event (null when refused). */
    TrackedEvent event;

    /** The refusal (null when accepted). */
    LogOutcome refusal;

    /** Details of a refusal: sizes and limits. */
    String detail;

    /** Events evicted to make room (DROP_OLDEST); null if none. */
    List<TrackedEvent> evicted;
  }

  /**
   * Accepts an event if it fits, assigning its sequence number only then, so that sequence gaps
   * mean loss.
   *
   * @param body the envelope without sequence and sent time
   * @param partitionKeyBytes the partition key's UTF-8 size
   * @param maxRecordBytes the largest record, data plus partition key, the event must fit alone
   * @param sentTimeFieldBytes the bytes the sent-time field will add when the event is sent
   * @param out receives the outcome
   */
  void offer(
      byte[] body,
      String eventType,
      String partitionKey,
      int partitionKeyBytes,
      long eventTimeMicros,
      long idHigh,
      long idLow,
      int maxRecordBytes,
      int sentTimeFieldBytes,
      boolean mayBlock,
      Offer out);

  /** Takes queued events, oldest first, up to about maxBytes (at least one if any). */
  List<TrackedEvent> poll(long maxBytes);

  /** The events were acknowledged or dropped: forget them and free their room. */
  void release(List<TrackedEvent> events);

  /** Takes every queued event (on close). */
  List<TrackedEvent> drainQueued();

  /** A handle that completes when every event accepted before this call was released. */
  Completion<Void> barrier();

  /** Whether events wait in the queue. */
  boolean hasQueued();

  /** Bytes accepted and not released. */
  long bytes();

  /** Events accepted and not released. */
  long events();

  /** The last sequence number given. */
  long lastSequence();

  /** When (clock nanos) the oldest queued event was accepted; Long.MAX_VALUE if none. */
  long oldestQueuedNanos();
}
