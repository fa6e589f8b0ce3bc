package dev.tideline.sdk;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** {@link Scheduler#newDaemonThread}: a single daemon thread. */
final class ThreadScheduler implements Scheduler {
  private final ScheduledThreadPoolExecutor executor;

  ThreadScheduler(final String threadName) {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, threadName);
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
    try {
      final ScheduledFuture<?> future = executor.schedule(task, delay, unit);
      return () -> future.cancel(false);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return () -> {}; // shut down: the task is discarded, as documented
    }
  }

  @Override
  public void shutdown() {
    executor.shutdownNow();
  }
}
