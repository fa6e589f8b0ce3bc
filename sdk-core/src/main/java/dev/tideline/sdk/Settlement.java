package dev.tideline.sdk;

import java.util.List;
import java.util.Objects;

/**
 * Every way an event leaves the worker: acknowledged by Kinesis, dead-lettered, or dropped. Each
 * counts it, tells the listener, and releases it to the {@link EventBuffer}. Also keeps the
 * worker's share of the buffer: the bytes of the events it took and has not released yet.
 *
 * <p>Worker-owned.
 */
final class Settlement {
  private final EventBuffer buffer;
  private final Metrics metrics;
  private final Reporter reporter;
  private final Clock clock;
  private long heldBytes;

  /** The last sequence an earlier run gave (recovered from a spool); 0 without a spool. */
  private final long recoveredThrough;

  Settlement(EventBuffer buffer, Metrics metrics, Reporter reporter, Clock clock) {
    this.buffer = buffer;
    this.metrics = metrics;
    this.reporter = reporter;
    this.clock = clock;
    this.recoveredThrough = buffer.lastSequence();
  }

  /** The worker took the event from the buffer. */
  void took(TrackedEvent event) {
    heldBytes += event.bufferedSize;
  }

  /** Bytes of the events the worker holds: aggregating, ready, in flight or waiting to retry. */
  long heldBytes() {
    return heldBytes;
  }

  /** Kinesis stored the record where its events are read. */
  void acknowledge(OutRecord record) {
    long now = clock.nanoTime();
    int n = record.events.size();
    metrics.sent.add(n);
    metrics.recordsSent.increment();
    if (record.aggregated) {
      metrics.aggregatedRecordsSent.increment();
    }
    metrics.bytesSent.add(record.billedSize);
    metrics.putPayloadUnits.add(
        (record.billedSize + TrackerMetrics.PUT_PAYLOAD_UNIT_BYTES - 1)
            / TrackerMetrics.PUT_PAYLOAD_UNIT_BYTES);
    String runType = null;
    int runLength = 0;
    for (TrackedEvent event : record.events) {
      metrics.latency((now - event.acceptedNanos) / 1000);
      if (!event.eventType.equals(runType)) {
        if (runType != null) {
          metrics.type(runType).sent.add(runLength);
        }
        runType = event.eventType;
        runLength = 0;
      }
      runLength++;
      if (event.sequence <= recoveredThrough) {
        metrics.type(event.eventType).sentRecovered.increment();
      }
    }
    if (runType != null) {
      metrics.type(runType).sent.add(runLength);
    }
    release(record.events);
    for (TrackedEvent event : record.events) {
      if (event.receipt != null) {
        event.receipt.acknowledged().succeed(null);
      }
    }
    reporter.notifyAcknowledged(record.events);
  }

  /** Gives up on the record: its lastErrorCode and lastErrorMessage say why. */
  void deadLetter(OutRecord record, DropReason reason) {
    // Set by the failed attempt (Dispatcher) or the expiry (Lanes) that gave up on the record.
    String lastErrorCode = Objects.requireNonNull(record.lastErrorCode);
    String lastErrorMessage = Objects.requireNonNull(record.lastErrorMessage);
    metrics.deadLettered.add(record.events.size());
    reporter.countDropped(record.events, reason);
    release(record.events);
    failReceipts(
        record.events,
        "dead-lettered (" + reason + "), last error " + lastErrorCode + ": " + lastErrorMessage);
    reporter.logOnce(
        "dead " + reason + " " + lastErrorCode,
        "gave up on "
            + record.events.size()
            + " events ("
            + reason
            + ") after "
            + record.attempts
            + " attempts; last error "
            + lastErrorCode
            + ": "
            + lastErrorMessage);
    reporter.notifyDeadLettered(record.events, reason, lastErrorCode, lastErrorMessage);
  }

  /** Drops events the worker holds (in lanes, in flight, or just polled). */
  void drop(List<TrackedEvent> events, DropReason reason, String detail) {
    reporter.countDropped(events, reason);
    release(events);
    failReceipts(events, "dropped (" + reason + "): " + detail);
    reporter.logOnce(
        "drop " + reason, "dropped " + events.size() + " events (" + reason + "): " + detail);
    reporter.notifyDropped(events, reason, detail);
  }

  /**
   * The tracker closed while these events were on disk in the spool: they are neither delivered nor
   * dropped, but sent by the next tracker on the same spool directory.
   */
  void keptOnClose(List<TrackedEvent> events) {
    for (TrackedEvent event : events) {
      heldBytes -= event.bufferedSize;
    }
    failReceipts(
        events, "the tracker closed first; the event stays in the spool for its next start");
    reporter.logOnce(
        "kept-on-close",
        events.size() + " undelivered events stay in the spool, to be sent at the next start");
  }

  /**
   * The buffer evicted these accepted events to make room (DROP_OLDEST): counts and reports them.
   * Any thread; the events were never the worker's.
   */
  static void evicted(Reporter reporter, List<TrackedEvent> events, String detail) {
    reporter.countDropped(events, DropReason.BUFFER_FULL);
    failReceipts(events, "dropped (" + DropReason.BUFFER_FULL + "): " + detail);
    reporter.notifyDropped(events, DropReason.BUFFER_FULL, detail);
  }

  private static void failReceipts(List<TrackedEvent> events, String why) {
    IllegalStateException failure = null;
    for (TrackedEvent event : events) {
      if (event.receipt != null) {
        if (failure == null) {
          failure = new IllegalStateException(why);
        }
        event.receipt.acknowledged().fail(failure);
      }
    }
  }

  private void release(List<TrackedEvent> events) {
    for (TrackedEvent event : events) {
      heldBytes -= event.bufferedSize;
    }
    buffer.release(events);
  }
}
