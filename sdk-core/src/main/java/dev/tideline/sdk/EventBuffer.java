package dev.tideline.sdk;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The seam between {@code log()} and aggregation: where accepted events wait until the worker takes
 * them, and stay accounted for until Kinesis acknowledged them or they were dropped. {@link
 * MemoryBuffer} keeps them in memory; a durable spool implements the same contract, deleting an
 * event only once it was released.
 *
 * <p>Threads: {@link #offer} and {@link #barrier} from any thread; {@link #poll}, {@link #release}
 * and {@link #drainQueued} from the worker only (see {@link WorkerThread}); the counters from any
 * thread. Implementations are thread-safe and never call into the pipeline. An offer made on the
 * worker never waits for room, since the worker is what frees it.
 *
 * <p>Accounting: an event counts in {@link #bytes()} and {@link #events()} from its acceptance
 * until it is released (or evicted), whether it is queued or held by the worker.
 */
interface EventBuffer {
  /**
   * 64 KiB: room above the buffer's bound kept for the tracker's audit records (a few hundred bytes
   * each, one a minute), so that a full buffer never refuses the record that explains it.
   */
  long RESERVED_BYTES = 64 * 1024;

  /** The outcome of one {@link #offer}; one per thread, reused, so offers allocate nothing more. */
  final class Offer {
    /** The refusal, or null when the event was accepted. */
    @Nullable LogOutcome refusal;

    /** Details of a refusal: sizes and limits; empty when the event was accepted. */
    String detail = "";

    /** Events evicted to make room (DROP_OLDEST); null if none. Not yet released: just gone. */
    @Nullable List<TrackedEvent> evicted;

    /**
     * Set by the caller: the tracker's own audit record, which may use {@link #RESERVED_BYTES}
     * above the bound, so that the record that explains drops is not itself dropped.
     */
    boolean reserved;

    /** Refuses an event whose record alone would be larger than a record may be. */
    void tooLarge(TrackedEvent prepared, long recordSize, int maxRecordBytes) {
      int keyBytes =
          prepared.partitionKey != null
              ? prepared.partitionKeyBytes
              : TrackedEvent.ROUTED_KEY_MAX_BYTES;
      refusal = LogOutcome.TOO_LARGE;
      detail =
          prepared.eventType
              + " needs a record of "
              + recordSize
              + " bytes (envelope "
              + (recordSize - keyBytes)
              + " + partition key "
              + keyBytes
              + "), above the maximum record size of "
              + maxRecordBytes
              + " bytes";
    }

    /** Refuses an event the buffer has no room for. */
    void full(TrackedEvent prepared, String why, BufferPolicy policy) {
      refusal = LogOutcome.BUFFER_FULL;
      detail = prepared.eventType + ": " + why + " (policy " + policy + ")";
    }
  }

  /**
   * Accepts the prepared event if it fits, and only then gives it its sequence number (the last one
   * plus one, so that sequence gaps mean loss) and its acceptance time, with {@link
   * TrackedEvent#accept}. Refuses with {@link LogOutcome#TOO_LARGE} an event whose record, with its
   * sequence field and its partition key, would exceed {@code maxRecordBytes}, and with {@link
   * LogOutcome#BUFFER_FULL} one that does not fit under the buffer's policy.
   *
   * @param prepared the event as log() built it: body, event type, partition key and its UTF-8
   *     size, event time, id
   * @param maxRecordBytes the largest record, data plus partition key, that the event must fit
   *     alone
   * @param mayBlock whether a full buffer under {@link BufferPolicy#BLOCK} may wait for room
   * @param out receives the outcome; overwritten
   */
  void offer(TrackedEvent prepared, int maxRecordBytes, boolean mayBlock, Offer out);

  /** Takes queued events, oldest first, up to about maxBytes (at least one if any). Worker only. */
  List<TrackedEvent> poll(long maxBytes);

  /** The events were acknowledged or dropped: forget them and free their room. Worker only. */
  void release(List<TrackedEvent> events);

  /** Takes every queued event, for close; they stay accounted until released. Worker only. */
  List<TrackedEvent> drainQueued();

  /**
   * The tracker closes: the buffer keeps what it can for a later start and says what is lost.
   * Called once, on the worker, after the worker stopped sending.
   *
   * @param held every event accepted and not released: queued ones (from {@link #drainQueued}) and
   *     those the worker held
   * @param timeoutNanos the longest to spend, for example writing to disk what waits in memory
   * @return the events of {@code held} that closing loses: all of them for a memory buffer, those
   *     not on disk for a spool
   */
  List<TrackedEvent> close(List<TrackedEvent> held, long timeoutNanos);

  /**
   * Frees the memory the buffer can do without: events it can read back later (from disk). Any
   * thread; no I/O.
   *
   * @return the bytes of events let go
   */
  long trimMemory();

  /** A handle that completes when every event accepted before this call was released. */
  Completion<Void> barrier();

  /** Bytes accepted and not released. */
  long bytes();

  /** Events accepted and not released. */
  long events();

  /** The last sequence number given (0: none yet). */
  long lastSequence();

  /** When (clock nanos) the oldest queued event was accepted; Long.MAX_VALUE if none. */
  long oldestQueuedNanos();
}
