package dev.tideline.sdk;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The tracker's worker: runs tasks on the {@link Scheduler}, one at a time, and marks the thread
 * while one runs. Everything after {@code log()} (lanes, dispatch, retries, the shard map, the
 * audit) is owned by the worker and touched only from its tasks, so none of it needs a lock.
 *
 * <p>The mark lets code reached from a worker task, such as {@code log()} called by a listener,
 * know it is on the worker: the worker is what frees buffer room, so it must never wait for it.
 */
final class WorkerThread {
  private static final Logger LOG = Logger.getLogger(Tracker.class.getName());

  /** Set while a worker task runs. */
  private static final ThreadLocal<Boolean> CURRENT = new ThreadLocal<>();

  private final Scheduler scheduler;
  private final Reporter reporter;

  WorkerThread(Scheduler scheduler, Reporter reporter) {
    this.scheduler = scheduler;
    this.reporter = reporter;
  }

  /** Whether the calling thread is running a worker task (of any tracker). */
  static boolean isCurrent() {
    return CURRENT.get() != null;
  }

  /** Runs the task on the worker after the delay; a refusal by the scheduler is logged once. */
  void submit(Runnable task, long delayNanos) {
    try {
      scheduler.schedule(wrap(task), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      reporter.logOnce("scheduler", "the scheduler refused a task: " + e);
    }
  }

  /** Runs the task on the worker after the delay; null if the scheduler refused it. */
  Scheduler.@Nullable Cancellable schedule(Runnable task, long delayNanos) {
    try {
      return scheduler.schedule(wrap(task), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Wraps a worker task: marks the thread, and keeps a bug of ours from killing the worker. */
  private static Runnable wrap(final Runnable task) {
    return () -> {
      boolean outer = CURRENT.get() == null;
      if (outer) {
        CURRENT.set(Boolean.TRUE);
      }
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.log(Level.SEVERE, "tideline worker task failed", e);
      } finally {
        if (outer) {
          CURRENT.remove();
        }
      }
    };
  }
}
