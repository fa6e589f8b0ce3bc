package dev.tideline.sdk;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells the {@link TrackerListener} and the log what happened to events, and counts it: refusals,
 * drops, dead letters, acknowledgements. A listener that throws is counted and logged once per
 * exception type, never propagated; a cause is logged once, not per event.
 *
 * <p>Thread-safe: refusals and evictions are reported on the caller's thread, the rest on the
 * worker. No lock is held while calling the listener.
 */
final class Reporter {
  private static final Logger LOG = Logger.getLogger(Tracker.class.getName());

  /** The most distinct causes logged, so that varied messages cannot grow the set without bound. */
  private static final int MAX_LOGGED_CAUSES = 1000;

  private final String streamName;
  private final TrackerListener listener;
  private final Metrics metrics;
  private final Set<String> loggedCauses = Collections.newSetFromMap(new ConcurrentHashMap<>());

  Reporter(String streamName, TrackerListener listener, Metrics metrics) {
    this.streamName = streamName;
    this.listener = listener;
    this.metrics = metrics;
  }

  /** Counts and reports a refused log() call; returns the outcome. */
  LogOutcome rejected(LogOutcome outcome, String eventType, String detail) {
    metrics.rejected[outcome.ordinal()].increment();
    Metrics.increment(metrics.type(eventType).rejected, outcome.name().toLowerCase(Locale.ROOT), 1);
    logOnce(outcome + " " + eventType, "refused " + eventType + " (" + outcome + "): " + detail);
    if (listener != NoopListener.INSTANCE) {
      try {
        listener.onRejected(outcome, eventType, detail);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }
    return outcome;
  }

  /** Counts accepted events as dropped, in total and per event type. */
  void countDropped(List<TrackedEvent> events, DropReason reason) {
    metrics.dropped[reason.ordinal()].add(events.size());
    for (TrackedEvent event : events) {
      Metrics.increment(metrics.type(event.eventType).dropped, reason.key(), 1);
    }
  }

  void notifyDropped(List<TrackedEvent> events, DropReason reason, String detail) {
    if (listener != NoopListener.INSTANCE) {
      try {
        listener.onDropped(Collections.unmodifiableList(events), reason, detail);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }
  }

  void notifyDeadLettered(
      List<TrackedEvent> events, DropReason reason, String lastErrorCode, String message) {
    if (listener != NoopListener.INSTANCE) {
      try {
        listener.onDeadLettered(
            Collections.unmodifiableList(events), reason, lastErrorCode, message);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }
  }

  void notifyAcknowledged(List<TrackedEvent> events) {
    if (listener != NoopListener.INSTANCE) {
      try {
        listener.onAcknowledged(Collections.unmodifiableList(events));
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    }
  }

  /** Counts and reports trouble with the spool's disk; logged and told once per cause. */
  void storageProblem(String cause, String message) {
    metrics.storageProblems.increment();
    if (loggedCauses.size() < MAX_LOGGED_CAUSES && loggedCauses.add("storage " + cause)) {
      LOG.warning("[tideline " + streamName + "] " + message + " (logged once)");
      if (listener != NoopListener.INSTANCE) {
        try {
          listener.onStorageProblem(message);
        } catch (RuntimeException e) {
          listenerFailed(e);
        }
      }
    }
  }

  /**
   * Counts an accepted event that protobuf sent with {@code ?} for a lone surrogate; logged and
   * told once per event type.
   */
  void illFormedStrings(String eventType) {
    metrics.eventsWithIllFormedStrings.increment();
    if (loggedCauses.size() < MAX_LOGGED_CAUSES && loggedCauses.add("ill-formed " + eventType)) {
      String detail =
          eventType
              + " has a string with a lone UTF-16 surrogate (not valid Unicode, such as an emoji"
              + " cut in half); protobuf sends '?' in its place. The event is sent; such events are"
              + " counted in TrackerMetrics.eventsWithIllFormedStrings";
      LOG.warning("[tideline " + streamName + "] " + detail + " (logged once per event type)");
      if (listener != NoopListener.INSTANCE) {
        try {
          listener.onIllFormedStrings(eventType, detail);
        } catch (RuntimeException e) {
          listenerFailed(e);
        }
      }
    }
  }

  /** Logs the message at WARNING the first time its cause is seen. */
  void logOnce(String cause, String message) {
    if (loggedCauses.size() < MAX_LOGGED_CAUSES && loggedCauses.add(cause)) {
      LOG.warning("[tideline " + streamName + "] " + message + " (logged once)");
    }
  }

  private void listenerFailed(RuntimeException e) {
    metrics.listenerErrors.increment();
    if (loggedCauses.add("listener " + e.getClass().getName())) {
      LOG.log(
          Level.WARNING, "the TrackerListener threw; ignored (logged once per exception type)", e);
    }
  }
}
