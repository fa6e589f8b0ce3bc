package dev.tideline.sdk;

/** What {@link Tracker#log(Object)} does when the buffer has no room for an event. */
public enum BufferPolicy {
  /**
   * Wait for room, at most the builder's {@linkplain TrackerBuilder#blockTimeout block timeout},
   * then refuse with {@link LogOutcome#BUFFER_FULL}. For backends that prefer back-pressure to
   * loss; never use it on an Android main thread.
   */
  BLOCK,
  /** Refuse the new event at once with {@link LogOutcome#BUFFER_FULL}. The default. */
  DROP_NEWEST,
  /**
   * Accept the new event and evict the oldest events not yet handed to aggregation, each reported
   * as {@link DropReason#BUFFER_FULL}. When every buffered byte is already in flight, refuse the
   * new event as DROP_NEWEST does.
   */
  DROP_OLDEST
}
