package dev.tideline.sdk;

import java.util.concurrent.TimeUnit;

/**
 * Runs the tracker's worker tasks: aggregation, sending, retries, timers. Injectable so tests drive
 * time by hand.
 *
 * <p>Contract: tasks run <b>one at a time</b> (never two concurrently), in order of due time and,
 * for equal times, of submission; the tracker relies on it so that one worker owns the pipeline's
 * state without locks. {@link #schedule} is called from any thread and must not run the task on the
 * caller's thread.
 */
public interface Scheduler {
  /** A scheduled task that may be cancelled. */
  interface Cancellable {
    /** Cancels the task if it has not started; no effect afterwards. */
    void cancel();
  }

  /**
   * Runs the task after the delay (0: as soon as possible).
   *
   * @return a handle to cancel it
   */
  Cancellable schedule(Runnable task, long delay, TimeUnit unit);

  /** Stops running tasks; tasks not yet run are discarded. Idempotent. */
  void shutdown();

  /**
   * A scheduler on one new daemon thread with the given name. A tracker shuts down the scheduler it
   * created when it closes.
   */
  static Scheduler newDaemonThread(String threadName) {
    return new ThreadScheduler(threadName);
  }
}
